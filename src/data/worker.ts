// A DataLoader worker thread: rebuilds the transform from its spec, then prepares the batches it
// is sent into the shared slots, and reports each as done or failed (with the sample index).
import { parentPort, workerData } from 'node:worker_threads';
import { transformFromSpec, type Transform, type TransformSpec } from '../vision/transforms/transform.js';
import { type BatchSlot, type DatasetArrays, type SampleShape, fillBatch } from './batch_fill.js';
import { SampleError } from './errors.js';
import { Generator } from './generator.js';

/** What the DataLoader passes to a new worker. */
export interface WorkerInit {
  workerId: number;
  dataset: DatasetArrays;
  transform: TransformSpec;
  shape: SampleShape;
  slots: { images: SharedArrayBuffer; labels: SharedArrayBuffer }[];
}

/** One batch to prepare. */
export interface WorkerTask {
  type: 'task';
  id: number;
  batch: number;
  indices: Int32Array;
  seed: number;
  slot: number;
}

/** A worker's answers. */
export type WorkerReply =
  | { type: 'ready' }
  | { type: 'init-error'; error: { name: string; message: string; stack?: string } }
  | { type: 'done'; id: number; payload?: unknown }
  | { type: 'error'; id: number; sampleIndex: number | null; error: { name: string; message: string; stack?: string } };

const plain = (e: unknown) => {
  const error = e as Error;
  return { name: error?.name ?? 'Error', message: error?.message ?? String(e), stack: error?.stack };
};

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as WorkerInit;
  let transform: Transform;
  try {
    transform = await transformFromSpec(init.transform);
  } catch (error) {
    port.postMessage({ type: 'init-error', error: plain(error) } satisfies WorkerReply);
    return;
  }
  const slots: BatchSlot[] = init.slots.map((s) => ({
    images: init.shape.dtype === 'uint8' ? new Uint8Array(s.images) : new Float32Array(s.images),
    labels: new Int32Array(s.labels),
  }));
  const generator = new Generator();
  port.on('message', (task: WorkerTask | { type: 'close' }) => {
    if (task.type === 'close') {
      port.close();
      return;
    }
    try {
      fillBatch(init.dataset, transform, init.shape, task.indices, task.seed, slots[task.slot], generator);
      port.postMessage({ type: 'done', id: task.id } satisfies WorkerReply);
    } catch (error) {
      const sampleIndex = error instanceof SampleError ? error.sampleIndex : null;
      const cause = error instanceof SampleError ? error.cause : error;
      port.postMessage({ type: 'error', id: task.id, sampleIndex, error: plain(cause) } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
