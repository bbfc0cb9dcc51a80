// A DataLoader worker thread for any dataset with a workerSpec: rebuilds the dataset, then reads the
// samples of each batch it is sent and posts them back (tensors as records, their buffers
// transferred), or the index of the sample that failed.
import { parentPort, workerData } from 'node:worker_threads';
import { type DatasetSpec, encodeSample, reviveDataset } from './dataset_spec.js';
import type { Dataset } from './dataset.js';
import type { WorkerReply } from './worker.js';

/** What the DataLoader passes to a new sample worker. */
export interface SampleWorkerInit {
  workerId: number;
  dataset: DatasetSpec;
}

/** One batch to read: the dataset indices of its samples. */
export interface SampleTask {
  type: 'task';
  id: number;
  batch: number;
  indices: Int32Array;
}

const plain = (e: unknown) => {
  const error = e as Error;
  return { name: error?.name ?? 'Error', message: error?.message ?? String(e), stack: error?.stack };
};

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as SampleWorkerInit;
  let dataset: Dataset<unknown>;
  try {
    dataset = (await reviveDataset(init.dataset)) as Dataset<unknown>;
  } catch (error) {
    port.postMessage({ type: 'init-error', error: plain(error) } satisfies WorkerReply);
    return;
  }
  port.on('message', (task: SampleTask) => {
    const transfer: ArrayBuffer[] = [];
    const samples: unknown[] = [];
    for (const index of task.indices) {
      try {
        samples.push(encodeSample(dataset.get(index), transfer));
      } catch (error) {
        port.postMessage({ type: 'error', id: task.id, sampleIndex: index, error: plain(error) } satisfies WorkerReply);
        return;
      }
    }
    try {
      port.postMessage({ type: 'done', id: task.id, payload: samples } satisfies WorkerReply, transfer);
    } catch (error) {
      port.postMessage({ type: 'error', id: task.id, sampleIndex: null, error: plain(new TypeError(`a sample cannot be sent between threads (${(error as Error).message})`)) } satisfies WorkerReply);
    }
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

void main();
