// smoothlab inside a worker_thread: each JS thread has its own handle table and torch.memory()
// count, so a worker's tensors and the main thread's never meet, even while both run ops at once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { torch } from '../../src/index.js';
import type { WorkerReport } from './worker_thread_child.js';

const ROUNDS = 20000;
// sum over i < ROUNDS of the sum of a 4 x 4 tensor of i's.
const EXPECTED_TOTAL = (16 * ROUNDS * (ROUNDS - 1)) / 2;

function sumLoop(): number {
  let total = 0;
  for (let i = 0; i < ROUNDS; i++) total += torch.tidy(() => torch.ones([4, 4]).mul(i).sum().item());
  return total;
}

test('a worker_thread runs smoothlab beside the main thread, with its own tensors and memory()', async () => {
  const kept = torch.full([3], 7);  // main-thread tensors alive while the worker works
  const before = torch.memory();
  const worker = new Worker(new URL('./worker_thread_child.js', import.meta.url), { workerData: { rounds: ROUNDS } });
  const exited = new Promise<number>((resolve, reject) => {
    worker.once('exit', resolve);
    worker.once('error', reject);
  });
  const next = () => new Promise<WorkerReport>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  try {
    const ready = await next();
    assert.equal(ready.kind, 'ready');
    if (ready.kind !== 'ready') return;
    // The worker's two tensors count in its memory() only.
    assert.equal(ready.holding.tensors - ready.start.tensors, 2);
    assert.equal(ready.holding.bytes - ready.start.bytes, 2 * 4 * 4);
    assert.deepEqual(torch.memory(), before);

    const done = next();
    worker.postMessage('go');
    const mine = sumLoop();  // runs while the worker runs its own loop
    const report = await done;
    assert.equal(report.kind, 'done');
    if (report.kind !== 'done') return;
    assert.equal(mine, EXPECTED_TOTAL);
    assert.equal(report.total, EXPECTED_TOTAL);
    assert.deepEqual(report.product, [2, 4, 6, 8]);
    assert.deepEqual(report.during, ready.holding);
    assert.deepEqual(report.after, ready.start);
    assert.equal(await exited, 0);
    assert.deepEqual(torch.memory(), before);
    assert.deepEqual(kept.toArray(), [7, 7, 7]);
  } finally {
    await worker.terminate();
    kept.dispose();
  }
});
