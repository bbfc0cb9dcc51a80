// The one module that loads the compiled addon (build/smoothlab.node). Everything else in smoothlab
// reaches libtorch through the `native` object exported here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TorchError } from './errors.js';
import type { NativeBindings } from './native.gen.js';

/**
 * An opaque reference to a libtorch tensor, owned by exactly one `Tensor`: a small integer naming a
 * slot of the addon's table. Each JS thread (main, each worker_thread) has its own table, so a handle
 * means something only on the thread that made it.
 */
export type Handle = number & { readonly __tensorHandle: unique symbol };

/**
 * The loaded addon: one function per binding of native/bindings.txt (typed by the generated
 * native.gen.ts, so a call whose arguments disagree with the manifest fails to compile), plus facts
 * about the build.
 */
export type NativeAddon = NativeBindings & { version: string; builtWithCuda: boolean; cpuHeapKept: boolean };

// dist/src/torch/native.js -> the package root is three folders up.
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
const addonPath = process.env.SMOOTHLAB_ADDON ?? `${packageRoot}build/smoothlab.node`;

// Inside an app the package is installed under node_modules, and its install script builds the
// addon; in a checkout `npm run setup` does (it also installs libtorch and the npm packages).
const fixCommand = /[\\/]node_modules[\\/]/.test(packageRoot) ? 'npm rebuild smoothlab' : 'npm run setup';

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `smoothlab's native addon is not built (${addonPath} is missing). ` +
        `Install libtorch (the README's three ways: apt-get install libtorch-dev, LIBTORCH=/path/to/libtorch, ` +
        `or LIBTORCH_USE_PYTORCH=1), then run \`${fixCommand}\`.`,
    );
  }
  const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
  addon.setErrorClass(TorchError);
  return addon;
}

/** The loaded addon. */
export const native: NativeAddon = load();
