// Replays the schedules of scripts/goldens/optim.py: the learning rate (and momentum / beta1) of
// every group after construction and after every step. The arithmetic is PyTorch's, in the same
// order, so schedules without a cosine agree bit for bit; V8's Math.cos (fdlibm) and glibc's cos,
// which Python's math.cos calls, differ by one ulp on a few percent of arguments, which the
// annealing formulas can amplify to ~1e-15 relative: those values must agree to RTOL.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, torch } from '../../src/index.js';
import { fixture } from '../helpers.js';

const S = optim.lrScheduler;

interface Schedule {
  name: string;
  lr: number[][];
  momentum: number[][];
  errorAfterEnd?: string;
}

const golden = fixture<{ schedules: Schedule[] }>('optim.json');

const groups = (n: number) => Array.from({ length: n }, () => ({ params: [torch.zeros([1], { requiresGrad: true })] }));
const sgd = ({ n = 1, lr = 0.1, momentum = 0.9 } = {}) => () => new optim.SGD(groups(n), { lr, momentum });
const adamw = () => new optim.AdamW(groups(1), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });

type Maker = [() => optim.Optimizer, (o: optim.Optimizer) => optim.lrScheduler.LRScheduler];
const makers: Record<string, Maker> = {
  onecycle_25: [adamw, (o) => new S.OneCycleLR(o, { maxLr: 0.05, totalSteps: 25 })],
  onecycle_196x25: [adamw, (o) => new S.OneCycleLR(o, { maxLr: 0.05, epochs: 25, stepsPerEpoch: 196 })],
  onecycle_three_phase_linear: [sgd({ n: 2 }), (o) => new S.OneCycleLR(o, {
    maxLr: [0.1, 0.2], totalSteps: 30, pctStart: 0.25, annealStrategy: 'linear', threePhase: true, divFactor: 10,
    finalDivFactor: 100, baseMomentum: 0.8, maxMomentum: 0.9,
  })],
  onecycle_no_cycle_momentum: [adamw, (o) => new S.OneCycleLR(o, { maxLr: 0.01, totalSteps: 10, cycleMomentum: false })],
  cosine: [sgd(), (o) => new S.CosineAnnealingLR(o, { tMax: 10, etaMin: 1e-3 })],
  step: [sgd(), (o) => new S.StepLR(o, { stepSize: 3, gamma: 0.5 })],
  multistep: [sgd(), (o) => new S.MultiStepLR(o, { milestones: [2, 5, 5, 9], gamma: 0.1 })],
  linear_warmup: [sgd(), (o) => new S.LinearLR(o, { startFactor: 0.25, totalIters: 4 })],
  linear_decay: [sgd(), (o) => new S.LinearLR(o, { startFactor: 1, endFactor: 0.1, totalIters: 5 })],
  sequential_linear_cosine: [sgd(), (o) => new S.SequentialLR(o, {
    schedulers: [new S.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new S.CosineAnnealingLR(o, { tMax: 15 })], milestones: [5],
  })],
  sequential_three: [sgd({ lr: 1 }), (o) => new S.SequentialLR(o, {
    schedulers: [new S.LinearLR(o, { startFactor: 0.5, totalIters: 3 }), new S.StepLR(o, { stepSize: 2, gamma: 0.5 }),
      new S.CosineAnnealingLR(o, { tMax: 6, etaMin: 0.01 })],
    milestones: [3, 8],
  })],
};

const RTOL = 1e-13;
const NO_COSINE = new Set(['onecycle_three_phase_linear', 'step', 'multistep', 'linear_warmup', 'linear_decay']);
const momentumOf = (o: optim.Optimizer) => o.paramGroups.map((g) => ('betas' in g ? (g.betas as number[])[0] : (g as unknown as { momentum: number }).momentum));

function assertCloseList(actual: number[], expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= RTOL * Math.abs(expected[i]), `${what}[${i}]: ${a} vs PyTorch ${expected[i]}`));
}

test('every golden schedule has a TypeScript replay', () => {
  assert.deepEqual(golden.schedules.map((s) => s.name).sort(), Object.keys(makers).sort());
});

for (const g of golden.schedules) {
  test(`schedule matches PyTorch: ${g.name}`, () => {
    const [makeOpt, makeSched] = makers[g.name];
    const opt = makeOpt();
    const sched = makeSched(opt);
    for (let i = 0; i < g.lr.length; i++) {
      if (i > 0) {
        opt.step();
        sched.step();
      }
      assertCloseList(opt.paramGroups.map((p) => p.lr), g.lr[i], `${g.name}: lr after ${i} steps`);
      assert.deepEqual(sched.getLastLr(), opt.paramGroups.map((p) => p.lr), `${g.name}: getLastLr after ${i} steps`);
      assertCloseList(momentumOf(opt), g.momentum[i], `${g.name}: momentum / beta1 after ${i} steps`);
      if (NO_COSINE.has(g.name)) assert.deepEqual([opt.paramGroups.map((p) => p.lr), momentumOf(opt)], [g.lr[i], g.momentum[i]], 'no cosine: bit for bit');
    }
    if (g.errorAfterEnd !== undefined) {
      opt.step();
      assert.throws(() => sched.step(), (e: Error) => e instanceof RangeError && e.message === g.errorAfterEnd);
    }
    torch.dispose(opt.paramGroups.flatMap((p) => p.params));
  });
}
