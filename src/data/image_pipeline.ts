// The image pipeline: batches of transformed images from a dataset's byte arrays, prepared in worker
// threads into shared memory (or in the calling thread), delivered in order. Batch b of epoch e is
// always prepared from the same samples with a generator seeded from (seed, e, b), so the batches
// are the same for any number of workers.
import { type BatchSlot, type SampleShape, fillBatch, probeShape, sampleSize } from './batch_fill.js';
import type { RawBatch } from './collate.js';
import { DataLoaderError, SampleError } from './errors.js';
import { Generator } from './generator.js';
import type { ImageSource } from './image_source.js';
import { WorkerPool } from './pool.js';
import type { Transform } from '../vision/transforms/transform.js';
import { turnEventLoop } from '../utils/event_loop.js';

// A copy of `a` in shared memory, made once per array, for datasets not already stored there.
const sharedCopies = new WeakMap<object, Uint8Array | Int32Array>();
function shared<A extends Uint8Array | Int32Array>(a: A): A {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  let copy = sharedCopies.get(a) as A | undefined;
  if (copy === undefined) {
    copy = new (a.constructor as new (b: SharedArrayBuffer) => A)(new SharedArrayBuffer(a.byteLength));
    copy.set(a);
    sharedCopies.set(a, copy);
  }
  return copy;
}

/** One epoch's plan: the batches (dataset indices of the loader), the first batch's index, and the seed of each batch. */
export interface EpochPlan {
  epoch: number;
  batches: Int32Array[];
  /** Index of batches[0] within the epoch (a resumed epoch starts late). */
  first: number;
  seedOf: (b: number) => number;
}

/** Prepares the image batches of a DataLoader and turns each into what `collate` makes of it. */
export class ImagePipeline<B> {
  /** Shape and type of one transformed sample (from the first sample). */
  readonly sampleShape: SampleShape;
  private pool: WorkerPool | null = null;
  private poolStarting: Promise<WorkerPool> | null = null;
  private slots: { shared: { images: SharedArrayBuffer; labels: SharedArrayBuffer }[]; views: BatchSlot[] } | null = null;

  /** Runs the transform once on sample 0 to learn the batch shape. */
  constructor(private readonly source: ImageSource, private readonly transform: Transform, private readonly batchSize: number,
    private readonly numWorkers: number, private readonly prefetch: number, private readonly persistentWorkers: boolean,
    private readonly collate: (raw: RawBatch) => B | Promise<B>) {
    try {
      this.sampleShape = probeShape(source.arrays, transform, source.indexMap?.[0] ?? 0);
    } catch (error) {
      throw new DataLoaderError(`DataLoader: the transform fails on ${(error as Error).message}`, { sampleIndex: 0, cause: (error as Error).cause });
    }
  }

  /** Live worker threads. */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  private allocateSlots(count: number): NonNullable<ImagePipeline<B>['slots']> {
    const perSample = sampleSize(this.sampleShape) * (this.sampleShape.dtype === 'uint8' ? 1 : 4);
    const buffers = Array.from({ length: count }, () => ({
      images: new SharedArrayBuffer(perSample * this.batchSize),
      labels: new SharedArrayBuffer(4 * this.batchSize),
    }));
    const views = buffers.map((s) => ({
      images: this.sampleShape.dtype === 'uint8' ? new Uint8Array(s.images) : new Float32Array(s.images),
      labels: new Int32Array(s.labels),
    }));
    return { shared: buffers, views };
  }

  private async startPool(): Promise<WorkerPool> {
    if (this.pool !== null) return this.pool;
    this.slots ??= this.allocateSlots(this.numWorkers * this.prefetch + 1);
    const { arrays } = this.source;
    this.poolStarting ??= WorkerPool.start(this.numWorkers, {
      dataset: { ...arrays, images: shared(arrays.images), labels: shared(arrays.labels) },
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

  // Indices into the arrays of the loader's indices.
  private mapped(indices: Int32Array): Int32Array {
    const map = this.source.indexMap;
    return map === null ? indices : indices.map((i) => map[i]);
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

  /** The batches of one epoch, in order. */
  epoch(plan: EpochPlan): AsyncGenerator<B, void, undefined> {
    return this.numWorkers === 0 ? this.inThisThread(plan) : this.inWorkers(plan);
  }

  private async *inThisThread({ epoch, batches, first, seedOf }: EpochPlan): AsyncGenerator<B, void, undefined> {
    this.slots ??= this.allocateSlots(1);
    const slot = this.slots.views[0];
    const generator = new Generator();
    for (let k = 0; k < batches.length; k++) {
      const b = first + k;
      await turnEventLoop();
      try {
        fillBatch(this.source.arrays, this.transform, this.sampleShape, this.mapped(batches[k]), seedOf(b), slot, generator);
      } catch (error) {
        const e = error as SampleError;
        throw new DataLoaderError(`DataLoader failed on sample ${e.sampleIndex} (batch ${b}): ${(e.cause as Error)?.name ?? 'Error'}: ${(e.cause as Error)?.message ?? e.message}`, {
          sampleIndex: e.sampleIndex ?? null, batchIndex: b, cause: e.cause ?? error,
        });
      }
      yield await this.collate(this.raw(slot, batches[k], b, epoch));
    }
  }

  private async *inWorkers({ epoch, batches, first, seedOf }: EpochPlan): AsyncGenerator<B, void, undefined> {
    const pool = await this.startPool();
    const slots = this.slots!;
    const free = slots.views.map((_, i) => i);
    const inflight = new Map<number, { slot: number; done: Promise<unknown> }>();
    let next = 0;
    let failed = false;
    pool.setRef(true);
    try {
      for (let k = 0; k < batches.length; k++) {
        while (next < batches.length && free.length > 0) {
          const slot = free.shift()!;
          const done = pool.run({ batch: first + next, indices: this.mapped(batches[next]), seed: seedOf(first + next), slot });
          // Failures surface when their batch is awaited, in order; this only marks them handled.
          done.catch(() => undefined);
          inflight.set(next++, { slot, done });
        }
        const { slot, done } = inflight.get(k)!;
        try {
          await done;
        } catch (error) {
          failed = true;
          throw error;
        }
        inflight.delete(k);
        // A batch that was ready before we asked resolves in a microtask: turn the loop anyway.
        await turnEventLoop();
        yield await this.collate(this.raw(slots.views[slot], batches[k], first + k, epoch));
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

  /** Stops the worker threads. */
  async close(): Promise<void> {
    await this.poolStarting?.catch(() => undefined);
    await this.stopPool();
  }
}
