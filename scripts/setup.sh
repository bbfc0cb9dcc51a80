#!/bin/sh
# Installs and builds whatever is missing, and is quick (a few seconds) when nothing is:
#   Debian packages (libtorch-dev, libgloo-dev for torch.distributed's Gloo backend,
#   dataset-fashion-mnist, a sans font for report figures; with --for-tests also chromium, which
#   renders the HTML report in a test; with --with-python also python3-torch and
#   python3-torchvision for benchmarks and golden fixtures), npm packages, the TypeScript build
#   and the native addon. apt-get runs only when something is missing, as root or through sudo.
set -eu
cd "$(dirname "$0")/.."

with_python=0
for_tests=0
for arg in "$@"; do
  case "$arg" in
    --with-python) with_python=1 ;;
    --for-tests) for_tests=1 ;;
    *) echo "setup.sh: unknown option '$arg' (known: --with-python, --for-tests)" >&2; exit 2 ;;
  esac
done

packages=""
if [ -z "${LIBTORCH:-}" ] && [ "${LIBTORCH_USE_PYTORCH:-}" != "1" ]; then
  node scripts/find-libtorch.mjs >/dev/null 2>&1 || packages="libtorch-dev"
  [ -f /usr/include/gloo/config.h ] || packages="$packages libgloo-dev"
fi
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || packages="$packages dataset-fashion-mnist"
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || packages="$packages fonts-dejavu-core"
if [ "$for_tests" = 1 ]; then
  [ -x /usr/bin/chromium ] || packages="$packages chromium"
  command -v ip >/dev/null 2>&1 || packages="$packages iproute2"  # the two-host test's network namespaces
fi
if [ "$with_python" = 1 ]; then
  /usr/bin/python3 -c 'import torch, torchvision' >/dev/null 2>&1 || packages="$packages python3-torch python3-torchvision"
fi

if [ -n "$packages" ]; then
  if [ "$(id -u)" = 0 ]; then sudo=""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"
  else
    echo "setup.sh: missing Debian packages:$packages. Install them (sudo apt-get install$packages) and run again." >&2
    exit 1
  fi
  echo "[smoothlab] installing Debian packages:$packages"
  # Try without `apt-get update` first: it is slow, and only needed on a machine with no package lists.
  # shellcheck disable=SC2086
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1 || {
    $sudo apt-get update -q >/dev/null
    # shellcheck disable=SC2086
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages
  }
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "[smoothlab] installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi

node node_modules/typescript/bin/tsc -p .
node scripts/build-native.mjs
