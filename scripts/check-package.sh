#!/bin/sh
# Installs smoothlab as a user would and uses it: packs the tarball, installs it into a fresh app
# folder first without libtorch (the install must succeed and importing must name the fix), then
# `npm rebuild smoothlab` builds the addon; compiles the README's example with the README's strict
# tsconfig and runs it; runs `npx smoothlab study` and checks its run folder lands in the app.
# SMOOTHLAB_PACKAGE_APP keeps the app in that folder instead of a temporary one.
set -eu
cd "$(dirname "$0")/.."
repo="$(pwd)"

die() { echo "check-package: $*" >&2; exit 1; }

# The README shows the example and its tsconfig: they must be the files this check compiles.
for f in examples/quickstart/train.ts examples/quickstart/tsconfig.json; do
  node -e '
    const fs = require("fs");
    const [readme, file] = [fs.readFileSync("README.md", "utf8"), fs.readFileSync(process.argv[1], "utf8")];
    if (!readme.includes(file.trimEnd())) { console.error(`README.md does not show ${process.argv[1]} verbatim`); process.exit(1); }
  ' "$f"
done

# Packing compiles the TypeScript (prepack), which needs the dev dependencies.
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error

work="${SMOOTHLAB_PACKAGE_APP:-$(mktemp -d /tmp/smoothlab-package.XXXXXX)}"
mkdir -p "$work"
echo "[check-package] packing into $work"
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
[ -f "$tarball" ] || die "npm pack made no tarball"

# What the tarball holds: a LICENSE, and every source map's sources shipped beside it.
listing="$work/listing.txt"
tar -tzf "$tarball" | sed 's|^package/||' | sort >"$listing"
grep -qx LICENSE "$listing" || die "the tarball has no LICENSE"
grep -q '^build/' "$listing" && die "the tarball ships a build/ folder (a machine-specific addon)"
node -e '
  const fs = require("fs"), path = require("path"), { execFileSync } = require("child_process");
  const files = new Set(fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean));
  const missing = [];
  for (const f of files) {
    if (!f.endsWith(".js.map")) continue;
    const map = JSON.parse(execFileSync("tar", ["-xzOf", process.argv[2], `package/${f}`], { encoding: "utf8" }));
    for (const s of map.sources) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(f), map.sourceRoot ?? "", s));
      if (!files.has(target)) missing.push(`${f} -> ${target}`);
    }
  }
  if (missing.length) { console.error(`source maps point at files the tarball lacks:\n${missing.slice(0, 5).join("\n")}`); process.exit(1); }
' "$listing" "$tarball"

app="$work/app"
rm -rf "$app"
mkdir -p "$app"
cd "$app"
printf '{ "name": "app", "version": "1.0.0", "private": true, "type": "module" }\n' >package.json

echo "[check-package] npm install (libtorch hidden: the install must still succeed)"
LIBTORCH=/nonexistent npm install --no-audit --no-fund --loglevel=error "$tarball" >install.log 2>&1 || { cat install.log; die "npm install failed without libtorch"; }
message="$(node -e 'import("smoothlab").then(() => console.log("imported"), (e) => console.log(e.message))')"
case "$message" in
  *"npm rebuild smoothlab"*) ;;
  *) die "importing the unbuilt package should name \`npm rebuild smoothlab\`, said: $message" ;;
esac

echo "[check-package] npm rebuild smoothlab (builds the addon against the libtorch found)"
npm rebuild smoothlab --foreground-scripts >rebuild.log 2>&1 || { cat rebuild.log; die "npm rebuild smoothlab failed"; }
[ -f node_modules/smoothlab/build/smoothlab.node ] || { cat rebuild.log; die "npm rebuild smoothlab built no addon"; }

echo "[check-package] compiling the README's example with its strict tsconfig"
npm install --no-audit --no-fund --loglevel=error --save-dev typescript@~5.9.3 @types/node@^20 >>install.log 2>&1 || { cat install.log; die "installing typescript failed"; }
cp "$repo/examples/quickstart/train.ts" "$repo/examples/quickstart/tsconfig.json" .
npx tsc -p . || die "the example does not compile"
node dist/train.js | tee train.log
grep -q 'train accuracy' train.log || die "the example did not finish"

echo "[check-package] npx smoothlab study (a short run; its folder must land in the app)"
npx smoothlab study --preset quick --name package-check --epochs 1 --train-limit 512 --val-limit 256 >study.log 2>&1 || { tail -n 30 study.log; die "npx smoothlab study failed"; }
[ -f runs/package-check/report.html ] || { tail -n 30 study.log; die "the study wrote no runs/package-check/report.html in the app folder"; }
echo "[check-package] ok: $(basename "$tarball") installs, builds, compiles strict TypeScript, trains, and runs the study ($app)"
