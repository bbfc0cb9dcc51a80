// torch.utils.data.random_split: disjoint Subsets of a shuffled dataset.
import { defaultDraws } from '../torch/default_generator.js';
import { type Dataset, Subset, isDataset } from './dataset.js';
import { Generator } from './generator.js';

// Fractions become counts as PyTorch turns them: floor each, then one more for the first few
// until the total is the dataset's length.
function counts(n: number, lengths: readonly number[]): number[] {
  const sum = lengths.reduce((a, b) => a + b, 0);
  if (lengths.length > 0 && lengths.every((f) => f >= 0 && f <= 1) && Math.abs(sum - 1) < 1e-9 && sum !== n) {
    const out = lengths.map((f) => Math.floor(n * f));
    const remainder = n - out.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) out[i % out.length] += 1;
    return out;
  }
  if (!lengths.every((l) => Number.isInteger(l) && l >= 0)) throw new TypeError(`randomSplit: lengths must be non-negative integers or fractions that sum to 1, got [${lengths.join(', ')}]`);
  if (sum !== n) throw new RangeError(`randomSplit: sum of input lengths (${sum}) does not equal the length of the input dataset (${n})`);
  return [...lengths];
}

/**
 * Splits `dataset` into non-overlapping Subsets of the given lengths (counts, or fractions that sum
 * to 1), from one permutation: drawn from `generator`, else from torch's default generator
 * (torch.manualSeed), which gives PyTorch's split for the same seed.
 */
export function randomSplit<T>(dataset: Dataset<T>, lengths: readonly number[], generator?: Generator): Subset<T>[] {
  if (!isDataset(dataset)) throw new TypeError('randomSplit: dataset must be a Dataset (length and get(i))');
  const sizes = counts(dataset.length, lengths);
  const draws = defaultDraws();
  const order = generator !== undefined ? generator.randperm(dataset.length)
    : draws !== null ? draws.randperm(dataset.length) : new Generator(Date.now()).randperm(dataset.length);
  let at = 0;
  return sizes.map((size) => new Subset(dataset, order.subarray(at, (at += size))));
}
