// Resuming: an optimizer and scheduler restored from state dicts after 10 steps continue exactly
// as the uninterrupted golden runs; plus the state dict's shape, zeroGrad, memory and bad input.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { optim, torch, train } from '../../src/index.js';
import { assertClose } from '../helpers.js';
import { type Weights, golden, initialWeights, resumeFromStateDicts, setups, trainSteps } from './training.js';

const S = optim.lrScheduler;

for (const name of ['sgd_nesterov', 'adam_skipped_grads', 'adamw_amsgrad', 'adamw_onecycle', 'sgd_onecycle']) {
  test(`resume after 10 of 20 steps from state dicts matches PyTorch's uninterrupted run: ${name}`, () => {
    const before = torch.memory().tensors;
    const run = golden.training.find((r) => r.name === name)!;
    // A checkpoint: weights copied out, the optimizer's state dict, the scheduler's through JSON.
    const { p, q, opt: opt2, losses } = resumeFromStateDicts(setups[name], 10, 20, (s) => JSON.parse(JSON.stringify(s)));
    assert.deepEqual(losses, run.losses.slice(10));
    for (const [k, expected] of Object.entries(run.final)) assertClose(q[k as keyof Weights], expected, { rtol: 0, atol: 0, what: k });
    opt2.dispose();
    torch.dispose([Object.values(p), Object.values(q)]);
    assert.equal(torch.memory().tensors, before);
  });
}

test('stateDict: state keyed by parameter position, groups with options, scheduler fields and positions', () => {
  const p = initialWeights();
  const opt = new optim.AdamW([{ params: [p.w1, p.w2] }, { params: [p.b1, p.b2], weightDecay: 0 }], { lr: 1e-2, amsgrad: true });
  const sched = new S.OneCycleLR(opt, { maxLr: 0.05, totalSteps: 20 });
  trainSteps(setups.adamw, p, opt, sched, 0, 2);
  const sd = opt.stateDict();
  assert.deepEqual(Object.keys(sd.state).map(Number), [0, 1, 2, 3]);
  assert.deepEqual(Object.keys(sd.state[0]).sort(), ['expAvg', 'expAvgSq', 'maxExpAvgSq', 'step']);
  assert.equal(sd.state[2].step, 2);
  assert.equal(sd.state[0].expAvg, opt.state.get(p.w1)!.expAvg, 'tensors are shared, not copied');
  assert.deepEqual(sd.paramGroups.map((g) => g.params), [[0, 1], [2, 3]]);
  const g1 = sd.paramGroups[1];
  assert.equal(g1.weightDecay, 0);
  assert.equal(g1.amsgrad, true);
  assert.equal(g1.initialLr, 0.05 / 25);
  assert.equal(g1.maxLr, 0.05);
  assert.equal(g1.maxMomentum, 0.95);
  assert.equal((g1.betas as number[])[1], 0.999);
  assert.notEqual(g1.betas, opt.paramGroups[1].betas, 'group options are copied');
  const s = sched.stateDict();
  assert.equal(s.lastEpoch, 2);
  assert.equal(s.totalSteps, 20);
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s, 'scheduler state dicts are JSON');
  opt.dispose();
  torch.dispose(Object.values(p));
});

test('SequentialLR state dict nests its schedulers and resumes exactly', () => {
  const make = () => {
    const o = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
    const s = new S.SequentialLR(o, {
      schedulers: [new S.LinearLR(o, { startFactor: 0.1, totalIters: 5 }), new S.CosineAnnealingLR(o, { tMax: 15 })], milestones: [5],
    });
    return { o, s };
  };
  const a = make();
  const lrs: number[] = [];
  for (let i = 0; i < 20; i++) {
    a.s.step();
    lrs.push(a.o.paramGroups[0].lr);
  }
  const b = make();
  for (let i = 0; i < 8; i++) b.s.step();
  const saved = JSON.parse(JSON.stringify({ o: b.o.stateDict(), s: b.s.stateDict() }));
  assert.equal((saved.s.schedulers as unknown[]).length, 2);
  const c = make();
  c.o.loadStateDict(saved.o);
  c.s.loadStateDict(saved.s);
  const rest: number[] = [];
  for (let i = 8; i < 20; i++) {
    c.s.step();
    rest.push(c.o.paramGroups[0].lr);
  }
  assert.deepEqual(rest, lrs.slice(8));
  assert.throws(() => c.s.loadStateDict({ ...saved.s, schedulers: [] }), TypeError);
  torch.dispose([a, b, c].flatMap(({ o }) => o.paramGroups.flatMap((g) => g.params)));
});

test('loadStateDict rejects mismatched groups; scheduler loadStateDict rejects unknown keys', () => {
  const w = torch.zeros([2], { requiresGrad: true });
  const v = torch.zeros([2], { requiresGrad: true });
  const one = new optim.Adam([w, v]);
  const two = new optim.Adam([{ params: [w] }, { params: [v] }]);
  assert.throws(() => one.loadStateDict(two.stateDict()), /different number of parameter groups/);
  const sizes = new optim.Adam([w]);
  assert.throws(() => sizes.loadStateDict(one.stateDict()), /doesn't match the size/);
  const sched = new S.StepLR(one, { stepSize: 2 });
  assert.throws(() => sched.loadStateDict({ tMax: 3 }), TypeError);
  torch.dispose([w, v]);
});

test('zeroGrad removes gradients by default (PyTorch 2.x) and zeroes them with setToNone: false', () => {
  const p = torch.ones([3], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.1 });
  torch.tidy(() => p.mul(2).sum().backward());
  opt.zeroGrad({ setToNone: false });
  torch.tidy(() => assert.deepEqual(p.grad?.toArray(), [0, 0, 0]));
  opt.zeroGrad();
  assert.equal(p.grad, null);
  opt.step(); // no gradient: nothing changes, no state
  assert.equal(opt.state.size, 0);
  assert.deepEqual(p.toArray(), [1, 1, 1]);
  p.dispose();
});

test('step(closure) evaluates the closure with gradients enabled and returns its value', () => {
  const p = torch.tensor([2], { requiresGrad: true });
  const opt = new optim.SGD([p], { lr: 0.25 });
  const loss = torch.noGrad(() => opt.step(() => torch.tidy(() => {
    opt.zeroGrad();
    const l = p.square().sum();
    l.backward();
    return l.item();
  })));
  assert.equal(loss, 4);
  assert.deepEqual(p.toArray(), [1]); // 2 - 0.25 * 4
  p.dispose();
});

test('state tensors survive the step’s tidy scope and are released by dispose(), loadStateDict and using', () => {
  const before = torch.memory().tensors;
  const p = torch.ones([4], { requiresGrad: true });
  {
    using opt = new optim.Adam([p], { amsgrad: true });
    torch.tidy(() => {
      p.sum().backward();
      opt.step();
    });
    assert.equal(torch.memory().tensors, before + 1 + 3); // p and three moment tensors (p.grad has no JS handle)
    opt.loadStateDict(opt.stateDict());
    assert.equal(torch.memory().tensors, before + 1 + 3, 'the previous state was released');
  }
  p.grad = null;
  assert.equal(torch.memory().tensors, before + 1);
  p.dispose();
});

test('bad arguments throw TypeError / RangeError naming the option and value', () => {
  const p = torch.zeros([2], { requiresGrad: true });
  assert.throws(() => new optim.SGD([p], { lr: -1 }), (e: Error) => e instanceof RangeError && /lr -1/.test(e.message));
  assert.throws(() => new optim.SGD([p], { lr: 0.1, nesterov: true }), (e: Error) => e instanceof RangeError && /nesterov/.test(e.message));
  assert.throws(() => new optim.SGD([p], { lr: 0.1, momentum: -0.5 }), /momentum -0.5/);
  assert.throws(() => new optim.Adam([p], { betas: [1, 0.999] }), (e: Error) => e instanceof RangeError && /betas\[0\] 1/.test(e.message));
  assert.throws(() => new optim.AdamW([p], { eps: -1e-8 }), /eps -1e-8/);
  assert.throws(() => new optim.AdamW([p], { weightDecay: -1 }), /weightDecay -1/);
  assert.throws(() => new optim.Adam([]), /empty parameter list/);
  assert.throws(() => new optim.Adam(p as unknown as torch.Tensor[]), TypeError);
  assert.throws(() => new optim.Adam([{ params: [p] }, { params: [p] }]), /more than one parameter group/);
  torch.tidy(() => assert.throws(() => new optim.Adam([p.mul(2)]), /non-leaf/));
  const opt = new optim.AdamW([p]);
  assert.throws(() => new S.OneCycleLR(opt, {} as optim.lrScheduler.OneCycleLROptions), TypeError);
  assert.throws(() => new S.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 0 }), /Expected positive integer totalSteps, but got 0/);
  assert.throws(() => new S.OneCycleLR(opt, { maxLr: 0.1, epochs: 2 }), /stepsPerEpoch/);
  assert.throws(() => new S.OneCycleLR(opt, { maxLr: [0.1, 0.2], totalSteps: 5 }), /expected 1 values for maxLr, got 2/);
  assert.throws(() => new S.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5, pctStart: 1.5 }), /pctStart, but got 1.5/);
  assert.throws(() => new S.OneCycleLR(opt, { maxLr: 0.1, totalSteps: 5, annealStrategy: 'exp' as 'cos' }), /instead got exp/);
  assert.throws(() => new S.StepLR(opt, { stepSize: 0 }), /stepSize 0/);
  assert.throws(() => new S.LinearLR(opt, { startFactor: 2 }), /startFactor 2/);
  assert.throws(() => new S.CosineAnnealingLR(opt, { tMax: 0 }), /tMax 0/);
  const fresh = new optim.SGD([torch.zeros([1], { requiresGrad: true })], { lr: 0.1 });
  assert.throws(() => new S.StepLR(fresh, { stepSize: 2, lastEpoch: 3 }), /initialLr/);
  assert.throws(() => new S.SequentialLR(opt, { schedulers: [new S.StepLR(fresh, { stepSize: 2 })], milestones: [] }), /same optimizer/);
  assert.throws(() => new S.SequentialLR(opt, { schedulers: [new S.StepLR(opt, { stepSize: 2 })], milestones: [3] }), /one more/);
  torch.dispose([p, fresh.paramGroups[0].params]);
});

test('a checkpoint file (train.saveCheckpoint / loadCheckpoint) resumes exactly', () => {
  const before = torch.memory().tensors;
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-optim-'));
  const setup = setups.adamw_onecycle;
  const run = golden.training.find((r) => r.name === 'adamw_onecycle')!;
  const p = initialWeights();
  const opt = setup.optimizer(p);
  const sched = setup.scheduler!(opt);
  trainSteps(setup, p, opt, sched, 0, 10);
  const path = join(dir, 'checkpoint.safetensors');
  torch.tidy(() => {
    const model = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v.detach()]));
    train.saveCheckpoint(path, { model, optimizer: opt.stateDict() as unknown as Record<string, unknown>, scheduler: sched.stateDict() });
  });
  opt.dispose();
  torch.dispose(Object.values(p));

  const ckpt = train.loadCheckpoint(path) as { model: Record<string, torch.Tensor>; optimizer: optim.OptimizerStateDict; scheduler: Record<string, unknown> };
  const q = Object.fromEntries(['w1', 'b1', 'w2', 'b2'].map((k) => [k, ckpt.model[k].requiresGrad_(true)])) as Weights;
  const opt2 = setup.optimizer(q);
  const sched2 = setup.scheduler!(opt2);
  opt2.loadStateDict(ckpt.optimizer);
  sched2.loadStateDict(ckpt.scheduler);
  torch.dispose(ckpt.optimizer); // loadStateDict copied them
  assert.deepEqual(trainSteps(setup, q, opt2, sched2, 10, 20), run.losses.slice(10));
  for (const [k, expected] of Object.entries(run.final)) assertClose(q[k as keyof Weights], expected, { rtol: 0, atol: 0, what: k });
  opt2.dispose();
  torch.dispose(Object.values(q));
  rmSync(dir, { recursive: true });
  assert.equal(torch.memory().tensors, before);
});
