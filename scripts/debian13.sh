#!/bin/sh
# The second test tier: a Debian 13 (trixie) root with libtorch 2.6, torch 2.6 and Node 20, made by
# debootstrap from the Debian mirror this machine's apt sources name, and cached outside the clone.
#
#   sh scripts/debian13.sh ensure          make the root unless a complete one is cached (~4 min, 2.6 GB)
#   sh scripts/debian13.sh test [ARGS]     copy this tree into the root and run `npm test -- ARGS` there
#   sh scripts/debian13.sh run CMD...      copy this tree into the root and run CMD in the copy
#
# SMOOTHLAB_DEBIAN13_ROOT picks the folder (default /var/cache/smoothlab/debian13). The root is
# built in a sibling folder and renamed into place when complete, so an interrupted build never
# leaves a half-made root behind. Needs root privileges (debootstrap, chroot, mounts).
set -eu
cd "$(dirname "$0")/.."

root="${SMOOTHLAB_DEBIAN13_ROOT:-/var/cache/smoothlab/debian13}"
packages="libtorch-dev libgloo-dev nodejs npm g++ make python3 python3-torch python3-torchvision dataset-fashion-mnist chromium fonts-dejavu-core ca-certificates"
copy=/work/smoothlab  # where the tree lives inside the root

die() { echo "debian13.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot and bind mounts)"

. scripts/lib/debian_root.sh  # mirror, mounts, sync_tree

ensure() {
  if [ -f "$root/.smoothlab-complete" ]; then
    # A root cached before a package joined the list gets it now, not a rebuild.
    # shellcheck disable=SC2086
    chroot "$root" dpkg-query -W $packages >/dev/null 2>&1 && return 0
    mounts on "$root"
    trap 'mounts off "$root"' EXIT
    # shellcheck disable=SC2086
    chroot "$root" sh -c "DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages >/dev/null 2>&1 || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages; }"
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
  if [ -d "$building" ]; then mounts off "$building"; rm -rf "$building"; fi
  mkdir -p "$(dirname "$root")"
  echo "[smoothlab] making the Debian 13 root in $root (debootstrap trixie from the mirror in this machine's apt sources)"
  debootstrap --variant=minbase trixie "$building" "$url" >"$building.log" 2>&1 || {
    tail -n 20 "$building.log" >&2; die "debootstrap failed (log: $building.log)"
  }
  # npm inside the root reaches the registry through the same certificate chain as this machine.
  mkdir -p "$building/etc/ssl/certs"
  cp /etc/ssl/certs/ca-certificates.crt "$building/etc/ssl/certs/ca-certificates.crt"
  [ -f "$HOME/.npmrc" ] && cp "$HOME/.npmrc" "$building/root/.npmrc"
  mounts on "$building"
  trap 'mounts off "$building"' EXIT
  chroot "$building" sh -c "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $packages" \
    >>"$building.log" 2>&1 || { tail -n 20 "$building.log" >&2; die "apt-get install in the root failed (log: $building.log)"; }
  # apt's ca-certificates rewrites the bundle; this machine's must win for the registry.
  cp /etc/ssl/certs/ca-certificates.crt "$building/etc/ssl/certs/ca-certificates.crt"
  chroot "$building" sh -c 'node --version && python3 -c "import torch; print(\"torch\", torch.__version__)"' | tr '\n' ' '
  echo
  mounts off "$building"
  trap - EXIT
  touch "$building/.smoothlab-complete"
  rm -f "$building.log"
  mv "$building" "$root"
}

in_root() {
  ensure
  sync_tree "$root$copy"
  mounts on "$root"
  trap 'mounts off "$root"' EXIT
  status=0
  chroot "$root" env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
    ${SMOOTHLAB_CI:+SMOOTHLAB_CI=1} sh -c "cd $copy && $1" || status=$?
  mounts off "$root"
  trap - EXIT
  return $status
}

command="${1:-}"
[ $# -gt 0 ] && shift
case "$command" in
  ensure) ensure ;;
  test) in_root "npm test -- $* && node -e \"import('./dist/src/index.js').then((m) => console.log('[smoothlab] tested against libtorch', m.torch.version))\"" ;;
  run) [ $# -gt 0 ] || die "run needs a command"; in_root "$*" ;;
  *) die "usage: sh scripts/debian13.sh ensure | test [ARGS] | run CMD..." ;;
esac
