// The sample pipeline: batches of any Dataset, as torch.utils.data makes them: get(i) for each index
// of the batch, then collateFn on the list. Collation runs inside a tidy() scope, so the samples'
// own tensors (TensorDataset's row views, say) are freed once the batch is made. With workers, each
// worker thread rebuilds the dataset from its workerSpec and reads the samples; the calling thread
// turns them into tensors and collates, since a tensor belongs to the thread that made it.
import type { Device } from '../torch/dtype.js';
import { loadTorch, toDevice } from './collate.js';
import { type DatasetSpec, type TensorRecord, decodeSample } from './dataset_spec.js';
import type { Dataset } from './dataset.js';
import { DataLoaderError } from './errors.js';
import type { EpochPlan } from './image_pipeline.js';
import { WorkerPool } from './pool.js';
import { turnEventLoop } from '../utils/event_loop.js';

const SAMPLE_WORKER_URL = new URL('./sample_worker.js', import.meta.url);

type Torch = Awaited<ReturnType<typeof loadTorch>>;

/** Reads and collates the batches of a Dataset for a DataLoader. */
export class SamplePipeline<B> {
  private pool: WorkerPool | null = null;
  private poolStarting: Promise<WorkerPool> | null = null;

  /** `spec` is the dataset's workerSpec (required when numWorkers > 0); `device` applies to the default collate. */
  constructor(private readonly dataset: Dataset<unknown>, private readonly spec: DatasetSpec | null, private readonly collateFn: (samples: unknown[]) => B,
    private readonly device: Device | null, private readonly numWorkers: number, private readonly prefetch: number, private readonly persistentWorkers: boolean) {}

  /** Live worker threads. */
  get workers(): number {
    return this.pool?.size ?? 0;
  }

  // The engine, when it loads: without it (no native addon) a custom collate still runs, unscoped.
  private async engine(): Promise<Torch | null> {
    try {
      return await loadTorch();
    } catch {
      return null;
    }
  }

  private collate(torch: Torch | null, samples: () => unknown[], batch: number): B {
    const run = () => {
      const out = this.collateFn(samples());
      if (out instanceof Promise) throw new TypeError('DataLoader: collateFn must be synchronous (it runs inside a tidy() scope)');
      return this.device === null ? out : toDevice(out, this.device);
    };
    try {
      return torch === null ? run() : torch.tidy(run);
    } catch (error) {
      if (error instanceof DataLoaderError) throw error;
      throw new DataLoaderError(`DataLoader: collating batch ${batch} failed: ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`, { batchIndex: batch, cause: error });
    }
  }

  /** The batches of one epoch, in order. */
  epoch(plan: EpochPlan): AsyncGenerator<B, void, undefined> {
    return this.numWorkers === 0 ? this.inThisThread(plan) : this.inWorkers(plan);
  }

  private async *inThisThread({ batches, first }: EpochPlan): AsyncGenerator<B, void, undefined> {
    const torch = await this.engine();
    for (let k = 0; k < batches.length; k++) {
      const b = first + k;
      await turnEventLoop();
      yield this.collate(torch, () => Array.from(batches[k], (i) => {
        try {
          return this.dataset.get(i);
        } catch (error) {
          throw new DataLoaderError(`DataLoader failed on sample ${i} (batch ${b}): ${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`, {
            sampleIndex: i, batchIndex: b, cause: error,
          });
        }
      }), b);
    }
  }

  private async startPool(): Promise<WorkerPool> {
    if (this.pool !== null) return this.pool;
    this.poolStarting ??= WorkerPool.start(this.numWorkers, { dataset: this.spec }, SAMPLE_WORKER_URL);
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

  private async *inWorkers({ batches, first }: EpochPlan): AsyncGenerator<B, void, undefined> {
    const torch = await this.engine();
    const toTensor = (r: TensorRecord) => {
      if (torch === null) throw new Error('DataLoader: the samples hold tensors, but the engine (native addon) is not available');
      return torch.tensor(r.data as Float32Array, { dtype: r.dtype, shape: r.shape });
    };
    const pool = await this.startPool();
    const window = this.numWorkers * this.prefetch;
    const inflight = new Map<number, Promise<unknown>>();
    let next = 0;
    let failed = false;
    pool.setRef(true);
    try {
      for (let k = 0; k < batches.length; k++) {
        while (next < batches.length && inflight.size < window) {
          const done = pool.run({ batch: first + next, indices: batches[next] });
          done.catch(() => undefined);
          inflight.set(next++, done);
        }
        let samples: unknown[];
        try {
          samples = (await inflight.get(k)!) as unknown[];
        } catch (error) {
          failed = true;
          throw error;
        }
        inflight.delete(k);
        await turnEventLoop();
        yield this.collate(torch, () => samples.map((s) => decodeSample(s, toTensor)), first + k);
      }
    } finally {
      await Promise.allSettled(inflight.values());
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
