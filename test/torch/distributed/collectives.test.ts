// Two smoothlab processes in one Gloo group on 127.0.0.1: every collective, the event loop free
// while one waits, and the errors of a bad init.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../../src/index.js';
import { freePort, lastJson, runRanks } from './spawn_ranks.js';

const gloo = torch.distributed.isBackendAvailable('gloo');
const child = fileURLToPath(new URL('./collectives_child.js', import.meta.url));

interface Report {
  rank: number; worldSize: number; backend: string; summed: number[]; maxed: number[]; sent: number[];
  gathered: number[][]; scattered: number[]; ticks: number; barrierMs: number; sync: number;
}

test('two ranks: allReduce, broadcast, allGather, reduceScatter, barrier on Gloo', { skip: !gloo && 'built without gloo', timeout: 60_000 }, async () => {
  const results = await runRanks([process.execPath, [child]], 2, await freePort());
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const [r0, r1] = results.map((r) => lastJson<Report>(r));
  for (const [r, report] of [[0, r0], [1, r1]] as const) {
    assert.equal(report.rank, r);
    assert.equal(report.worldSize, 2);
    assert.equal(report.backend, 'gloo');
    assert.deepEqual(report.summed, [3, 6, 9, 12]);
    assert.deepEqual(report.maxed, [1, 0]);
    assert.deepEqual(report.sent, [7, 8, 9]);
    assert.deepEqual(report.gathered, [[0, 0], [1, 10]]);
    assert.equal(report.sync, 3);
  }
  // inputs[r] on rank k is [r + k, 100 r]: rank r receives [2r + 1, 200 r].
  assert.deepEqual(r0.scattered, [1, 0]);
  assert.deepEqual(r1.scattered, [3, 200]);
  // Rank 0 waited for the late rank 1 and its timers kept firing meanwhile.
  assert.ok(r0.barrierMs >= 150, `rank 0 waited ${r0.barrierMs} ms`);
  assert.ok(r0.ticks >= 5, `rank 0's event loop turned ${r0.ticks} times while it waited`);
});

test('initProcessGroup refuses a bad init method, backend, or a second init', async () => {
  const dist = torch.distributed;
  await assert.rejects(dist.initProcessGroup({ backend: 'gloo', initMethod: 'file:///tmp/x', rank: 0, worldSize: 1 }), /env:\/\/' or 'tcp:\/\/host:port'/);
  await assert.rejects(dist.initProcessGroup({ backend: 'mpi' as never, initMethod: 'tcp://127.0.0.1:1', rank: 0, worldSize: 1 }), /backend must be 'gloo' or 'nccl'/);
  await assert.rejects(dist.initProcessGroup({ backend: 'gloo', initMethod: 'env://' }), gloo ? /MASTER_ADDR/ : /libgloo-dev/);
  assert.throws(() => dist.getRank(), /not initialized/);
  assert.equal(dist.isInitialized(), false);
});

test('a single-rank group works in process, and a port in use is named', { skip: !gloo && 'built without gloo', timeout: 30_000 }, async () => {
  const dist = torch.distributed;
  const port = await freePort();
  await dist.initProcessGroup({ backend: 'gloo', initMethod: `tcp://127.0.0.1:${port}`, rank: 0, worldSize: 1, timeoutMs: 10_000 });
  try {
    await assert.rejects(dist.initProcessGroup({ backend: 'gloo', initMethod: `tcp://127.0.0.1:${port}`, rank: 0, worldSize: 1 }), /already initialized/);
    const t = torch.tensor([2, 3]);
    await dist.allReduce(t);
    assert.deepEqual(Array.from(t.toTypedArray<'float32'>()), [2, 3]);
    t.dispose();
  } finally {
    dist.destroyProcessGroup();
  }
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  const busyPort = (busy.address() as { port: number }).port;
  try {
    await assert.rejects(dist.initProcessGroup({ backend: 'gloo', initMethod: `tcp://127.0.0.1:${busyPort}`, rank: 0, worldSize: 1, timeoutMs: 5_000 }),
      new RegExp(`port ${busyPort} on 127.0.0.1 is already in use`));
  } finally {
    busy.close();
  }
});
