// The fused optimizer steps against the op-by-op ones (fused: false), from the same state and the
// same gradients. Tolerance: 0 ulp on the fixtures' libtorch (1.13), whose kernels the fused
// kernel mirrors operation for operation, FMAs included; 1 ulp per step on another libtorch, whose
// kernels may round an operation differently (each step starts both sides from the same state, so
// an ulp cannot compound). Sizes cover the vector tails and parameters split across threads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, torch } from '../../src/index.js';
import { native } from '../../src/torch/native.js';
import { FIXTURE_LIBTORCH, assertClose, assertNumberClose, exactOnFixtureLibtorch } from '../helpers.js';
import { type Weights, golden, initialWeights, setups, trainSteps } from './training.js';

const ULP = FIXTURE_LIBTORCH ? 0 : 1;
const SHAPES = [[1], [7], [16], [3, 5, 7], [64, 64, 3, 3], [200_003]];
const STEPS = 4;

type Make = (params: torch.Tensor[], fused: boolean) => optim.Optimizer;
const CASES: Record<string, Make> = {
  adamw: (p, fused) => new optim.AdamW(p, { lr: 1e-2, betas: [0.9, 0.99], weightDecay: 5e-2, fused }),
  adamw_amsgrad_maximize: (p, fused) => new optim.AdamW(p, { lr: 3e-3, eps: 1e-6, amsgrad: true, maximize: true, fused }),
  adam_l2: (p, fused) => new optim.Adam(p, { lr: 1e-2, weightDecay: 1e-3, fused }),
  adam_amsgrad: (p, fused) => new optim.Adam(p, { lr: 1e-2, betas: [0.8, 0.99], amsgrad: true, fused }),
  sgd_plain: (p, fused) => new optim.SGD(p, { lr: 0.05, fused }),
  sgd_nesterov: (p, fused) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4, fused }),
  sgd_dampening_maximize: (p, fused) => new optim.SGD(p, { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3, maximize: true, fused }),
};

/** The largest distance in ulps between two float32 tensors of the same shape. */
function ulps(a: torch.Tensor, b: torch.Tensor): number {
  const x = new Int32Array((a.toTypedArray() as Float32Array).buffer);
  const y = new Int32Array((b.toTypedArray() as Float32Array).buffer);
  let worst = 0;
  // Order-preserving integers: negative floats count down from -0.
  const key = (i: number) => (i < 0 ? -2147483648 - i : i);
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(key(x[i]) - key(y[i])));
  return worst;
}

/** Leaf parameters with the given values. */
const leaves = (values: torch.Tensor[]) => values.map((v) => torch.tidy(() => v.clone().requiresGrad_(true)));

/** The 4-d parameters of `params` in the channels-last layout (Module.toChannelsLast's), which the kernels take too. */
const toChannelsLast = (params: torch.Tensor[]) => torch.noGrad(() => {
  for (const p of params) if (p.ndim === 4) torch.tidy(() => p.setData_(p.channelsLast()));
});

for (const [name, make] of Object.entries(CASES)) {
  test(`fused ${name} matches the op-by-op update within ${ULP} ulp, with the same state dict`, () => {
    const before = torch.memory().tensors;
    torch.manualSeed(19);
    const init = SHAPES.map((s) => torch.randn(s));
    const ref = leaves(init);
    const fused = leaves(init);
    if (name.startsWith('sgd')) [ref, fused].forEach(toChannelsLast); // one family on channels-last parameters is enough
    const slow = make(ref, false);
    const fast = make(fused, true);
    for (let step = 0; step < STEPS; step++) {
      torch.tidy(() => {
        SHAPES.forEach((s, i) => {
          const g = torch.randn(s).mul(10 ** (i % 3 - 2));
          const laid = ref[i].isContiguous() ? g : g.channelsLast(); // autograd lays a gradient out as its parameter
          ref[i].grad = laid;
          fused[i].grad = laid.clone();
        });
        slow.step();
        fast.step();
        const a = slow.stateDict();
        const b = fast.stateDict();
        assert.deepEqual(b.paramGroups.map(({ fused: f, ...g }) => g), a.paramGroups.map(({ fused: f, ...g }) => g));
        assert.deepEqual(Object.keys(b.state), Object.keys(a.state));
        for (let i = 0; i < ref.length; i++) {
          assert.ok(ulps(fused[i], ref[i]) <= ULP, `${name} step ${step}: parameter ${SHAPES[i]} off by ${ulps(fused[i], ref[i])} ulp`);
          const sa = a.state[i];
          const sb = b.state[i];
          assert.deepEqual(Object.keys(sb).sort(), Object.keys(sa).sort());
          for (const [k, v] of Object.entries(sa)) {
            if (v instanceof torch.Tensor) assert.ok(ulps(sb[k] as torch.Tensor, v) <= ULP, `${name} step ${step}: ${k} of ${SHAPES[i]}`);
            else assert.equal(sb[k], v, `${name}: ${k}`);
          }
          // The next step starts both sides from the same state.
          if (ULP !== 0) {
            torch.noGrad(() => {
              fused[i].copy_(ref[i]);
              for (const [k, v] of Object.entries(sa)) if (v instanceof torch.Tensor) (sb[k] as torch.Tensor).copy_(v);
            });
          }
        }
      });
    }
    slow.dispose();
    fast.dispose();
    torch.dispose([...init, ...ref, ...fused]);
    assert.equal(torch.memory().tensors, before, 'no step leaked');
  });
}

test('fused steps fall back to the op-by-op update where the kernel does not apply (float64, a strided gradient)', () => {
  const before = torch.memory().tensors;
  torch.manualSeed(3);
  const x = torch.randn([5, 4], { dtype: 'float64' });
  const w = torch.randn([4, 6]);
  const [a, b] = leaves([x, x]);
  const [c, d] = leaves([w, w]);
  const slow = new optim.AdamW([a, c], { lr: 0.1, fused: false });
  const fast = new optim.AdamW([b, d], { lr: 0.1 });
  torch.tidy(() => {
    const g = torch.randn([5, 4], { dtype: 'float64' });
    a.grad = g;
    b.grad = g.clone();
    const h = torch.randn([6, 4]);
    c.grad = h.t().contiguous();
    d.grad = h.t(); // not contiguous: the fused kernel declines
  });
  slow.step();
  fast.step();
  torch.tidy(() => {
    assert.equal(b.sub(a).abs().max().item(), 0);
    assert.equal(d.sub(c).abs().max().item(), 0);
  });
  assert.equal(fast.state.get(b)!.step, 1);
  slow.dispose();
  fast.dispose();
  torch.dispose([x, w, a, b, c, d]);
  assert.equal(torch.memory().tensors, before);
});

test('fused is an option of each group and validated', () => {
  const p = torch.ones([2], { requiresGrad: true });
  assert.equal(new optim.AdamW([p]).paramGroups[0].fused, true);
  assert.equal(new optim.SGD([{ params: [p], fused: false }], { lr: 0.1 }).paramGroups[0].fused, false);
  assert.throws(() => new optim.Adam([p], { fused: 1 as unknown as boolean }), /invalid fused/);
  p.dispose();
});

// The golden runs (test/optim/optimizers.test.ts) use the fused default; the op-by-op path keeps them too.
for (const run of golden.training) {
  test(`20 steps match PyTorch bit for bit with fused: false: ${run.name}`, () => {
    const setup = setups[run.name];
    const p = initialWeights();
    const opt = setup.optimizer(p);
    for (const group of opt.paramGroups) (group as { fused?: boolean }).fused = false;
    const sched = setup.scheduler?.(opt);
    const losses = trainSteps(setup, p, opt, sched, 0, golden.batches.length);
    losses.forEach((l, i) => assertNumberClose(l, run.losses[i], `${run.name}: loss at step ${i}`));
    for (const [k, expected] of Object.entries(run.final)) assertClose(p[k as keyof Weights], expected, { ...exactOnFixtureLibtorch(), what: `${run.name} ${k}` });
    opt.dispose();
    torch.dispose(Object.values(p));
  });
}

test('the fused kernel takes dense parameters in any layout whose operands share it, and declines the rest', () => {
  torch.tidy(() => {
    const p = torch.randn([8, 4, 3, 3]).channelsLast();
    const ok = (grad: torch.Tensor, buf: torch.Tensor | null) => native.fusedSgdStep_(p.handle, grad.handle, buf?.handle ?? null, 0.9, 1, 0, -0.1);
    assert.equal(ok(torch.randn([8, 4, 3, 3]).channelsLast(), torch.zeros([8, 4, 3, 3]).channelsLast()), true);
    assert.equal(ok(torch.randn([8, 4, 3, 3]), null), false, 'a gradient laid out otherwise');
    assert.equal(ok(torch.randn([8, 4, 3, 3]).channelsLast(), torch.zeros([8, 4, 3, 3])), false, 'a buffer laid out otherwise');
    assert.equal(ok(torch.randn([8, 4, 9]).view([8, 4, 3, 3]).channelsLast(), null), true);
  });
});

test('a channels-last model\'s parameters get channels-last state and take the fused step, bit for bit the op-by-op one', () => {
  torch.tidy(() => {
    torch.manualSeed(3);
    const values = [torch.randn([8, 4, 3, 3]).channelsLast(), torch.randn([8, 4, 1, 1]).channelsLast(), torch.randn([8])];
    const grads = values.map((v) => torch.randnLike(v));
    const run = (fused: boolean) => {
      const params = leaves(values);
      const opt = new optim.AdamW(params, { lr: 1e-2, weightDecay: 5e-2, fused });
      for (let s = 0; s < STEPS; s++) {
        params.forEach((p, i) => { p.grad = grads[i].clone(); });
        opt.step();
      }
      return { params, opt };
    };
    const fused = run(true);
    const plain = run(false);
    for (const p of fused.params.slice(0, 2)) {
      const state = fused.opt.state.get(p) as { expAvg: torch.Tensor; expAvgSq: torch.Tensor };
      assert.ok(state.expAvg.isContiguous({ memoryFormat: 'channelsLast' }), 'zerosLike kept the parameter\'s layout');
      const applies = torch.noGrad(() => native.fusedAdamStep_(p.handle, p.grad!.handle, state.expAvg.handle, state.expAvgSq.handle, null,
        1, 0.9, 0.1, 0.99, 0.01, 0, 1, 1e-8, 0, true));
      assert.equal(applies, true, 'the kernel takes the parameter with its state');
    }
    fused.params.forEach((p, i) => assert.ok(ulps(p, plain.params[i]) <= ULP, `parameter ${i}: ${ulps(p, plain.params[i])} ulps`));
  });
});

test('loadStateDict gives channels-last parameters channels-last state, so a resumed run keeps the fused step', () => {
  torch.tidy(() => {
    const p = torch.randn([8, 4, 3, 3]).channelsLast().requiresGrad_(true);
    const opt = new optim.AdamW([p], { lr: 1e-2 });
    p.grad = torch.randnLike(p);
    opt.step();
    const resumed = new optim.AdamW([p], { lr: 1e-2 });
    resumed.loadStateDict(opt.stateDict());
    const state = resumed.state.get(p) as { expAvg: torch.Tensor; expAvgSq: torch.Tensor };
    assert.ok(state.expAvg.isContiguous({ memoryFormat: 'channelsLast' }) && state.expAvgSq.isContiguous({ memoryFormat: 'channelsLast' }));
    const before = opt.state.get(p) as { expAvg: torch.Tensor };
    assert.deepEqual(state.expAvg.toArray(), before.expAvg.toArray(), 'the same values');
    opt.dispose();
    resumed.dispose();
  });
});
