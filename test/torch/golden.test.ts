// Replays every case of scripts/make_goldens.py (PyTorch 1.13 on the same libtorch) and compares
// outputs and gradients. Same kernels, so the tolerance is float32 round-off: rtol 1e-5, atol 1e-6.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { type Encoded, assertClose, decode, fixture } from '../helpers.js';

const F = nn.functional;
type T = torch.Tensor;
type Case = (i: Record<string, T>) => T | T[];

interface GoldenCase {
  name: string;
  inputs: Record<string, Encoded>;
  outputs: Encoded[];
  requiresGrad: string[];
  grads?: Record<string, Encoded>;
}

function batchNorm(training: boolean): Case {
  return ({ x, weight, bias }) => {
    const rm = torch.zeros([3]);
    const rv = torch.ones([3]);
    return [F.batchNorm(x, rm, rv, { weight, bias, training, momentum: 0.1, eps: 1e-5 }), rm, rv];
  };
}

const ce = (eps: number, extra: Partial<nn.functional.CrossEntropyOptions> = {}): Case => ({ x, t, w }) =>
  F.crossEntropy(x, t, { labelSmoothing: eps, ...(w ? { weight: w } : {}), ...extra });

const cases: Record<string, Case> = {
  add_broadcast: ({ a, b }) => a.add(b, { alpha: 2.5 }),
  sub_scalar: ({ a }) => a.sub(3),
  mul: ({ a, b }) => a.mul(b),
  div: ({ a, b }) => a.div(b),
  pow_scalar: ({ a }) => a.pow(3),
  exp: ({ a }) => a.exp(),
  log: ({ a }) => a.log(),
  sqrt: ({ a }) => a.sqrt(),
  tanh: ({ a }) => a.tanh(),
  sigmoid: ({ a }) => a.sigmoid(),
  relu: ({ a }) => F.relu(a),
  abs_neg: ({ a }) => a.neg().abs(),
  clamp: ({ a }) => a.clamp(-0.5, 0.5),
  maximum: ({ a, b }) => torch.maximum(a, b),
  where: ({ c, a, b }) => torch.where(c, a, b),
  maskedFill: ({ a, m }) => a.maskedFill(m, -1.0),
  compare_gt: ({ a, b }) => a.gt(b),
  matmul: ({ a, b }) => torch.matmul(a, b),
  softmax: ({ a }) => a.softmax(1),
  logSoftmax: ({ a }) => a.logSoftmax(-1),
  logsumexp: ({ a }) => a.logsumexp(1),
  sum_all: ({ a }) => a.sum(),
  sum_dim_keepdim: ({ a }) => a.sum(0, { keepdim: true }),
  mean_dims: ({ a }) => a.mean([0, 2]),
  std: ({ a }) => a.std(1),
  var_biased: ({ a }) => a.var(0, { correction: 0 }),
  norm: ({ a }) => a.norm(2),
  max_dim: ({ a }) => {
    const { values, indices } = a.max(1);
    return [values, indices];
  },
  min_all: ({ a }) => a.min(),
  argmax: ({ a }) => a.argmax(1),
  permute_reshape: ({ a }) => a.permute([2, 0, 1]).reshape([4, 6]),
  transpose_flatten: ({ a }) => a.transpose(0, 1).flatten(),
  squeeze_unsqueeze: ({ a }) => a.unsqueeze(0).unsqueeze(2).squeeze(0),
  expand: ({ a }) => a.expand([3, 4]),
  narrow: ({ a }) => a.narrow(1, 1, 2),
  cat: ({ a, b }) => torch.cat([a, b], 1),
  stack: ({ a, b }) => torch.stack([a, b], 0),
  split: ({ a }) => a.split(2, 1),
  chunk: ({ a }) => a.chunk(3, 0),
  indexSelect: ({ a, i }) => a.indexSelect(1, i),
  gather: ({ a, i }) => a.gather(1, i),
  scatter: ({ a, i, s }) => a.scatter(1, i, s),
  conv2d: ({ x, w, b }) => F.conv2d(x, w, b, { stride: 2, padding: 1 }),
  conv2d_groups: ({ x, w }) => F.conv2d(x, w, null, { padding: 1, groups: 2 }),
  linear: ({ x, w, b }) => F.linear(x, w, b),
  batchNorm_train: batchNorm(true),
  batchNorm_eval: batchNorm(false),
  maxPool2d: ({ x }) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }),
  avgPool2d: ({ x }) => F.avgPool2d(x, 2),
  adaptiveAvgPool2d: ({ x }) => F.adaptiveAvgPool2d(x, 1),
  nllLoss: ({ x, t }) => F.nllLoss(x.logSoftmax(1), t),
  oneHot: ({ t }) => F.oneHot(t, 5),
  'crossEntropy_probs_eps0.1': ({ x, p }) => F.crossEntropy(x, p, { labelSmoothing: 0.1 }),
};
for (const eps of [0, 0.1, 0.3]) {
  const tag = `crossEntropy_eps${eps === 0 ? '0.0' : eps}`;
  cases[tag] = ce(eps);
  cases[`${tag}_weight`] = ce(eps);
  cases[`${tag}_ignore`] = ce(eps, { ignoreIndex: 1 });
  cases[`${tag}_sum`] = ce(eps, { reduction: 'sum' });
  cases[`${tag}_none`] = ce(eps, { reduction: 'none' });
}

// The golden script's upstream gradient: cos(0.37 i), so every output element's gradient matters.
function upstream(shape: number[]): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(0.37 * i)), { shape });
}

const golden = fixture<{ cases: GoldenCase[]; random: Record<string, Encoded> }>('engine.json');

test('every golden case has a TypeScript replay', () => {
  assert.deepEqual(golden.cases.map((c) => c.name).filter((n) => !(n in cases)), []);
});

for (const g of golden.cases) {
  test(`matches PyTorch: ${g.name}`, () => {
    const before = torch.memory().tensors;
    torch.tidy(() => {
      const inputs = Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, decode(v)]));
      for (const k of g.requiresGrad) inputs[k].requiresGrad_(true);
      const result = cases[g.name](inputs);
      const outputs = Array.isArray(result) ? result : [result];
      assert.equal(outputs.length, g.outputs.length, 'number of outputs');
      outputs.forEach((o, k) => assertClose(o, g.outputs[k], { what: `${g.name} output ${k}` }));
      if (!g.grads) return;
      const loss = outputs
        .filter((o) => o.requiresGrad)
        .map((o) => o.mul(upstream(o.shape)).sum())
        .reduce((a, b) => a.add(b));
      loss.backward();
      for (const [k, expected] of Object.entries(g.grads)) {
        const grad = inputs[k].grad;
        assert.ok(grad, `${g.name}: no gradient for ${k}`);
        assertClose(grad, expected, { what: `${g.name} grad ${k}` });
      }
    });
    assert.equal(torch.memory().tensors, before, 'tidy released every tensor');
  });
}

test('manualSeed gives PyTorch’s random numbers', () => {
  const r = golden.random;
  torch.manualSeed(0);
  assertClose(torch.randn([3, 4]), r.seed0_randn_3x4, { rtol: 0, atol: 0 });
  torch.manualSeed(42);
  assertClose(torch.rand([5]), r.seed42_rand_5, { rtol: 0, atol: 0 });
  assertClose(torch.randint(0, 10, [6]), r.seed42_then_randint_0_10_6);
  assertClose(torch.randperm(8), r.seed42_then_randperm_8);
  assertClose(torch.randn([2, 3], { dtype: 'float64' }), r.seed42_then_randn_2x3_float64, { rtol: 0, atol: 0 });
  torch.manualSeed(7);
  const draws = torch.cat([torch.empty([4]).normal_(1.0, 2.0), torch.empty([4]).uniform_(-1, 1)]);
  assertClose(draws, r.seed7_normal_uniform, { rtol: 0, atol: 0 });
});
