// Losses read back every few steps (what fit does on CUDA), exercised on the CPU: the same history,
// bit for bit, as reading every step; every step settled in order; a NaN still stops the run with
// the last good checkpoint kept, and no tensor is left behind.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

const strip = (h: train.History) => ({ ...h, epochs: h.epochs.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest) });

async function history(readLossEvery: number) {
  const setup = toySetup(2);
  const steps: [number, number][] = [];
  const { history } = await train.fit({ ...setup, readLossEvery, quiet: true, callbacks: { onStepEnd: ({ step, loss }) => steps.push([step, loss]) } });
  setup.dispose();
  return { history: strip(history), steps };
}

test('reading the loss every 4 steps gives the history of reading it every step', async () => {
  const before = torch.memory().tensors;
  const eager = await history(1);
  const deferred = await history(4);
  assert.deepEqual(deferred.history, eager.history);
  assert.deepEqual(deferred.steps, eager.steps, 'every step settled once, in order, with its own loss');
  assert.deepEqual(eager.steps.map(([s]) => s), Array.from({ length: 12 }, (_, i) => i));
  assert.equal(torch.memory().tensors, before, 'no waiting loss left behind');
});

test('a NaN read back late still stops the run and keeps the last good checkpoint', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-readback-'));
  const setup = toySetup(4);
  const explode = () => {
    for (const group of setup.optimizer.paramGroups) group.lr = 1e12;
  };
  await assert.rejects(train.fit({ ...setup, scheduler: undefined, readLossEvery: 3, checkpointDir: dir, quiet: true, callbacks: { onEpochEnd: explode } }),
    (error: unknown) => error instanceof train.NonFiniteLossError && /the loss became/.test(error.message));
  const ckpt = train.loadCheckpoint(join(dir, 'last.safetensors'));
  assert.equal(ckpt.epoch, 0);
  assert.ok(Object.values(ckpt.model as Record<string, torch.Tensor>).every((t) => t.isfinite().all().item()), 'the kept weights are finite');
  torch.dispose(ckpt);
  setup.dispose();
  await assert.rejects(train.fit({ ...toySetup(1), readLossEvery: 0 }), /readLossEvery must be a positive integer, got 0/);
});
