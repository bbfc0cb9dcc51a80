// torch.utils.data.DistributedSampler: each rank's share of a dataset's indices, the same sequence
// as PyTorch's for (seed, epoch, rank, numReplicas, shuffle, dropLast). Shuffling draws
// torch.randperm(n) from a generator seeded with seed + epoch, so every rank draws the same order
// and takes every numReplicas-th index of it, starting at its rank.
import { Generator } from './generator.js';

/** Options of DistributedSampler (PyTorch's constructor arguments). */
export interface DistributedSamplerOptions {
  /**
   * The number of ranks. PyTorch asks torch.distributed; data/ runs without the engine, so the
   * default is torchrun's WORLD_SIZE (smoothlab launch sets it).
   */
  numReplicas?: number;
  /** This rank, 0..numReplicas-1 (default: RANK, as numReplicas). */
  rank?: number;
  /** Shuffle each epoch (true). */
  shuffle?: boolean;
  /** The seed all ranks share (0); the epoch is added to it. */
  seed?: number;
  /** Drop the tail that does not divide evenly (false: repeat the head to pad it instead). */
  dropLast?: boolean;
}

function fromEnv(name: string, given: number | undefined): number {
  if (given !== undefined) return given;
  const text = process.env[name];
  const value = text === undefined ? Number.NaN : Number(text);
  if (!Number.isInteger(value)) throw new Error(`DistributedSampler: pass ${name === 'RANK' ? 'rank' : 'numReplicas'} or set ${name} (torchrun and smoothlab launch set it)`);
  return value;
}

/** Restricts sampling to one rank's share of the dataset; call setEpoch(e) before each epoch to reshuffle. */
export class DistributedSampler implements Iterable<number> {
  /** The number of ranks. */
  readonly numReplicas: number;
  /** This sampler's rank. */
  readonly rank: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** The shared seed. */
  readonly seed: number;
  /** Whether the uneven tail is dropped. */
  readonly dropLast: boolean;
  /** Indices per rank (PyTorch's num_samples; also len(sampler)). */
  readonly numSamples: number;
  /** Indices over all ranks (PyTorch's total_size). */
  readonly totalSize: number;
  readonly #n: number;
  #epoch = 0;

  /** A sampler over a dataset (anything with a length) for one rank. */
  constructor(dataset: { readonly length: number }, options: DistributedSamplerOptions = {}) {
    const { shuffle = true, seed = 0, dropLast = false } = options;
    this.numReplicas = fromEnv('WORLD_SIZE', options.numReplicas);
    this.rank = fromEnv('RANK', options.rank);
    if (!Number.isInteger(this.numReplicas) || this.numReplicas < 1) throw new RangeError(`DistributedSampler: numReplicas must be a positive integer, got ${this.numReplicas}`);
    if (!Number.isInteger(this.rank) || this.rank < 0 || this.rank >= this.numReplicas) {
      throw new RangeError(`Invalid rank ${this.rank}, rank should be in the interval [0, ${this.numReplicas - 1}]`);
    }
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`DistributedSampler: seed must be a non-negative safe integer, got ${seed}`);
    this.#n = dataset.length;
    this.shuffle = shuffle;
    this.seed = seed;
    this.dropLast = dropLast;
    // As PyTorch: with dropLast the tail is cut so that every rank gets the same count; otherwise
    // the count rounds up and the head of the order pads the tail.
    this.numSamples = dropLast && this.#n % this.numReplicas !== 0
      ? Math.max(0, Math.ceil((this.#n - this.numReplicas) / this.numReplicas))  // Python ceil(-0.5) is 0, not -0
      : Math.ceil(this.#n / this.numReplicas);
    this.totalSize = this.numSamples * this.numReplicas;
  }

  /** The epoch whose order the next iteration draws (PyTorch's set_epoch). */
  setEpoch(epoch: number): void {
    if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`DistributedSampler.setEpoch: epoch must be a non-negative integer, got ${epoch}`);
    this.#epoch = epoch;
  }

  /** The epoch set last (0 until setEpoch). */
  get epoch(): number {
    return this.#epoch;
  }

  /** Indices per rank (len(sampler)). */
  get length(): number {
    return this.numSamples;
  }

  /** This rank's indices for the current epoch, in order. */
  indices(): Int32Array {
    const n = this.#n;
    const order = this.shuffle ? new Generator(this.seed + this.#epoch).randperm(n) : Int32Array.from({ length: n }, (_, i) => i);
    const padded = new Int32Array(this.totalSize);
    // Without dropLast, indices[:padding] is appended (repeated whole when the padding is longer).
    for (let i = 0; i < this.totalSize; i++) padded[i] = order[n === 0 ? 0 : i % n];
    const out = new Int32Array(this.numSamples);
    for (let i = 0; i < this.numSamples; i++) out[i] = padded[this.rank + i * this.numReplicas];
    return out;
  }

  /** Iterates this rank's indices for the current epoch. */
  [Symbol.iterator](): Iterator<number> {
    return this.indices()[Symbol.iterator]();
  }
}
