// fit() with PyTorch's mixed-precision recipe on the CPU: bfloat16 autocast trains, and a run
// resumed from its epoch checkpoint or from a mid-epoch stop ends exactly as an uninterrupted one,
// GradScaler state included (a scale that grows every few steps must continue where it stopped).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `smoothlab-amp-${name}-`));
const strip = (h: train.History) => ({ ...h, epochs: h.epochs.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest) });
const bf16 = { deviceType: 'cpu', dtype: 'bfloat16' } as const;
// Grows every 2 clean steps: by the end of a 12-step run the scale has moved from its start.
const newScaler = () => new torch.amp.GradScaler({ initScale: 2 ** 8, growthInterval: 2 });

interface Ending {
  history: ReturnType<typeof strip>;
  weights: Record<string, number[]>;
  scale: number;
}

async function run(dir: string, { epochs = 2, resume = false, stopAtStep }: { epochs?: number; resume?: boolean; stopAtStep?: number } = {}): Promise<Ending> {
  const setup = toySetup(2); // the schedule of the whole 2-epoch run, also when stopping early
  const scaler = newScaler();
  const controller = new AbortController();
  const onStepEnd = ({ step }: { step: number }) => (step === stopAtStep ? controller.abort() : undefined);
  try {
    const { history } = await train.fit({ ...setup, epochs, autocast: bf16, scaler, checkpointDir: dir, resume, quiet: true, signal: controller.signal, callbacks: { onStepEnd } });
    const weights = torch.tidy(() => Object.fromEntries(Object.entries(setup.model.stateDict()).map(([k, t]) => [k, t.double().toArray() as number[]])));
    return { history: strip(history), weights, scale: scaler.getScale() };
  } finally {
    scaler.dispose();
    setup.dispose();
  }
}

test('bfloat16 autocast with a GradScaler trains on the CPU, and the scaler state is checkpointed', async () => {
  const dir = tmp('train');
  const before = torch.memory().tensors;
  const ending = await run(dir);
  assert.equal(ending.history.epochs.length, 2);
  assert.ok(ending.history.epochs.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss!)));
  assert.ok(ending.history.epochs[1].trainLoss < ending.history.epochs[0].trainLoss, 'the loss goes down');
  assert.ok(ending.scale > 2 ** 8, `the scale grew (${ending.scale})`);
  const ckpt = train.loadCheckpoint(join(dir, 'last.safetensors'));
  assert.equal((ckpt.scaler as torch.amp.GradScalerStateDict).scale, ending.scale);
  assert.equal((ckpt.scaler as torch.amp.GradScalerStateDict).growth_interval, 2);
  torch.dispose(ckpt);
  assert.equal(torch.memory().tensors, before, 'no tensor leaked');
});

test('resumed from the epoch checkpoint or a mid-epoch stop, a bfloat16 run ends as an uninterrupted one', async () => {
  const straight = await run(tmp('straight'));
  const byEpoch = tmp('epoch');
  await run(byEpoch, { epochs: 1 });
  const resumed = await run(byEpoch, { resume: true });
  const midEpoch = tmp('mid');
  await run(midEpoch, { stopAtStep: 8 }); // epoch 1, its third step
  assert.ok(existsSync(join(midEpoch, 'interrupted.safetensors')));
  const continued = await run(midEpoch, { resume: true });
  for (const [name, ending] of [['epoch checkpoint', resumed], ['mid-epoch stop', continued]] as const) {
    assert.deepEqual(ending.history, straight.history, `${name}: history`);
    assert.equal(ending.scale, straight.scale, `${name}: the GradScaler's scale`);
    assert.deepEqual(ending.weights, straight.weights, `${name}: weights, bit for bit`);
  }
});
