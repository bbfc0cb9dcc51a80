// The package's `install` script (npm runs it on `npm install smoothlab` and `npm rebuild smoothlab`):
// builds the native addon when libtorch is found. Without libtorch the install still succeeds and
// says how to get it, because a missing system library is the user's next step, not a broken
// package; a compile that fails with libtorch present fails the install, as node-gyp's do.
// SMOOTHLAB_SKIP_BUILD=1 skips the build (e.g. to install on a machine that only packs or lints).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const here = dirname(fileURLToPath(import.meta.url));

if (process.env.SMOOTHLAB_SKIP_BUILD === '1') {
  console.log('[smoothlab] SMOOTHLAB_SKIP_BUILD=1: native addon not built; `npm rebuild smoothlab` builds it.');
  process.exit(0);
}

// npm hides the output of a dependency's install script that succeeds (unless --foreground-scripts),
// so the way to get libtorch also goes to the terminal when there is one.
function tell(message) {
  console.warn(message);
  if (process.env.npm_config_foreground_scripts === 'true') return;
  try {
    writeFileSync('/dev/tty', `${message}\n`);
  } catch {
    // no terminal (CI, a pipe): importing smoothlab names the same fix
  }
}

try {
  findLibtorch();
} catch (error) {
  tell(`[smoothlab] installed without its native addon.\n${error.message}\nThen build it with: npm rebuild smoothlab`);
  process.exit(0);
}

const build = spawnSync(process.execPath, [join(here, 'build-native.mjs')], { stdio: 'inherit' });
process.exit(build.status ?? 1);
