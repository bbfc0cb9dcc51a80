// fit() with PyTorch's mixed-precision recipe on the CPU: bfloat16 autocast trains, and a run
// resumed from its epoch checkpoint or from a mid-epoch stop ends exactly as an uninterrupted one,
// GradScaler state included (a scale that grows every few steps must continue where it stopped); a
// scale too large for float32 is backed off over skipped steps, and non-finite losses under a
// scaler skip their steps, fatal only MAX_NON_FINITE_IN_A_ROW in a row.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nn, torch, train } from '../../src/index.js';
import { MAX_NON_FINITE_IN_A_ROW } from '../../src/train/mixed_precision.js';
import { ToyBatches, toySetup } from './toy.js';

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

const weightsOf = (model: nn.Module) => torch.tidy(() => Object.fromEntries(Object.entries(model.stateDict()).map(([k, t]) => [k, t.double().toArray() as number[]])));
// The trainable parameters alone: BatchNorm's running statistics move in every forward pass, also of a skipped step.
const parametersOf = (model: nn.Module) => torch.tidy(() => Object.fromEntries(model.namedParameters().map(([k, t]) => [k, t.double().toArray() as number[]])));

interface RunOptions {
  epochs?: number;
  resume?: boolean;
  stopAtStep?: number;
  scaler?: () => torch.amp.GradScaler;
  /** A factor on the toy's loss. */
  lossScale?: number;
  /** Called after each step, once its loss is read. */
  onStep?: (step: number, model: nn.Module) => void;
}

async function run(dir: string, { epochs = 2, resume = false, stopAtStep, scaler: makeScaler = newScaler, lossScale = 1, onStep }: RunOptions = {}): Promise<Ending> {
  const setup = toySetup(2); // the schedule of the whole 2-epoch run, also when stopping early
  const scaler = makeScaler();
  const controller = new AbortController();
  const onStepEnd = ({ step }: { step: number }) => {
    onStep?.(step, setup.model);
    if (step === stopAtStep) controller.abort();
  };
  try {
    const lossFn = lossScale === 1 ? setup.lossFn : (o: torch.Tensor, t: torch.Tensor) => setup.lossFn(o, t).mul(lossScale);
    const { history } = await train.fit({ ...setup, lossFn, epochs, autocast: bf16, scaler, checkpointDir: dir, resume, quiet: true, signal: controller.signal, callbacks: { onStepEnd } });
    return { history: strip(history), weights: weightsOf(setup.model), scale: scaler.getScale() };
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

test('a scale too large for float32 is backed off over skipped steps, and the run resumes exactly', async () => {
  // A loss near 4 x ln 4: times 2^127 it is past float32's largest number (about 2^128), so the scaled loss is inf.
  const lossScale = 4;
  const huge = () => new torch.amp.GradScaler({ initScale: 2 ** 127 });
  const setup = toySetup(2); // the initial weights of every run below
  const initial = parametersOf(setup.model);
  setup.dispose();
  let afterFirst: Record<string, number[]> | null = null;
  const straight = await run(tmp('huge'), {
    scaler: huge, lossScale,
    onStep: (step, model) => {
      if (step === 0) afterFirst = parametersOf(model);
    },
  });
  assert.deepEqual(afterFirst, initial, 'the first step overflowed and was skipped: the weights are untouched');
  assert.ok(straight.scale < 2 ** 127, `the scale was backed off (${straight.scale})`);
  assert.ok(straight.history.epochs.every((e) => Number.isFinite(e.trainLoss) && Number.isFinite(e.valLoss!)), 'the losses themselves stay finite');
  assert.deepEqual(straight.history.epochs.map((e) => e.nonFiniteSteps), [0, 0], 'only the scaled loss overflowed, not the loss');
  const dir = tmp('huge-mid');
  await run(dir, { scaler: huge, lossScale, stopAtStep: 2 });
  const resumed = await run(dir, { scaler: huge, lossScale, resume: true });
  assert.deepEqual(resumed, straight);
});

// A loss that becomes inf on the training steps `bad` picks (float16 overflow as the CPU can make it).
function overflowingLoss(setup: ReturnType<typeof toySetup>, bad: (step: number) => boolean): train.LossFn {
  let step = 0;
  return (out, target) => {
    const loss = setup.lossFn(out, target);
    if (!setup.model.training) return loss;
    return bad(step++) ? loss.mul(Infinity) : loss;
  };
}

test('with a GradScaler, a non-finite loss skips its step: counted, left out of the mean, the weights untouched', async () => {
  const runWith = async (readLossEvery: number) => {
    const setup = toySetup(2);
    const scaler = newScaler();
    const losses: number[] = [];
    const weights: Record<string, number[]>[] = [];
    try {
      const { history } = await train.fit({
        ...setup, lossFn: overflowingLoss(setup, (s) => s === 2 || s === 3 || s === 8), autocast: bf16, scaler, readLossEvery, quiet: true,
        callbacks: { onStepEnd: ({ loss }) => { losses.push(loss); weights.push(parametersOf(setup.model)); } },
      });
      return { history: strip(history), losses, weights: readLossEvery === 1 ? weights : [], scale: scaler.getScale() };
    } finally {
      scaler.dispose();
      setup.dispose();
    }
  };
  const eager = await runWith(1);
  assert.deepEqual(eager.history.epochs.map((e) => e.nonFiniteSteps), [2, 1]);
  assert.deepEqual(eager.losses.map(Number.isFinite), eager.losses.map((_, i) => ![2, 3, 8].includes(i)));
  assert.ok(eager.history.epochs.every((e) => Number.isFinite(e.trainLoss)), 'the mean leaves the skipped steps out');
  assert.deepEqual(eager.weights[2], eager.weights[1], 'step 2 was skipped');
  assert.deepEqual(eager.weights[3], eager.weights[1], 'step 3 too');
  assert.match(train.historyToCsv({ ...eager.history, epochs: eager.history.epochs.map((e) => ({ ...e, seconds: 0, imagesPerSecond: 0 })) }), /,nonFiniteSteps\n.*,2\n.*,1\n$/s);
  const deferred = await runWith(4);
  assert.deepEqual({ ...deferred, weights: [] }, { ...eager, weights: [] }, 'read every 4 steps: the same');
});

test(`with a GradScaler, ${MAX_NON_FINITE_IN_A_ROW} non-finite losses in a row stop the run, saying so`, async () => {
  const setup = toySetup(1);
  const scaler = newScaler();
  const trainLoader = new ToyBatches(16 * (MAX_NON_FINITE_IN_A_ROW + 4), 16, 1);
  try {
    await assert.rejects(train.fit({ ...setup, trainLoader, scheduler: undefined, lossFn: overflowingLoss(setup, () => true), autocast: bf16, scaler, quiet: true }),
      (error: unknown) => error instanceof train.NonFiniteLossError && error.nonFiniteInARow === MAX_NON_FINITE_IN_A_ROW && error.step === MAX_NON_FINITE_IN_A_ROW - 1 &&
        /inf or NaN for 100 steps in a row, .*the GradScaler skipped those steps .*train in bfloat16 or float32/.test(error.message));
  } finally {
    trainLoader.dispose();
    scaler.dispose();
    setup.dispose();
  }
});

