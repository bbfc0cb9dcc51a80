// The NaN guard before a checkpoint is kept: a non-finite validation loss or BatchNorm statistic
// stops the run with that epoch unsaved; and each epoch's record holds the rate it trained with.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { optim, torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'smoothlab-nan-'));

function lastEpochOnDisk(dir: string): number {
  const ckpt = train.loadCheckpoint(join(dir, 'last.safetensors'));
  const epoch = ckpt.epoch as number;
  torch.dispose(ckpt);
  return epoch;
}

test('a NaN validation loss stops the run before its epoch is checkpointed', async () => {
  const dir = tmp();
  const setup = toySetup(3);
  let passes = 0;
  // The second validation pass sees NaN images: its loss is NaN while training stays finite.
  const valLoader: train.BatchSource = {
    *[Symbol.iterator]() {
      passes += 1;
      for (const batch of setup.valLoader) {
        if (passes < 2) yield batch;
        else {
          yield [torch.fullLike(batch[0], NaN), batch[1]] as train.Batch;
          torch.dispose([batch[0]]);
        }
      }
    },
  };
  await assert.rejects(train.fit({ ...setup, valLoader, checkpointDir: dir, quiet: true }), (error: unknown) => {
    assert.ok(error instanceof train.NonFiniteStateError);
    assert.match(error.message, /the validation loss \(NaN\) became non-finite at epoch 1; .* That epoch was not checkpointed/);
    return true;
  });
  assert.equal(lastEpochOnDisk(dir), 0);
  setup.dispose();
});

test('a non-finite BatchNorm statistic stops the run before its epoch is checkpointed', async () => {
  const dir = tmp();
  const setup = toySetup(3);
  const poison = (record: train.EpochRecord) => {
    if (record.epoch === 0) torch.tidy(() => setup.model.stateDict()['1.running_var'].fill_(NaN));
  };
  await assert.rejects(train.fit({ ...setup, valLoader: undefined, checkpointDir: dir, quiet: true, callbacks: { onEpochEnd: poison } }), (error: unknown) => {
    assert.ok(error instanceof train.NonFiniteStateError);
    assert.match(error.message, /the model's 1\.running_var became non-finite at epoch 1/);
    return true;
  });
  assert.equal(lastEpochOnDisk(dir), 0);
  setup.dispose();
});

test('each epoch record holds the learning rate that epoch trained with (the notebook\'s lLearnRate)', async () => {
  const setup = toySetup(3);
  const optimizer = new optim.AdamW(setup.model.parameters(), { lr: 1e-3 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, { maxLr: 0.05, totalSteps: 3 });
  const initial = optimizer.paramGroups[0].lr;
  const { history } = await train.fit({ ...setup, optimizer, scheduler, schedulerStep: 'epoch', quiet: true });
  optimizer.dispose();
  const perEpoch = history.epochs.map((e) => e.lr);
  assert.equal(perEpoch[0], initial, 'epoch 0 trained at the rate the scheduler started with');
  assert.notEqual(perEpoch[1], perEpoch[0]);
  for (let e = 0; e < 3; e++) {
    const steps = history.lr.slice(e * 6, (e + 1) * 6);
    assert.ok(steps.every((lr) => lr === perEpoch[e]), `epoch ${e}: every step used the recorded rate`);
  }
  setup.dispose();
});
