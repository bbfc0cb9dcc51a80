// The checkpoint's commit order: a kill after last.safetensors is committed but before
// best.safetensors and the history files follow leaves them one epoch behind; resuming repairs them.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

// A score that rises every epoch, so that the last epoch is the best one.
function risingMetric(): train.Metric {
  let calls = 0;
  return { update: () => undefined, compute: () => ++calls, reset: () => undefined };
}

const FOLLOWERS = ['best.safetensors', 'history.json', 'history.csv'];

test('a kill between the commit of last.safetensors and best/history is repaired on resume', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-commit-'));
  const snapshot = mkdtempSync(join(tmpdir(), 'smoothlab-commit-snap-'));
  const first = toySetup(2);
  // After epoch 0's files are written, keep a copy of the followers: the state a kill right after
  // epoch 1's commit leaves behind is last.safetensors of epoch 1 with these.
  const keep = (record: train.EpochRecord) => {
    if (record.epoch === 0) for (const f of FOLLOWERS) copyFileSync(join(dir, f), join(snapshot, f));
  };
  await train.fit({ ...first, metric: risingMetric(), checkpointDir: dir, quiet: true, callbacks: { onEpochEnd: keep } });
  first.dispose();
  for (const f of FOLLOWERS) copyFileSync(join(snapshot, f), join(dir, f));
  assert.equal(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).epochs.length, 1, 'the window: history is an epoch behind');
  assert.equal(torch.loadMetadata(join(dir, 'best.safetensors')).epoch, '0', 'the window: best is an epoch behind');

  const again = toySetup(2);
  const { history, completed } = await train.fit({ ...again, metric: risingMetric(), checkpointDir: dir, resume: true, quiet: true });
  again.dispose();
  assert.equal(completed, true);
  assert.equal(history.bestEpoch, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).epochs.length, 2, 'history.json repaired');
  assert.equal(readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n').length, 3, 'history.csv repaired');
  assert.equal(torch.loadMetadata(join(dir, 'best.safetensors')).epoch, '1', 'best.safetensors repaired');
  const best = torch.load(join(dir, 'best.safetensors'));
  const last = train.loadCheckpoint(join(dir, 'last.safetensors'));
  const model = last.model as Record<string, torch.Tensor>;
  for (const key of Object.keys(model)) assert.ok(best[key].allclose(model[key], { rtol: 0, atol: 0 }), `${key}: the best weights are the committed epoch's`);
  torch.dispose([best, last]);
});

test('a missing best.safetensors is rewritten on resume when the committed epoch is the best', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-commit-'));
  const first = toySetup(1);
  await train.fit({ ...first, metric: risingMetric(), checkpointDir: dir, quiet: true });
  first.dispose();
  rmSync(join(dir, 'best.safetensors'));
  const again = toySetup(1);
  await train.fit({ ...again, metric: risingMetric(), checkpointDir: dir, resume: true, quiet: true });
  again.dispose();
  assert.equal(torch.loadMetadata(join(dir, 'best.safetensors')).epoch, '0');
});
