// The worker side of worker_thread.test.ts: smoothlab loaded inside a worker_thread, holding tensors
// of its own and running a loop of small ops while the main thread runs its own loop.
import { parentPort, workerData } from 'node:worker_threads';
import { torch } from '../../src/index.js';

/** What the worker reports to the main thread. */
export type WorkerReport =
  | { kind: 'ready'; start: { tensors: number; bytes: number }; holding: { tensors: number; bytes: number } }
  | { kind: 'done'; total: number; product: number[]; during: { tensors: number; bytes: number }; after: { tensors: number; bytes: number } };

const port = parentPort;
if (port === null) throw new Error('worker_thread_child.js runs inside a worker_thread');
const { rounds } = workerData as { rounds: number };

const start = torch.memory();
const a = torch.tensor([[1, 2], [3, 4]]);
const b = torch.tensor([[2, 0], [0, 2]]);
port.postMessage({ kind: 'ready', start, holding: torch.memory() } satisfies WorkerReport);

port.once('message', () => {
  let total = 0;
  for (let i = 0; i < rounds; i++) total += torch.tidy(() => torch.ones([4, 4]).mul(i).sum().item());
  const during = torch.memory();
  const product = torch.tidy(() => Array.from(a.matmul(b).toTypedArray() as Float32Array));
  a.dispose();
  b.dispose();
  port.postMessage({ kind: 'done', total, product, during, after: torch.memory() } satisfies WorkerReport);
});
