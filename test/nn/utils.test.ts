// nn.utils against PyTorch 1.13 (scripts/goldens/optim_extra.py): clipGradNorm_ over fixed gradients
// for several norm types and max norms, clipGradValue_, and three 20-step training runs that clip
// before every step. The computation is PyTorch 1.13's op for op (norm of each gradient, norm of
// the norms, reciprocal times maxNorm, clamp, in-place multiply), so the tolerance is zero: totals,
// clipped gradients, losses and final weights are bit-identical. Plus the flat-vector helpers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { type Encoded, assertClose, decode, fixture } from '../helpers.js';
import { extra, replayExactly } from '../optim/training_extra.js';

const U = nn.utils;
const EXACT = { rtol: 0, atol: 0 };

interface NormCase {
  normType: number | 'inf';
  maxNorm: number;
  dtype: torch.DType;
  single: boolean;
  total: Encoded;
  grads: Encoded[];
}
interface Clip {
  grads: Encoded[];
  norm: NormCase[];
  value: { clipValue: number; grads: Encoded[] }[];
  nonfiniteErrors: Record<string, string>;
}
const clip = fixture<{ clip: Clip }>('optim_extra.json').clip;

// Leaf parameters whose gradients are the golden ones, cast to `dtype`.
function withGrads(dtype: torch.DType = 'float32'): torch.Tensor[] {
  return clip.grads.map((e) => torch.tidy(() => {
    const p = torch.zeros(e.shape, { dtype, requiresGrad: true });
    p.grad = decode(e).to(dtype);
    return p;
  }));
}

for (const c of clip.norm) {
  test(`clipGradNorm_ matches PyTorch bit for bit: normType ${c.normType}, maxNorm ${c.maxNorm}, ${c.dtype}${c.single ? ', one tensor' : ''}`, () => {
    const before = torch.memory().tensors;
    const params = withGrads(c.dtype);
    const normType = c.normType === 'inf' ? Infinity : c.normType;
    const total = U.clipGradNorm_(c.single ? params[0] : params, c.maxNorm, { normType });
    assertClose(total, c.total, { ...EXACT, what: 'total norm' });
    assert.deepEqual(total.shape, []);
    c.grads.forEach((g, i) => torch.tidy(() => assertClose(params[i].grad!, g, { ...EXACT, what: `grad ${i}` })));
    if (c.single) params.slice(1).forEach((p, i) => torch.tidy(() => assertClose(p.grad!, { ...clip.grads[i + 1], dtype: c.dtype }, { ...EXACT, what: 'untouched' })));
    total.dispose();
    torch.dispose(params);
    assert.equal(torch.memory().tensors, before);
  });
}

for (const c of clip.value) {
  test(`clipGradValue_ matches PyTorch: clipValue ${c.clipValue}`, () => {
    const before = torch.memory().tensors;
    const params = withGrads();
    U.clipGradValue_(params, c.clipValue);
    c.grads.forEach((g, i) => torch.tidy(() => assertClose(params[i].grad!, g, { ...EXACT, what: `grad ${i}` })));
    torch.dispose(params);
    assert.equal(torch.memory().tensors, before);
  });
}

for (const name of ['sgd_clip_norm', 'adamw_clip_norm_inf', 'sgd_clip_value']) {
  test(`20 training steps with clipping match PyTorch bit for bit: ${name}`, () => replayExactly(extra.training.find((r) => r.name === name)!));
}

test('clipGradNorm_ with errorIfNonfinite throws PyTorch\'s message and leaves the gradients; without it scales by the non-finite norm', () => {
  const before = torch.memory().tensors;
  for (const [key, message] of Object.entries(clip.nonfiniteErrors)) {
    const p = torch.zeros([2], { requiresGrad: true });
    torch.tidy(() => { p.grad = torch.tensor([1, Infinity]); });
    const normType = key === 'inf' ? 'inf' : Number(key);
    const expected = `clipGradNorm_: ${message.replace('`error_if_nonfinite=False`', '`errorIfNonfinite: false`')}`;
    assert.throws(() => U.clipGradNorm_([p], 1, { normType, errorIfNonfinite: true }), (e: Error) => e.message === expected);
    torch.tidy(() => assert.deepEqual(p.grad!.toArray(), [1, Infinity]));
    const total = U.clipGradNorm_(p, 1, { normType });
    assert.equal(total.item(), Infinity);
    torch.tidy(() => assert.deepEqual(p.grad!.toArray(), [0, NaN])); // 1 * 0 and inf * 0, as in PyTorch
    total.dispose();
    p.dispose();
  }
  assert.equal(torch.memory().tensors, before);
});

test('clipGradNorm_ skips parameters without a gradient and returns a float32 zero when none has one', () => {
  const before = torch.memory().tensors;
  const a = torch.ones([3], { requiresGrad: true });
  const b = torch.ones([2], { requiresGrad: true });
  const zero = U.clipGradNorm_([a, b], 1);
  assert.deepEqual([zero.shape, zero.dtype, zero.item()], [[], 'float32', 0]);
  zero.dispose();
  torch.tidy(() => { a.grad = torch.tensor([3, 0, 4]); });
  const total = U.clipGradNorm_([a, b], 1);
  assert.equal(total.item(), 5);
  torch.tidy(() => assertClose(a.grad!, { dtype: 'float32', shape: [3], data: [3 / (5 + 1e-6), 0, 4 / (5 + 1e-6)] }, { rtol: 1e-6, atol: 0 }));
  assert.equal(b.grad, null);
  U.clipGradValue_([a, b], 0.5);
  torch.tidy(() => assert.deepEqual(a.grad!.toArray(), [0.5, 0, 0.5]));
  total.dispose();
  torch.dispose([a, b]);
  assert.equal(torch.memory().tensors, before);
});

test('clipping rejects bad arguments with TypeErrors', () => {
  const p = torch.ones([2], { requiresGrad: true });
  assert.throws(() => U.clipGradNorm_([p], '1' as unknown as number), (e: Error) => e instanceof TypeError && /clipGradNorm_: maxNorm/.test(e.message));
  assert.throws(() => U.clipGradNorm_([p], 1, { normType: 'fro' as 'inf' }), (e: Error) => e instanceof TypeError && /normType/.test(e.message));
  assert.throws(() => U.clipGradNorm_(3 as unknown as torch.Tensor, 1), TypeError);
  assert.throws(() => U.clipGradNorm_([3] as unknown as torch.Tensor[], 1), /parameters must be Tensors/);
  assert.throws(() => U.clipGradValue_([p], null as unknown as number), (e: Error) => e instanceof TypeError && /clipGradValue_: clipValue/.test(e.message));
  p.dispose();
});

test('parametersToVector concatenates the flattened parameters, differentiably; vectorToParameters makes them views of the vector', () => {
  const before = torch.memory().tensors;
  const w = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const b = torch.tensor([5, 6], { requiresGrad: true });
  const vec = U.parametersToVector([w, b]);
  assert.deepEqual(vec.toArray(), [1, 2, 3, 4, 5, 6]);
  assert.equal(vec.gradFn, 'CatBackward0');
  torch.tidy(() => vec.mul(torch.arange(6)).sum().backward());
  torch.tidy(() => assert.deepEqual([w.grad!.toArray(), b.grad!.toArray()], [[[0, 1], [2, 3]], [4, 5]]));

  const next = torch.arange(10, 17, 1, { dtype: 'float32' });
  U.vectorToParameters(next, [w, b]);
  assert.deepEqual([w.toArray(), b.toArray(), w.shape, w.requiresGrad, w.isLeaf], [[[10, 11], [12, 13]], [14, 15], [2, 2], true, true]);
  torch.noGrad(() => next.fill_(0));
  assert.deepEqual(b.toArray(), [0, 0], 'the parameters share the vector\'s memory, as with PyTorch\'s param.data = ...');
  next.dispose();
  assert.deepEqual(w.toArray(), [[0, 0], [0, 0]], 'and keep it alive');

  const short = torch.zeros([5]);
  assert.throws(() => U.vectorToParameters(short, [w, b]), (e: Error) => e instanceof RangeError && /vec has 5 elements, the parameters need 6/.test(e.message));
  assert.throws(() => U.vectorToParameters([1, 2] as unknown as torch.Tensor, [w]), (e: Error) => e instanceof TypeError && /expected torch.Tensor, but got: object/.test(e.message));
  torch.tidy(() => assert.throws(() => U.vectorToParameters(torch.zeros([2, 3]), [w, b]), /one-dimensional/));
  assert.deepEqual(w.toArray(), [[0, 0], [0, 0]], 'a rejected vector changes nothing');
  torch.dispose([vec, short, w, b]);
  assert.equal(torch.memory().tensors, before);
});
