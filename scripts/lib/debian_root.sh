# Shared by scripts/debian13.sh and scripts/cuda-compile-check.sh, which each make and enter a
# Debian 13 root: sourced, not run.

# The Debian archive of this machine's apt sources: deb822 `URIs:` or one-line `deb URI suite`,
# skipping the security archive (trixie's security suite has another name and layout).
mirror() {
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    sed -n -e 's/^URIs:[[:space:]]*//p' -e 's/^deb[[:space:]]\{1,\}\(\[[^]]*\][[:space:]]\{1,\}\)\{0,1\}\([^[:space:]]*\).*/\2/p' "$f"
  done | tr ' ' '\n' | grep -v -e security -e '^$' | head -n 1
}

# mounts on|off ROOT: the kernel's file systems bound into the root, or unbound.
mounts() {
  action="$1"
  for m in proc sys dev dev/pts; do
    if [ "$action" = on ]; then
      mountpoint -q "$2/$m" || mount --bind "/$m" "$2/$m"
    fi
  done
  if [ "$action" = off ]; then
    # run/netns: `ip netns add` inside the root leaves its bind mount there.
    for m in run/netns dev/pts dev sys proc; do
      mountpoint -q "$2/$m" && umount -l "$2/$m" || true
    done
  fi
}

# sync_tree DEST: copies the tree (tracked and untracked-but-not-ignored files, as a clean clone
# would have them) into DEST, keeping DEST's node_modules and native object cache between runs;
# dist is rebuilt so that no output of a deleted source survives.
sync_tree() {
  mkdir -p "$1"
  find "$1" -mindepth 1 -maxdepth 1 ! -name node_modules ! -name build -exec rm -rf {} +
  git ls-files -z --cached --others --exclude-standard | tar --null -T - -cf - 2>/dev/null | tar -xf - -C "$1"
}
