// Checkpoints round-trip nested state with tensors, and reject what they cannot hold.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch } from '../../src/index.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/train/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-ckpt-'));

test('nested state with tensors, numbers, strings and non-finite values round-trips', () => torch.tidy(() => {
  const path = join(dir, 'a.safetensors');
  const state = {
    epoch: 3,
    model: { 'conv.weight': torch.ones([2, 2]), 'bn.num_batches_tracked': torch.tensor([7n]) },
    optimizer: { state: [{ step: 2, exp_avg: torch.full([2], 0.5) }], paramGroups: [{ lr: 1e-3, betas: [0.9, 0.99] }] },
    history: { valLoss: [1.5, Infinity, NaN], name: 'eps <0.1>' },
    rng: torch.getRngState(),
  };
  saveCheckpoint(path, state);
  const back = loadCheckpoint(path) as typeof state;
  assert.equal(back.epoch, 3);
  assert.deepEqual(back.model['conv.weight'].toArray(), [[1, 1], [1, 1]]);
  assert.equal(back.model['bn.num_batches_tracked'].dtype, 'int64');
  assert.deepEqual(back.optimizer.state[0].exp_avg.toArray(), [0.5, 0.5]);
  assert.deepEqual(back.optimizer.paramGroups, [{ lr: 1e-3, betas: [0.9, 0.99] }]);
  assert.deepEqual(back.history.valLoss, [1.5, Infinity, NaN]);
  assert.equal(back.history.name, 'eps <0.1>');
  assert.ok(back.rng.allclose(state.rng));
  torch.dispose(back);
}));

test('unsupported values and foreign files give clear errors', () => {
  assert.throws(() => saveCheckpoint(join(dir, 'b.safetensors'), { when: new Date() }), /when is a Date/);
  assert.throws(() => saveCheckpoint(join(dir, 'b.safetensors'), { f: undefined }), /f holds a undefined/);
  const plain = join(dir, 'plain.safetensors');
  torch.tidy(() => torch.save(plain, { w: torch.zeros([1]) }));
  assert.throws(() => loadCheckpoint(plain), /plain\.safetensors is a safetensors file but not a smoothlab checkpoint/);
  assert.throws(() => loadCheckpoint(join(dir, 'missing.safetensors')), /missing\.safetensors does not exist/);
  writeFileSync(join(dir, 'junk.safetensors'), 'junk!!!!junk');
  assert.throws(() => loadCheckpoint(join(dir, 'junk.safetensors')), /junk\.safetensors is not a valid safetensors file/);
});
