// The default random generator: libtorch's own, so seeds give PyTorch's numbers.
import { setDefaultDraws } from './default_generator.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** Seeds libtorch's default generator: manualSeed(0); randn([3, 4]) equals PyTorch's. */
export function manualSeed(seed: number | bigint): void {
  if (typeof seed === 'number' && (!Number.isInteger(seed) || seed < 0)) {
    throw new TypeError(`manualSeed: seed must be a non-negative integer, got ${seed}`);
  }
  native.manualSeed(seed);
}

/** The default CPU generator's state as a uint8 tensor (torch.get_rng_state), for checkpoints. */
export function getRngState(): Tensor {
  return new Tensor(native.getRngState());
}

/** Restores a state from getRngState (torch.set_rng_state). */
export function setRngState(state: Tensor): void {
  native.setRngState(state.handle);
}

// DataLoader shuffling and randomSplit draw from here when given no seed or generator, so that
// manualSeed makes them reproducible, as in PyTorch.
setDefaultDraws({
  seed: () => {
    const t = new Tensor(native.randint(0, Number.MAX_SAFE_INTEGER, [], 'int64', null));
    try {
      return Number(t.item());
    } finally {
      t.dispose();
    }
  },
  randperm: (n) => {
    const t = new Tensor(native.randperm(n, 'int64', null));
    try {
      return Int32Array.from(t.toTypedArray() as BigInt64Array, Number);
    } finally {
      t.dispose();
    }
  },
});
