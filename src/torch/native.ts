// The one module that loads the compiled addon (build/smoothlab.node). Everything else in smoothlab
// reaches libtorch through the `native` object exported here.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { TorchError } from './errors.js';

/** An opaque reference to a libtorch tensor, owned by exactly one `Tensor`: a small integer naming a slot of the addon's table. */
export type Handle = number & { readonly __tensorHandle: unique symbol };

// The addon's functions are typed where they are wrapped (tensor.ts, creation.ts, ...); here they
// are one loose record so that this file does not restate ~150 signatures.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NativeAddon = Record<string, (...args: any[]) => any> & { version: string; builtWithCuda: boolean };

// dist/src/torch/native.js -> the package root is three folders up.
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));
const addonPath = process.env.SMOOTHLAB_ADDON ?? `${packageRoot}build/smoothlab.node`;

function load(): NativeAddon {
  if (!existsSync(addonPath)) {
    throw new Error(
      `smoothlab's native addon is not built (${addonPath} is missing). ` +
        'Run `npm run setup` (installs libtorch when it can, then builds), or `npm run build:native` when libtorch is installed.',
    );
  }
  const addon = createRequire(import.meta.url)(addonPath) as NativeAddon;
  addon.setErrorClass(TorchError);
  return addon;
}

/** The loaded addon. */
export const native: NativeAddon = load();
