// smoothLabels, labelSmoothingLossFloor and nn.CrossEntropyLoss against scripts/goldens/label_smoothing.py:
// PyTorch's label-smoothed cross-entropy (class-index targets, eps 0 / 0.1 / 0.3, with and without
// weights and ignoreIndex) equals cross-entropy against smoothLabels' probability targets, and the
// loss floor equals PyTorch's loss at the optimum. Tolerances: float32 round-off (rtol 1e-5,
// atol 1e-6) for losses and gradients, exact for the smoothed matrices, 1e-12 for the floors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { labelSmoothingLossFloor, smoothLabels, smoothedProbabilities } from '../../src/nn/label_smoothing.js';
import { CrossEntropyLoss } from '../../src/nn/losses.js';
import { type Encoded, assertClose, decode, fixture } from '../helpers.js';

const F = nn.functional;
type T = torch.Tensor;
type Reduction = 'mean' | 'sum';

interface LossCase {
  eps: number;
  weight?: boolean;
  ignore?: boolean;
  reduction?: Reduction;
  convention?: 'others';
  value: Encoded;
  grad: Encoded;
}
interface Golden {
  logits: Encoded;
  target: Encoded;
  weight: Encoded;
  ignoreIndex: number;
  smoothed: { eps: number; convention: 'uniform' | 'others'; matrix: Encoded }[];
  losses: LossCase[];
  floors: { eps: number; numClasses: number; convention: 'uniform' | 'others'; torch: number; entropy: number }[];
}

const golden = fixture<Golden>('label_smoothing.json');
const C = 10;
const TOL = { rtol: 1e-5, atol: 1e-6 };

function withGrad(fn: (x: T) => T): { value: T; grad: T } {
  const x = decode(golden.logits).requiresGrad_(true);
  const value = fn(x);
  value.backward();
  return { value, grad: x.grad! };
}

/**
 * Label-smoothed cross-entropy rebuilt from probability targets: drop ignored rows, sum
 * -w_c q_c log p_c against smoothLabels, and for 'mean' divide by the weight of the kept targets
 * (PyTorch's class-index denominator) rather than by N (the probability-target one).
 */
function viaSmoothLabels(x: T, t: T, eps: number, weight: T | null, ignoreIndex: number | null, reduction: Reduction): T {
  const keepRows = torch.tensor(BigInt64Array.from(
    [...t.toTypedArray<'int64'>()].flatMap((v, i) => (ignoreIndex !== null && Number(v) === ignoreIndex ? [] : [BigInt(i)])),
  ));
  const xs = x.indexSelect(0, keepRows);
  const ts = t.indexSelect(0, keepRows);
  const sum = F.crossEntropy(xs, smoothLabels(ts, C, eps), { weight, reduction: 'sum' });
  if (reduction === 'sum') return sum;
  return sum.div(weight ? weight.indexSelect(0, ts).sum() : ts.shape[0]);
}

test('smoothLabels gives both conventions’ target matrices exactly', () => {
  torch.tidy(() => {
    const t = decode(golden.target);
    for (const s of golden.smoothed) {
      const q = smoothLabels(t, C, s.eps, { convention: s.convention });
      assertClose(q, s.matrix, { rtol: 0, atol: 0, what: `${s.convention} eps ${s.eps}` });
      assertClose(q.sum(1), { dtype: 'float32', shape: [8], data: Array(8).fill(1) }, { rtol: 1e-6, atol: 0, what: 'rows sum to 1' });
    }
    assert.equal(smoothLabels(t, C, 0.1, { dtype: 'float64' }).dtype, 'float64');
  });
});

for (const g of golden.losses) {
  const name = g.convention === 'others'
    ? `cross-entropy against 'others' targets matches PyTorch (eps ${g.eps})`
    : `label-smoothed cross-entropy (eps ${g.eps}${g.weight ? ', weight' : ''}${g.ignore ? ', ignoreIndex' : ''}, ${g.reduction}): ` +
      'crossEntropy, CrossEntropyLoss and smoothLabels all match PyTorch';
  test(name, () => {
    const before = torch.memory().tensors;
    torch.tidy(() => {
      const t = decode(golden.target);
      if (g.convention === 'others') {
        const r = withGrad((x) => F.crossEntropy(x, smoothLabels(t, C, g.eps, { convention: 'others' })));
        assertClose(r.value, g.value, { ...TOL, what: 'value' });
        assertClose(r.grad, g.grad, { ...TOL, what: 'grad' });
        return;
      }
      const weight = g.weight ? decode(golden.weight) : null;
      const ignoreIndex = g.ignore ? golden.ignoreIndex : null;
      const options = { labelSmoothing: g.eps, reduction: g.reduction!, ...(weight ? { weight } : {}), ...(ignoreIndex !== null ? { ignoreIndex } : {}) };
      const direct = withGrad((x) => F.crossEntropy(x, t, options));
      const loss = new CrossEntropyLoss({ ...options, weight: weight?.clone() ?? null }); // owns (keeps) its weight clone
      const module = withGrad((x) => loss.call(x, t));
      loss.dispose();
      const smoothed = withGrad((x) => viaSmoothLabels(x, t, g.eps, weight, ignoreIndex, g.reduction!));
      for (const [what, r] of Object.entries({ direct, module, smoothed })) {
        assertClose(r.value, g.value, { ...TOL, what: `${what} value` });
        assertClose(r.grad, g.grad, { ...TOL, what: `${what} grad` });
      }
    });
    assert.equal(torch.memory().tensors, before);
  });
}

test('labelSmoothingLossFloor equals PyTorch’s loss at the optimum and the entropy of the smoothed targets', () => {
  for (const f of golden.floors) {
    const floor = labelSmoothingLossFloor(f.eps, f.numClasses, f.convention);
    const what = `eps ${f.eps}, C ${f.numClasses}, ${f.convention}`;
    assert.ok(Math.abs(floor - f.torch) <= 1e-12 * Math.max(1, f.torch), `${what}: ${floor} vs PyTorch ${f.torch}`);
    assert.ok(Math.abs(floor - f.entropy) <= 1e-15 * Math.max(1, f.entropy), `${what}: ${floor} vs ${f.entropy}`);
  }
  assert.equal(labelSmoothingLossFloor(0.1, 10).toFixed(4), '0.5003');
  assert.equal(labelSmoothingLossFloor(0, 10), 0);
  assert.ok(Math.abs(labelSmoothingLossFloor(1, 10) - Math.log(10)) < 1e-15, 'eps 1: the uniform distribution, log C');
  // 'others' with eps is 'uniform' with eps * C / (C - 1).
  assert.ok(Math.abs(labelSmoothingLossFloor(0.1, 10, 'others') - labelSmoothingLossFloor(0.1 * 10 / 9, 10)) < 1e-15);
  assert.deepEqual(smoothedProbabilities(4, 0.2, 'others'), { onTarget: 0.8, offTarget: 0.2 / 3 });
});

test('CrossEntropyLoss: PyTorch defaults, a Module that owns its weight buffer', () => {
  const before = torch.memory().tensors;
  const plain = new CrossEntropyLoss();
  assert.deepEqual([plain.ignoreIndex, plain.reduction, plain.labelSmoothing, plain.weight], [-100, 'mean', 0, null]);
  assert.ok(plain instanceof nn.Module);
  const weighted = new CrossEntropyLoss({ weight: torch.ones([C]), labelSmoothing: 0.1 });
  const sd = weighted.stateDict();
  assert.deepEqual(Object.keys(sd), ['weight']);
  torch.dispose(sd);
  assert.equal(weighted.toString(), 'CrossEntropyLoss(label_smoothing=0.1)');
  weighted.dispose();
  assert.equal(torch.memory().tensors, before);
});

test('bad arguments throw RangeError / TypeError naming the option and value', () => {
  torch.tidy(() => {
    const t = decode(golden.target);
    assert.throws(() => smoothLabels(t, C, 1.5), (e: Error) => e instanceof RangeError && /eps 1.5/.test(e.message));
    assert.throws(() => smoothLabels(t, 0, 0.1), /numClasses 0/);
    assert.throws(() => smoothLabels(t, C, 0.1, { convention: 'keras' as 'uniform' }), /convention "keras"/);
    assert.throws(() => smoothLabels(t.float(), C, 0.1), TypeError);
    assert.throws(() => labelSmoothingLossFloor(0.1, 1, 'others'), /numClasses >= 2/);
    assert.throws(() => labelSmoothingLossFloor(-0.1, 10), /eps -0.1/);
    assert.throws(() => new CrossEntropyLoss({ labelSmoothing: 2 }), /labelSmoothing 2/);
    assert.throws(() => new CrossEntropyLoss({ reduction: 'avg' as 'mean' }), /reduction "avg"/);
  });
});
