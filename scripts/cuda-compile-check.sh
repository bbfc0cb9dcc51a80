#!/bin/sh
# The CUDA compile check: builds the native addon against a CUDA-enabled libtorch on a machine
# with no GPU, so that the SMOOTHLAB_WITH_CUDA code (native/cuda.cc, amp.cc, the NCCL backend of
# distributed.cc) is compiled and linked somewhere. It uses a Debian 13 (trixie) root with
# Debian's CUDA build of libtorch 2.6 (libtorch-cuda-dev, contrib) and CUDA 12's headers
# (non-free), made by debootstrap from the Debian mirror this machine's apt sources name, as
# scripts/debian13.sh makes the CPU one, and cached outside the clone. cuDNN is not a Debian
# package (nvidia-cudnn downloads it from NVIDIA), so the root gets a stand-in libcudnn.so.9 that
# only lets libtorch_cuda.so load: the root is for compiling and CPU tests, not for a GPU.
#
#   sh scripts/cuda-compile-check.sh            build in the root, check the addon loads, then `npm test`
#   sh scripts/cuda-compile-check.sh build      the build and the load check only
#   sh scripts/cuda-compile-check.sh test ARGS  the build, the load check and `npm test -- ARGS`
#   sh scripts/cuda-compile-check.sh ensure     make the root unless a complete one is cached
#
# Making the root takes ~5 min (debootstrap, then a 3 GB download, mostly CUDA's libraries, that
# unpacks to 9.2 GB); the first native build ~3 min on one core, later ones only what changed;
# `npm test` ~8 min. Everything heavy runs under nice/ionice. The load check needs no GPU: it
# fails unless the addon was built with CUDA, torch.cuda.isAvailable() is false, a CUDA tensor and
# an nccl group are refused with libtorch's own errors, and every symbol the addon imports resolves.
#
# SMOOTHLAB_DEBIAN13_CUDA_ROOT picks the folder (default /var/cache/smoothlab/debian13-cuda; not
# the CI's CPU root). The root is built in a sibling folder and renamed into place when complete.
# SMOOTHLAB_BUILD_CPUS (default 1) is how many cores the native build may use. Needs root
# privileges (debootstrap, chroot, mounts).
set -eu
cd "$(dirname "$0")/.."

root="${SMOOTHLAB_DEBIAN13_CUDA_ROOT:-/var/cache/smoothlab/debian13-cuda}"
# libtorch-cuda-dev conflicts with libtorch-dev (the same headers); nvidia-cuda-dev brings the CUDA
# runtime's and cuBLAS / cuSPARSE / cuSOLVER's headers that libtorch's c10/cuda and ATen/cuda
# headers include, libnccl-dev NCCL's for ProcessGroupNCCL, libgloo-cuda-dev gloo's (libtorch-cuda
# links the CUDA build of gloo, which conflicts with libgloo-dev). The rest is what `npm test` needs,
# Python's torch (its CUDA build, on the same libtorch) for the interop tests as in debian13.sh.
packages="libtorch-cuda-dev nvidia-cuda-dev libnccl-dev libgloo-cuda-dev nodejs npm g++ make python3 python3-torch-cuda python3-torchvision dataset-fashion-mnist chromium fonts-dejavu-core iproute2 ca-certificates"
copy=/work/smoothlab  # where the tree lives inside the root

die() { echo "cuda-compile-check.sh: $*" >&2; exit 1; }
heavy() { nice -n 19 ionice -c3 "$@"; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and bind mounts)"

. scripts/lib/debian_root.sh  # mirror, mounts, sync_tree

install_packages() {
  # nvidia-cudnn is an installer: on "I Agree" (its default) it downloads cuDNN from NVIDIA, which
  # cannot be reached here, and fails; declined, it installs only the symlinks.
  echo "nvidia-cudnn nvidia-cudnn/question select I Decline" | chroot "$1" debconf-set-selections
  # shellcheck disable=SC2086
  heavy chroot "$1" sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages && apt-get clean"
  cudnn_stub "$1"
}

# libtorch_cuda.so needs libcudnn.so.9 and is linked with BIND_NOW, so without cuDNN nothing that
# links it loads. The stand-in defines every cuDNN function libtorch's libraries import (under
# their symbol version, libcudnn.so.9), each answering CUDNN_STATUS_NOT_SUPPORTED (version 0), at
# the path that nvidia-cudnn's symlinks point to. Without a GPU no cuDNN function is ever reached
# but the version query; this root is for compiling and CPU tests, never for running on a GPU.
cudnn_stub() {
  [ -e "$1/usr/lib/x86_64-linux-gnu/libcudnn.so.9" ] && return 0
  cat >"$1/tmp/cudnn-stub.sh" <<'EOF'
set -eu
lib=/usr/lib/x86_64-linux-gnu
cd /tmp
nm -D --undefined-only "$lib/libtorch_cuda.so" "$lib/libtorch_python.so" |
  sed -n 's/^ *U \(cudnn[A-Za-z0-9_]*\)@libcudnn\.so\.9$/\1/p' | sort -u >cudnn-symbols.txt
[ -s cudnn-symbols.txt ]
{
  echo '/* smoothlab: a stand-in for cuDNN 9 in a no-GPU compile-check root (scripts/cuda-compile-check.sh). */'
  echo 'static const char message[] = "cuDNN is not installed (smoothlab stand-in)";'
  while read -r name; do
    case "$name" in
      cudnnGetVersion|cudnnGetCudartVersion|cudnnGetMaxDeviceVersion) echo "unsigned long $name(void) { return 0; }" ;;
      cudnnGetErrorString) echo "const char* $name(void) { return message; }" ;;
      *) echo "long $name(void) { return 3000; }" ;;  # CUDNN_STATUS_NOT_SUPPORTED
    esac
  done <cudnn-symbols.txt
} >cudnn-stub.c
echo 'libcudnn.so.9 { global: *; };' >cudnn-stub.map
gcc -shared -fPIC -O1 -Wl,-soname,libcudnn.so.9 -Wl,--version-script,cudnn-stub.map cudnn-stub.c -o "$lib/libcudnn.so.9.0.0"
rm -f cudnn-symbols.txt cudnn-stub.c cudnn-stub.map
ldconfig
EOF
  chroot "$1" sh /tmp/cudnn-stub.sh
  rm -f "$1/tmp/cudnn-stub.sh"
}

ensure() {
  if [ -f "$root/.smoothlab-complete" ]; then
    # shellcheck disable=SC2086
    chroot "$root" dpkg-query -W $packages >/dev/null 2>&1 && { cudnn_stub "$root"; return 0; }
    mounts on "$root"
    trap 'mounts off "$root"' EXIT
    install_packages "$root"
    cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
    mounts off "$root"
    trap - EXIT
    return 0
  fi
  command -v debootstrap >/dev/null 2>&1 || {
    apt-get install -y -q --no-install-recommends debootstrap >/dev/null 2>&1 || {
      apt-get update -q >/dev/null && apt-get install -y -q --no-install-recommends debootstrap
    }
  }
  url="$(mirror)"
  [ -n "$url" ] || die "no Debian mirror found in /etc/apt/sources.list{,.d}"
  building="$root.building"
  mkdir -p "$(dirname "$root")"
  # A debootstrap that finished is kept (it is the slow, fragile half); anything else starts afresh.
  if [ -d "$building" ] && [ ! -f "$building/.smoothlab-debootstrap" ]; then mounts off "$building"; rm -rf "$building"; fi
  if [ ! -d "$building" ]; then
    echo "[smoothlab] making the CUDA Debian 13 root in $root (debootstrap trixie from the mirror in this machine's apt sources)"
    heavy debootstrap --variant=minbase --components=main,contrib,non-free,non-free-firmware trixie "$building" "$url" >"$building.log" 2>&1 || {
      tail -n 20 "$building.log" >&2; die "debootstrap failed (log: $building.log)"
    }
    touch "$building/.smoothlab-debootstrap"
  fi
  # contrib (libtorch-cuda-*) and non-free (CUDA) besides main.
  printf 'deb %s trixie main contrib non-free non-free-firmware\n' "$url" >"$building/etc/apt/sources.list"
  mkdir -p "$building/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$building/etc/ssl/certs/ca-certificates.crt"
  [ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$building/root/.npmrc"
  mounts on "$building"
  trap 'mounts off "$building"' EXIT
  echo "[smoothlab] installing $packages (log: $building.log)"
  install_packages "$building" >>"$building.log" 2>&1 || { tail -n 20 "$building.log" >&2; die "apt-get install in the root failed (log: $building.log)"; }
  cp /etc/ssl/certs/ca-certificates.crt "$building/etc/ssl/certs/ca-certificates.crt"
  chroot "$building" sh -c 'node --version && dpkg-query -W -f "libtorch-cuda-dev \${Version}\n" libtorch-cuda-dev' | tr '\n' ' '
  echo
  mounts off "$building"
  trap - EXIT
  rm -f "$building/.smoothlab-debootstrap" "$building.log"
  touch "$building/.smoothlab-complete"
  mv "$building" "$root"
}

in_root() {
  status=0
  heavy chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    sh -c "cd $copy && $1" || status=$?
  return $status
}

# Prints what the addon says about CUDA and fails unless it was built with CUDA, sees no GPU, and
# refuses a CUDA tensor with an error that says why.
load_check='
import { readFileSync } from "node:fs";
const say = (line) => console.log(`[smoothlab] ${line}`);
const first = (e) => `${e.name}: ${String(e.message).split("\n")[0]}`;
try {
  const { torch } = await import("./dist/src/index.js");
  const info = JSON.parse(readFileSync("build/build-info.json", "utf8"));
  say(`addon: libtorch ${torch.version} (${info.source}), builtWithCuda ${torch.builtWithCuda}`);
  say(`torch.cuda.isAvailable() = ${torch.cuda.isAvailable()}, deviceCount() = ${torch.cuda.deviceCount()}`);
  say(`cudnn.isAvailable() = ${torch.backends.cudnn.isAvailable()}, nccl backend compiled in: ${torch.distributed.isBackendAvailable("nccl")}`);
  if (!info.cuda || !torch.builtWithCuda) throw new Error("the addon was not built against a CUDA libtorch");
  if (torch.cuda.isAvailable()) throw new Error("torch.cuda.isAvailable() is true on a machine without a GPU");
  let error = null;
  try { torch.zeros([2], { device: "cuda:0" }); } catch (e) { error = e; }
  if (error === null) throw new Error("torch.zeros on cuda:0 succeeded without a GPU");
  say(`torch.zeros([2], { device: "cuda:0" }) throws ${first(error)}`);
  try { torch.cuda.synchronize(); } catch (e) { say(`torch.cuda.synchronize() throws ${first(e)}`); }
  say(`memoryAllocated() = ${torch.cuda.memoryAllocated()}, isBf16Supported() = ${torch.cuda.isBf16Supported()}`);
  error = null;
  try {
    await torch.distributed.initProcessGroup({ backend: "nccl", initMethod: "tcp://127.0.0.1:0", rank: 0, worldSize: 1, timeoutMs: 5000 });
  } catch (e) { error = e; }
  if (error === null) throw new Error("an nccl group was made without a GPU");
  say(`initProcessGroup({ backend: "nccl" }) throws ${first(error)}`);
} catch (e) {
  console.error(`[smoothlab] load check failed: ${e.stack || e}`);
  process.exit(1);
}
'

build_and_check() {
  ensure
  sync_tree "$root$copy"
  mounts on "$root"
  trap 'mounts off "$root"' EXIT
  # The build proper: npm packages (SMOOTHLAB_SKIP_BUILD: npm ci's install script would build
  # with every core), TypeScript, then the addon on SMOOTHLAB_BUILD_CPUS cores (build-native.mjs
  # runs one unit per core it is allowed).
  in_root "node scripts/find-libtorch.mjs && { [ -f node_modules/.package-lock.json ] && [ ! package-lock.json -nt node_modules/.package-lock.json ] || SMOOTHLAB_SKIP_BUILD=1 npm ci --no-audit --no-fund --loglevel=error; } && node node_modules/typescript/bin/tsc -p ."
  cpus="${SMOOTHLAB_BUILD_CPUS:-1}"
  start=$(date +%s)
  heavy taskset -c "0-$((cpus - 1))" chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    sh -c "cd $copy && node scripts/build-native.mjs"
  echo "[smoothlab] native build took $(( $(date +%s) - start )) s"
  in_root "node --input-type=module -e '$load_check'"
  # Loading binds lazily, so a function of CUDA's runtime that only a GPU reaches (cuda.cc calls
  # cudaDeviceGetAttribute itself) could still be missing: ldd -r resolves every symbol now. Only
  # Node's own N-API functions may stay undefined (the node binary has them).
  in_root "missing=\$(ldd -r build/smoothlab.node 2>&1 | grep 'undefined symbol' | grep -v -e 'undefined symbol: napi_' -e 'undefined symbol: node_api_' || true); [ -z \"\$missing\" ] || { echo \"\$missing\" >&2; exit 1; }; echo '[smoothlab] ldd -r: every symbol of build/smoothlab.node resolves (but N-API, which node provides)'"
}

command="${1:-all}"
[ $# -gt 0 ] && shift
case "$command" in
  ensure) ensure ;;
  build) build_and_check; mounts off "$root" ;;
  all|test)
    build_and_check
    status=0
    heavy chroot "$root" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 sh -c "cd $copy && npm test -- $*" || status=$?
    # The suite leaves its temporary folders behind (3.6 GB a full run); the cached root keeps none.
    rm -rf "$root"/tmp/smoothlab-*
    mounts off "$root"
    exit $status ;;
  *) die "usage: sh scripts/cuda-compile-check.sh [build | test [ARGS] | ensure]" ;;
esac
