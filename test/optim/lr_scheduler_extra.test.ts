// ExponentialLR, LambdaLR and ReduceLROnPlateau against PyTorch 1.13 (scripts/goldens/optim_extra.py):
// the learning rates after construction and after every step, and ReduceLROnPlateau's counters
// along fixed metric sequences. The arithmetic is PyTorch's in the same order, so the rates agree
// bit for bit, except where a lambda calls `**`: V8's pow and glibc's, which Python calls, may
// differ by an ulp, so lambda_pow agrees to RTOL 1e-13 (as the cosine schedules in lr_scheduler.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, torch } from '../../src/index.js';
import { fixture } from '../helpers.js';
import { camel } from './training_extra.js';

const S = optim.lrScheduler;

interface Schedule {
  name: string;
  lr: number[][];
  momentum: number[][];
  stateKeys: string[];
  lrLambdas: null[] | null;
}
interface Plateau {
  name: string;
  metrics: number[];
  lr: number[][];
  best: number[];
  numBadEpochs: number[];
  cooldownCounter: number[];
  lastEpoch: number[];
  stateKeys: string[];
}
const golden = fixture<{ schedules: Schedule[]; plateau: Plateau[] }>('optim_extra.json');

const dummy = (lrs: number[]) => new optim.SGD(lrs.map((lr) => ({ params: [torch.zeros([1], { requiresGrad: true })], lr })), { lr: 0.1, momentum: 0.9 });
const sgd = (groups = 1) => () => dummy(Array(groups).fill(0.1));
const release = (o: optim.Optimizer) => torch.dispose(o.paramGroups.flatMap((g) => g.params));

type Maker = [() => optim.Optimizer, (o: optim.Optimizer) => optim.lrScheduler.LRScheduler];
const makers: Record<string, Maker> = {
  exponential: [sgd(), (o) => new S.ExponentialLR(o, { gamma: 0.9 })],
  exponential_groups: [sgd(2), (o) => new S.ExponentialLR(o, { gamma: 0.5 })],
  lambda_warmup: [sgd(), (o) => new S.LambdaLR(o, { lrLambda: (e) => Math.min(1.0, (e + 1) / 5) })],
  lambda_pow: [sgd(), (o) => new S.LambdaLR(o, { lrLambda: (e) => 0.95 ** e })],
  lambda_per_group: [sgd(2), (o) => new S.LambdaLR(o, { lrLambda: [(e) => 1 / (1 + 0.1 * e), (e) => (e >= 10 ? 0.5 : 1.0)] })],
};
const RTOL = 1e-13;
// PyTorch's flag that get_lr() runs inside step(); smoothlab's getLr() is protected, so it has none.
const PYTORCH_ONLY = new Set(['getLrCalledWithinStep']);

test('every golden ExponentialLR / LambdaLR schedule has a TypeScript replay', () => {
  assert.deepEqual(golden.schedules.map((s) => s.name).sort(), Object.keys(makers).sort());
});

for (const g of golden.schedules) {
  test(`schedule matches PyTorch over ${g.lr.length - 1} steps: ${g.name}`, () => {
    const before = torch.memory().tensors;
    const [makeOpt, makeSched] = makers[g.name];
    const opt = makeOpt();
    const sched = makeSched(opt);
    for (let i = 0; i < g.lr.length; i++) {
      if (i > 0) {
        opt.step();
        sched.step();
      }
      const lr = opt.paramGroups.map((p) => p.lr);
      if (g.name === 'lambda_pow') lr.forEach((a, j) => assert.ok(Math.abs(a - g.lr[i][j]) <= RTOL * g.lr[i][j], `lr[${j}] after ${i} steps: ${a} vs ${g.lr[i][j]}`));
      else assert.deepEqual(lr, g.lr[i], `${g.name}: lr after ${i} steps, bit for bit`);
      assert.deepEqual(sched.getLastLr(), lr);
    }
    const keys = Object.keys(sched.stateDict()).sort();
    assert.deepEqual(keys, g.stateKeys.map(camel).filter((k) => !PYTORCH_ONLY.has(k)).sort(), 'state dict keys are PyTorch\'s, camelCased');
    if (g.lrLambdas !== null) assert.deepEqual(sched.stateDict().lrLambdas, g.lrLambdas, 'lrLambdas: one null per function, as PyTorch');
    release(opt);
    assert.equal(torch.memory().tensors, before);
  });
}

test('ExponentialLR.step(epoch) jumps with the closed form', () => {
  const opt = dummy([0.2]);
  const sched = new S.ExponentialLR(opt, { gamma: 0.5 });
  sched.step(3);
  assert.equal(opt.paramGroups[0].lr, 0.2 * 0.5 ** 3);
  release(opt);
});

test('LambdaLR: the state dict holds no functions, is JSON, and a scheduler rebuilt with its function resumes exactly', () => {
  const lrLambda = [(e: number) => 1 / (1 + e), (e: number) => 0.9 ** e];
  const a = dummy([0.1, 0.2]);
  const sa = new S.LambdaLR(a, { lrLambda });
  for (let i = 0; i < 6; i++) sa.step();
  const saved = JSON.parse(JSON.stringify({ o: a.stateDict(), s: sa.stateDict() }));
  assert.deepEqual(saved.s.lrLambdas, [null, null]);
  const b = dummy([0.1, 0.2]);
  const sb = new S.LambdaLR(b, { lrLambda });
  b.loadStateDict(saved.o);
  sb.loadStateDict(saved.s);
  assert.equal(sb.lrLambdas[1], lrLambda[1], 'the functions stay');
  for (let i = 0; i < 5; i++) {
    sa.step();
    sb.step();
    assert.deepEqual(sb.getLastLr(), sa.getLastLr());
  }
  release(a);
  release(b);
});

test('every golden ReduceLROnPlateau run has a TypeScript replay', () => {
  assert.deepEqual(golden.plateau.map((p) => p.name).sort(), Object.keys(plateaus).sort());
});

const plateaus: Record<string, [number[], optim.lrScheduler.ReduceLROnPlateauOptions]> = {
  min_rel_defaults: [[0.1], {}],
  min_abs_cooldown_groups: [[0.1, 0.05], { thresholdMode: 'abs', threshold: 0.01, patience: 2, cooldown: 3, factor: 0.5, minLr: [0.02, 0.01] }],
  max_rel: [[0.1], { mode: 'max', patience: 1, factor: 0.3, minLr: 1e-3 }],
  max_abs: [[0.2, 0.1], { mode: 'max', thresholdMode: 'abs', threshold: 0.05, patience: 0, factor: 0.5 }],
  min_eps_stops_reductions: [[1e-6], { patience: 0, factor: 0.5 }],
};

for (const g of golden.plateau) {
  test(`ReduceLROnPlateau matches PyTorch over ${g.metrics.length} steps: ${g.name}`, () => {
    const before = torch.memory().tensors;
    const [lrs, options] = plateaus[g.name];
    const opt = dummy(lrs);
    const sched = new S.ReduceLROnPlateau(opt, options);
    g.metrics.forEach((m, i) => {
      opt.step();
      // Every third metric arrives as a one-element tensor, as a validation loss often does.
      if (i % 3 === 2) torch.tidy(() => sched.step(torch.tensor([m], { dtype: 'float64' }).squeeze()));
      else sched.step(m);
      const at = `${g.name} after step ${i + 1}`;
      assert.deepEqual(opt.paramGroups.map((p) => p.lr), g.lr[i], `${at}: lr, bit for bit`);
      assert.deepEqual(sched.getLastLr(), g.lr[i]);
      assert.deepEqual([sched.best, sched.numBadEpochs, sched.cooldownCounter, sched.lastEpoch],
        [g.best[i], g.numBadEpochs[i], g.cooldownCounter[i], g.lastEpoch[i]], `${at}: best, numBadEpochs, cooldownCounter, lastEpoch`);
    });
    assert.deepEqual(Object.keys(sched.stateDict()).sort(), g.stateKeys.map(camel).sort(), 'state dict keys are PyTorch\'s, camelCased');
    release(opt);
    assert.equal(torch.memory().tensors, before);
  });
}

test('ReduceLROnPlateau resumes exactly from a state dict, also through plain JSON (which turns ±Infinity into null)', () => {
  const g = golden.plateau.find((p) => p.name === 'min_abs_cooldown_groups')!;
  const [lrs, options] = plateaus[g.name];
  const a = dummy(lrs);
  const sa = new S.ReduceLROnPlateau(a, options);
  g.metrics.slice(0, 13).forEach((m) => sa.step(m));
  const saved = JSON.parse(JSON.stringify({ o: a.stateDict(), s: sa.stateDict() }));
  assert.equal(saved.s.modeWorse, null);
  const b = dummy(lrs);
  const sb = new S.ReduceLROnPlateau(b, { ...options, cooldown: 0, minLr: 0 });
  b.loadStateDict(saved.o);
  sb.loadStateDict(saved.s);
  assert.equal(sb.modeWorse, Infinity);
  assert.deepEqual(sb.minLrs, [0.02, 0.01]);
  g.metrics.slice(13).forEach((m, i) => {
    sb.step(m);
    assert.deepEqual(b.paramGroups.map((p) => p.lr), g.lr[13 + i]);
    assert.equal(sb.numBadEpochs, g.numBadEpochs[13 + i]);
  });
  const fresh = new S.ReduceLROnPlateau(dummy([0.1]), { mode: 'max' });
  fresh.loadStateDict(JSON.parse(JSON.stringify(fresh.stateDict())));
  assert.equal(fresh.best, -Infinity, 'a best never set comes back as the mode\'s worst value');
  assert.throws(() => fresh.loadStateDict({ gamma: 1 }), /unknown keys gamma/);
  [a, b, fresh.optimizer].forEach(release);
});

test('ReduceLROnPlateau with verbose prints each reduction as PyTorch does', () => {
  const opt = dummy([0.1, 0.05]);
  const sched = new S.ReduceLROnPlateau(opt, { patience: 0, minLr: [0, 0.05], verbose: true });
  const lines: string[] = [];
  const log = console.log;
  console.log = (line: string) => lines.push(line);
  try {
    sched.step(1);
    sched.step(2);
  } finally {
    console.log = log;
  }
  assert.deepEqual(lines, ['Epoch 00002: reducing learning rate of group 0 to 1.0000e-02.']);
  release(opt);
});

test('bad scheduler arguments throw errors naming the class and argument', () => {
  const opt = dummy([0.1, 0.2]);
  const P = S.ReduceLROnPlateau;
  assert.throws(() => new P(opt, { factor: 1 }), (e: Error) => e instanceof RangeError && e.message === 'ReduceLROnPlateau: invalid factor 1 (Factor should be < 1.0)');
  assert.throws(() => new P(opt, { factor: 1.5 }), /ReduceLROnPlateau: invalid factor 1.5/);
  assert.throws(() => new P(opt, { mode: 'median' as 'min' }), /ReduceLROnPlateau: invalid mode "median"/);
  assert.throws(() => new P(opt, { thresholdMode: 'pct' as 'rel' }), /ReduceLROnPlateau: invalid thresholdMode "pct"/);
  assert.throws(() => new P(opt, { minLr: [0.1] }), (e: Error) => e instanceof RangeError && /expected 2 minLrs, got 1/.test(e.message));
  assert.throws(() => new P(opt, { minLr: -1 }), /ReduceLROnPlateau: invalid minLr\[0\] -1/);
  assert.throws(() => new P(opt, { patience: -1 }), /ReduceLROnPlateau: invalid patience -1/);
  assert.throws(() => new P(opt, { cooldown: 0.5 }), /ReduceLROnPlateau: invalid cooldown 0.5/);
  assert.throws(() => new P({} as optim.Optimizer), (e: Error) => e instanceof TypeError && /is not an Optimizer/.test(e.message));
  assert.throws(() => new P(opt).step('low' as unknown as number), TypeError);
  assert.throws(() => new S.ExponentialLR(opt, { gamma: NaN }), /ExponentialLR: invalid gamma NaN/);
  assert.throws(() => new S.LambdaLR(opt, { lrLambda: [(e) => e] }), (e: Error) => e instanceof RangeError && /LambdaLR: Expected 2 lrLambdas, but got 1/.test(e.message));
  assert.throws(() => new S.LambdaLR(opt, { lrLambda: 0.5 as unknown as (e: number) => number }), (e: Error) => e instanceof TypeError && /LambdaLR: lrLambda\[0\]/.test(e.message));
  release(opt);
});
