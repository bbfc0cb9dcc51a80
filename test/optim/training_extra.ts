// The golden training runs of scripts/goldens/optim_extra.py, rebuilt in TypeScript on the weights
// and batches of optim.json (training.ts): each run's settings, and replaying one with its lr and
// final optimizer state (shared by the RMSprop, scheduler and nn.utils tests).
import assert from 'node:assert/strict';
import { nn, optim, torch } from '../../src/index.js';
import { type Encoded, assertClose, assertNumberClose, exactOnFixtureLibtorch, fixture } from '../helpers.js';
import { type Setup, type Weights, initialWeights, trainSteps } from './training.js';

/** One golden run: per-step losses and learning rates, final weights and optimizer state (PyTorch's keys). */
export interface ExtraRun {
  name: string;
  losses: number[];
  lr: number[][];
  final: Record<string, Encoded>;
  state: Record<string, Record<string, Encoded | number | null>>;
}

/** The part of optim_extra.json the training runs use. */
export const extra = fixture<{ training: ExtraRun[] }>('optim_extra.json');

const S = optim.lrScheduler;
const U = nn.utils;
const all = (p: Weights) => [p.w1, p.b1, p.w2, p.b2];
/** The settings of each golden run, as scripts/goldens/optim_extra.py's CONFIGS. */
export const extraSetups: Record<string, Setup> = {
  rmsprop: { optimizer: (p) => new optim.RMSprop(all(p)) },
  rmsprop_momentum_wd: { optimizer: (p) => new optim.RMSprop(all(p), { lr: 5e-3, momentum: 0.9, weightDecay: 1e-3 }) },
  rmsprop_centered: { optimizer: (p) => new optim.RMSprop(all(p), { lr: 1e-2, alpha: 0.9, eps: 1e-6, centered: true }) },
  rmsprop_centered_momentum_maximize: {
    optimizer: (p) => new optim.RMSprop(all(p), { lr: 1e-3, momentum: 0.5, centered: true, maximize: true }),
  },
  rmsprop_groups: {
    optimizer: (p) => new optim.RMSprop([{ params: [p.w1, p.w2], momentum: 0.9 }, { params: [p.b1, p.b2], lr: 3e-3, centered: true }],
      { lr: 1e-2 }),
  },
  rmsprop_skipped_grads: { optimizer: (p) => new optim.RMSprop(all(p), { lr: 1e-2, momentum: 0.9 }), dropW2GradOnEvenSteps: true, setToNone: true },
  rmsprop_exponential: { optimizer: (p) => new optim.RMSprop(all(p), { lr: 2e-2 }), scheduler: (o) => new S.ExponentialLR(o, { gamma: 0.9 }) },
  rmsprop_lambda: {
    optimizer: (p) => new optim.RMSprop(all(p), { lr: 2e-2, momentum: 0.5 }),
    scheduler: (o) => new S.LambdaLR(o, { lrLambda: (e) => 1 / (1 + 0.1 * e) }),
  },
  rmsprop_plateau: {
    optimizer: (p) => new optim.RMSprop(all(p), { lr: 3e-2 }),
    scheduler: (o) => new S.ReduceLROnPlateau(o, { patience: 1, factor: 0.5, threshold: 1e-2 }),
  },
  sgd_clip_norm: { optimizer: (p) => new optim.SGD(all(p), { lr: 0.5, momentum: 0.9 }), beforeStep: (p) => U.clipGradNorm_(all(p), 0.25).dispose() },
  adamw_clip_norm_inf: {
    optimizer: (p) => new optim.AdamW(all(p), { lr: 1e-2 }),
    beforeStep: (p) => U.clipGradNorm_(all(p), 0.05, { normType: Infinity }).dispose(),
  },
  sgd_clip_value: { optimizer: (p) => new optim.SGD(all(p), { lr: 0.1 }), beforeStep: (p) => U.clipGradValue_(all(p), 0.02) },
};

/** PyTorch's state key as smoothlab names it: square_avg -> squareAvg. */
export const camel = (key: string): string => key.replace(/^_+/, '').replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());

/** Asserts an optimizer's state dict against PyTorch's final state: the same non-null entries, every value exact. */
export function assertState(opt: optim.Optimizer, expected: ExtraRun['state'], what: string): void {
  const { state } = opt.stateDict();
  assert.deepEqual(Object.keys(state).sort(), Object.keys(expected).sort(), `${what}: parameters with state`);
  for (const [index, entries] of Object.entries(expected)) {
    const ours = state[Number(index)];
    const present = Object.keys(ours).filter((k) => ours[k] !== null).sort();
    assert.deepEqual(present, Object.keys(entries).filter((k) => entries[k] !== null).map(camel).sort(), `${what}: state keys of parameter ${index}`);
    for (const [key, value] of Object.entries(entries)) {
      const mine = ours[camel(key)];
      if (value === null) assert.equal(mine, null, `${what}: ${key} of parameter ${index}`);
      else if (typeof value === 'number') assert.equal(mine, value, `${what}: ${key} of parameter ${index}`);
      else if (mine instanceof torch.Tensor) assertClose(mine, value, { ...exactOnFixtureLibtorch(), what: `${what}: ${key} of parameter ${index}` });
      else assert.equal(mine, value.data[0], `${what}: ${key} of parameter ${index} (a tensor in PyTorch, a number here)`);
    }
  }
}

/**
 * Replays a golden run bit for bit on the fixtures' libtorch (losses, each step's lr, final weights and optimizer state) and
 * checks that the optimizer and weights release every tensor they made.
 */
export function replayExactly(run: ExtraRun): void {
  const before = torch.memory().tensors;
  const setup = extraSetups[run.name];
  const p = initialWeights();
  const opt = setup.optimizer(p);
  const sched = setup.scheduler?.(opt);
  for (let step = 0; step < run.losses.length; step++) {
    const [loss] = trainSteps(setup, p, opt, sched, step, step + 1);
    assertNumberClose(loss, run.losses[step], `${run.name}: loss at step ${step}`);
    assert.deepEqual(opt.paramGroups.map((g) => g.lr), run.lr[step], `${run.name}: lr after step ${step}`);
  }
  for (const [k, expected] of Object.entries(run.final)) assertClose(p[k as keyof Weights], expected, { ...exactOnFixtureLibtorch(), what: `${run.name} ${k}` });
  assertState(opt, run.state, run.name);
  opt.dispose();
  torch.dispose(Object.values(p));
  assert.equal(torch.memory().tensors, before, 'the optimizer released its state and no step leaked');
}
