// Which samples go into which batch: the epoch's order (a seeded permutation when shuffling, the
// same as torch.randperm with a generator of that seed, or what a sampler yields) cut into batches.
import { Generator } from './generator.js';

/**
 * What DataLoader's `sampler` takes (torch.utils.data.Sampler): any iterable of dataset indices,
 * e.g. a DistributedSampler, an array or an Int32Array. `length` (len(sampler)) gives the loader
 * its length; `setEpoch` is called by the loader's setEpoch, so that fit() reshuffles it per epoch.
 */
export type Sampler = Iterable<number> & { readonly length?: number; setEpoch?(epoch: number): void };

/** The indices `sampler` yields for this epoch, each checked to be a sample of a dataset of `n`. */
export function samplerOrder(sampler: Sampler, n: number): Int32Array {
  const order = Int32Array.from(sampler, (i, k) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`DataLoader: the sampler's index ${k} is ${String(i)}, not a sample of the dataset (0..${n - 1})`);
    return i;
  });
  return order;
}

/** The order of an epoch: 0..n-1, or a permutation drawn from `seed`. */
export function epochOrder(n: number, shuffle: boolean, seed: number): Int32Array {
  if (!shuffle) return Int32Array.from({ length: n }, (_, i) => i);
  return new Generator(seed).randperm(n);
}

/** Cuts `order` into batches of `batchSize`; the last, smaller batch is dropped when `dropLast`. */
export function batchesOf(order: Int32Array, batchSize: number, dropLast: boolean): Int32Array[] {
  const out: Int32Array[] = [];
  for (let start = 0; start < order.length; start += batchSize) {
    const end = Math.min(start + batchSize, order.length);
    if (dropLast && end - start < batchSize) break;
    out.push(order.subarray(start, end));
  }
  return out;
}

/** Number of batches of an epoch over `n` samples. */
export function batchCount(n: number, batchSize: number, dropLast: boolean): number {
  return dropLast ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}
