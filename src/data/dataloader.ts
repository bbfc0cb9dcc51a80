// DataLoader: batches of transformed images, prepared in worker threads into shared memory,
// delivered in order. Reproducible: batch b of epoch e is always prepared from the same samples
// with a generator seeded from (seed, e, b), so the batches are the same for any numWorkers
// (0 prepares them in the calling thread). Each `for await` over the loader is one epoch.
import { randomInt } from 'node:crypto';
import type { Device } from '../torch/dtype.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';
import { Compose, type Transform } from '../vision/transforms/transform.js';
import { ToDtype, ToImage } from '../vision/transforms/convert.js';
import { type BatchSlot, type DatasetArrays, type SampleShape, fillBatch, probeShape, sampleSize } from './batch_fill.js';
import { type Batch, type RawBatch, tensorCollate } from './collate.js';
import { DataLoaderError, SampleError } from './errors.js';
import { Generator, deriveSeed } from './generator.js';
import { WorkerPool } from './pool.js';
import { batchCount, batchesOf, epochOrder } from './sampler.js';

/** Options of DataLoader (PyTorch's names, camelCase; PyTorch's defaults where it has them). */
export interface DataLoaderOptions<B> {
  dataset: ImageClassificationDataset;
  /** Samples per batch (1). */
  batchSize?: number;
  /** A new seeded permutation every epoch (false). */
  shuffle?: boolean;
  /** Drop the last batch when it is smaller than batchSize (false). */
  dropLast?: boolean;
  /** Worker threads preparing batches; 0 (the default) prepares them in the calling thread. */
  numWorkers?: number;
  /** Keep the workers between epochs until close() (false: they stop at the end of each epoch). */
  persistentWorkers?: boolean;
  /** Batches each worker prepares ahead (PyTorch's prefetch_factor, 2). */
  prefetch?: number;
  /** Seed of shuffling and augmentation; a random one when omitted (read it back from `seed`). */
  seed?: number | bigint;
  /** Per-sample transform from the dataset's HWC bytes to a CHW image; default ToImage + ToDtype('float32', { scale: true }). */
  transform?: Transform;
  /** Turns a prepared batch into what iteration yields; default: tensors on `device` (see Batch). */
  collate?: (batch: RawBatch) => B | Promise<B>;
  /** Device of the default collate's tensors ('cpu'). */
  device?: Device;
}

function positiveInt(name: string, v: unknown, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new TypeError(`DataLoader: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

// A copy of `a` in shared memory, made once per array, for datasets not already stored there.
const sharedCopies = new WeakMap<Uint8Array, Uint8Array>();
function shared(a: Uint8Array): Uint8Array {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let copy = sharedCopies.get(a);
  if (copy === undefined) {
    copy = new Uint8Array(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    sharedCopies.set(a, copy);
  }
  return copy;
}

/** Iterates over a dataset in batches: `for await (const batch of loader) { ... }`, one epoch per loop. */
export class DataLoader<B = Batch> implements AsyncIterable<B> {
  /** The dataset. */
  readonly dataset: ImageClassificationDataset;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** Whether a smaller last batch is dropped. */
  readonly dropLast: boolean;
  /** Number of worker threads (0: the calling thread). */
  readonly numWorkers: number;
  /** Whether workers outlive an epoch. */
  readonly persistentWorkers: boolean;
  /** Batches prepared ahead per worker. */
  readonly prefetch: number;
  /** The seed of shuffling and augmentation (given, or drawn at construction). */
  readonly seed: number | bigint;
  /** The per-sample transform. */
  readonly transform: Transform;
  /** Shape and type of one transformed sample (from the first sample). */
  readonly sampleShape: SampleShape;

  private readonly collate: (batch: RawBatch) => B | Promise<B>;
  private readonly arrays: DatasetArrays;
  private nextEpoch = 0;
  private active = false;
  private closed = false;
  private pool: WorkerPool | null = null;
  private poolStarting: Promise<WorkerPool> | null = null;
  private slots: { shared: { images: SharedArrayBuffer; labels: SharedArrayBuffer }[]; views: BatchSlot[] } | null = null;

  /** Checks the options and runs the transform once on sample 0 to learn the batch shape. */
  constructor(options: DataLoaderOptions<B>) {
    const { dataset, batchSize = 1, shuffle = false, dropLast = false, numWorkers = 0, persistentWorkers = false, prefetch = 2, seed, transform, collate, device = 'cpu' } = options;
    if (dataset === null || typeof dataset !== 'object' || !(dataset.images instanceof Uint8Array) || !(dataset.labels instanceof Uint8Array)) {
      throw new TypeError('DataLoader: dataset must be an image dataset with images and labels arrays (vision.datasets)');
    }
    if (dataset.length === 0) throw new RangeError('DataLoader: the dataset is empty');
    this.dataset = dataset;
    this.batchSize = positiveInt('batchSize', batchSize);
    this.numWorkers = positiveInt('numWorkers', numWorkers, 0);
    this.prefetch = positiveInt('prefetch', prefetch);
    for (const [name, v] of [['shuffle', shuffle], ['dropLast', dropLast], ['persistentWorkers', persistentWorkers]] as const) {
      if (typeof v !== 'boolean') throw new TypeError(`DataLoader: ${name} must be a boolean, got ${JSON.stringify(v)}`);
    }
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.persistentWorkers = persistentWorkers;
    if (seed !== undefined && !(typeof seed === 'bigint' || (Number.isSafeInteger(seed) && seed >= 0))) {
      throw new TypeError(`DataLoader: seed must be a non-negative integer, got ${String(seed)}`);
    }
    this.seed = seed ?? randomInt(2 ** 47);
    this.transform = transform ?? new Compose([new ToImage(), new ToDtype('float32', { scale: true })]);
    if (typeof this.transform?.forward !== 'function') throw new TypeError('DataLoader: transform must be a Transform (an object with forward())');
    // Fail now, not in a worker, when the transform cannot travel (a Lambda).
    if (this.numWorkers > 0) this.transform.toSpec();
    if (collate !== undefined && typeof collate !== 'function') throw new TypeError('DataLoader: collate must be a function');
    this.collate = collate ?? (tensorCollate(device) as unknown as (batch: RawBatch) => B);
    const { images, labels, height, width, channels } = dataset;
    this.arrays = { images, labels, height, width, channels };
    try {
      this.sampleShape = probeShape(this.arrays, this.transform);
    } catch (error) {
      throw new DataLoaderError(`DataLoader: the transform fails on ${(error as Error).message}`, { sampleIndex: 0, cause: (error as Error).cause });
    }
  }

  /** Batches per epoch. */
  get length(): number {
    return batchCount(this.dataset.length, this.batchSize, this.dropLast);
  }

  /** The epoch the next iteration will run (0 first); each iteration advances it. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Sets the epoch of the next iteration (to resume a run: the same epoch gives the same batches). */
  setEpoch(epoch: number): void {
    this.nextEpoch = positiveInt('epoch', epoch, 0);
  }

  /** Live worker threads (0 between epochs unless persistentWorkers). */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  private allocateSlots(count: number): NonNullable<DataLoader<B>['slots']> {
    const perSample = sampleSize(this.sampleShape) * (this.sampleShape.dtype === 'uint8' ? 1 : 4);
    const shared = Array.from({ length: count }, () => ({
      images: new SharedArrayBuffer(perSample * this.batchSize),
      labels: new SharedArrayBuffer(4 * this.batchSize),
    }));
    const views = shared.map((s) => ({
      images: this.sampleShape.dtype === 'uint8' ? new Uint8Array(s.images) : new Float32Array(s.images),
      labels: new Int32Array(s.labels),
    }));
    return { shared, views };
  }

  private async startPool(): Promise<WorkerPool> {
    if (this.pool !== null) return this.pool;
    this.slots ??= this.allocateSlots(this.numWorkers * this.prefetch + 1);
    this.poolStarting ??= WorkerPool.start(this.numWorkers, {
      dataset: { ...this.arrays, images: shared(this.arrays.images), labels: shared(this.arrays.labels) },
      transform: this.transform.toSpec(),
      shape: this.sampleShape,
      slots: this.slots.shared,
    });
    try {
      this.pool = await this.poolStarting;
    } finally {
      this.poolStarting = null;
    }
    return this.pool;
  }

  private async stopPool(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.close();
  }

  private raw(slot: BatchSlot, indices: Int32Array, batch: number, epoch: number): RawBatch {
    const n = indices.length;
    const { channels, height, width } = this.sampleShape;
    return {
      images: slot.images.subarray(0, n * sampleSize(this.sampleShape)),
      labels: slot.labels.subarray(0, n),
      indices,
      shape: [n, channels, height, width],
      batch,
      epoch,
    };
  }

  /** One epoch: the batches in order. Breaking out of the loop ends the epoch cleanly. */
  async *[Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    if (this.closed) throw new Error('DataLoader: iterated after close()');
    if (this.active) throw new Error('DataLoader: an epoch is already being iterated; finish or break out of it first');
    this.active = true;
    const epoch = this.nextEpoch++;
    try {
      const order = epochOrder(this.dataset.length, this.shuffle, deriveSeed(this.seed, epoch));
      const batches = batchesOf(order, this.batchSize, this.dropLast);
      const seedOf = (b: number) => deriveSeed(this.seed, epoch, b);
      if (this.numWorkers === 0) yield* this.inThisThread(batches, seedOf, epoch);
      else yield* this.inWorkers(batches, seedOf, epoch);
    } finally {
      this.active = false;
    }
  }

  private async *inThisThread(batches: Int32Array[], seedOf: (b: number) => number, epoch: number): AsyncGenerator<B, void, undefined> {
    this.slots ??= this.allocateSlots(1);
    const slot = this.slots.views[0];
    const generator = new Generator();
    for (let b = 0; b < batches.length; b++) {
      try {
        fillBatch(this.arrays, this.transform, this.sampleShape, batches[b], seedOf(b), slot, generator);
      } catch (error) {
        const e = error as SampleError;
        throw new DataLoaderError(`DataLoader failed on sample ${e.sampleIndex} (batch ${b}): ${(e.cause as Error)?.name ?? 'Error'}: ${(e.cause as Error)?.message ?? e.message}`, {
          sampleIndex: e.sampleIndex ?? null, batchIndex: b, cause: e.cause ?? error,
        });
      }
      yield await this.collate(this.raw(slot, batches[b], b, epoch));
    }
  }

  private async *inWorkers(batches: Int32Array[], seedOf: (b: number) => number, epoch: number): AsyncGenerator<B, void, undefined> {
    const pool = await this.startPool();
    const slots = this.slots!;
    const free = slots.views.map((_, i) => i);
    const inflight = new Map<number, { slot: number; done: Promise<void> }>();
    let next = 0;
    let failed = false;
    pool.setRef(true);
    try {
      for (let b = 0; b < batches.length; b++) {
        while (next < batches.length && free.length > 0) {
          const slot = free.shift()!;
          const done = pool.run({ batch: next, indices: batches[next], seed: seedOf(next), slot });
          // Failures surface when their batch is awaited, in order; this only marks them handled.
          done.catch(() => undefined);
          inflight.set(next++, { slot, done });
        }
        const { slot, done } = inflight.get(b)!;
        try {
          await done;
        } catch (error) {
          failed = true;
          throw error;
        }
        inflight.delete(b);
        const out = await this.collate(this.raw(slots.views[slot], batches[b], b, epoch));
        yield out;
        // The consumer asked for the next batch: this slot is free again.
        free.push(slot);
      }
    } finally {
      // Batches still being prepared write into our slots: wait for them before anyone reuses the slots.
      await Promise.allSettled([...inflight.values()].map((f) => f.done));
      if (failed || !this.persistentWorkers) await this.stopPool();
      else this.pool?.setRef(false);
    }
  }

  /** Stops the worker threads (persistent or not); the loader cannot be iterated afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.poolStarting?.catch(() => undefined);
    await this.stopPool();
  }

  /** close(), for `await using loader = new DataLoader(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
