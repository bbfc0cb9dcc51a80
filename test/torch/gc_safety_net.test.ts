// The GC safety net: PyTorch-style code that never disposes stays bounded, also in a loop that
// never yields to the event loop, and tensors kept reachable by mistake get one clear warning.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { GCProfiler } from 'node:v8';
import { torch } from '../../src/index.js';

const MiB = 1024 * 1024;

test('20,000 adds of 256x256 tensors without tidy, in a loop that never yields, stay under 1 GB', () => {
  const a = torch.randn([256, 256]);
  const b = torch.randn([256, 256]);
  let peak = 0;
  for (let i = 0; i < 20_000; i++) {
    a.add(b); // 256 KiB forgotten per step: 5 GB in all
    if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  assert.ok(peak < 1024 * MiB, `peak RSS ${(peak / MiB).toFixed(0)} MiB`);
  assert.ok(torch.memory().bytes < 400 * MiB, `${(torch.memory().bytes / MiB).toFixed(0)} MiB still held by tensors`);
  torch.dispose([a, b]);
});

test('tensors that stay reachable warn once, with the count and where they are made', { skip: global.gc ? false : 'needs node --expose-gc' }, async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => {
    if ((w as Error & { code?: string }).code === 'SMOOTHLAB_TENSOR_LEAK') warnings.push(w);
  };
  process.on('warning', onWarning);
  const kept: torch.Tensor[] = [];
  try {
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 1000; i++) kept.push(torch.zeros([1]));
      global.gc!();
      for (let i = 0; i < 64; i++) torch.zeros([1]); // the next creations sweep after the collection
    }
    await setImmediate(); // emitWarning delivers on the next tick
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].message, /^\d+ tensors are alive and their number grew across the last \d+ garbage collections/);
    assert.match(warnings[0].message, /dispose\(\) them, or wrap each step in torch\.tidy/);
    assert.match(warnings[0].message, /gc_safety_net\.test\.js/); // the creation site is this file
  } finally {
    process.off('warning', onWarning);
    torch.dispose(kept);
  }
});

test('forgotten tensors are freed while the program waits, after a collection', { skip: global.gc ? false : 'needs node --expose-gc' }, async () => {
  const settle = async () => {
    global.gc!();
    await new Promise((resolve) => setTimeout(resolve, 5));
  };
  // What the tests above forgot can take several collections to go: wait until the count holds
  // through three in a row.
  let start = torch.memory().tensors;
  for (let attempt = 0, steady = 0; attempt < 50 && steady < 3; attempt++) {
    await settle();
    steady = torch.memory().tensors === start ? steady + 1 : 0;
    start = torch.memory().tensors;
  }
  (() => {
    for (let i = 0; i < 10; i++) torch.ones([1000]);
  })();
  await setImmediate(); // the new tensors join the safety net when the event loop turns
  for (let attempt = 0; attempt < 50 && torch.memory().tensors > start; attempt++) await settle();
  assert.equal(torch.memory().tensors, start);
});

test('a tidy() loop allocating gigabytes starts no major collection: only watched tensors count as V8 external memory', () => {
  const profiler = new GCProfiler();
  profiler.start();
  for (let s = 0; s < 40; s++) {
    torch.tidy(() => {
      for (let i = 0; i < 32; i++) torch.ones([1024, 1024]); // 128 MiB a step, 5 GiB in all
    });
  }
  const majors = profiler.stop().statistics.filter((gc) => gc.gcType === 'MarkSweepCompact').length;
  // Reported as external memory, each step's 128 MiB started one: 40 or more here.
  assert.ok(majors <= 1, `${majors} major collections in 40 steps`);
});
