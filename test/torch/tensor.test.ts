// Creation, dtypes, conversion, copy-out and autograd basics of the Tensor API.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torch } from '../../src/index.js';

const { tidy } = torch;

test('tensor() from nested arrays and TypedArrays picks PyTorch-like dtypes', () => tidy(() => {
  assert.equal(torch.tensor([1, 2, 3]).dtype, 'float32');
  assert.equal(torch.tensor([true, false]).dtype, 'bool');
  assert.equal(torch.tensor([1n, 2n]).dtype, 'int64');
  assert.equal(torch.tensor(new Int32Array([1, 2])).dtype, 'int32');
  assert.equal(torch.tensor(new Uint8Array(12), { shape: [3, 4] }).shape.join(), '3,4');
  assert.deepEqual(torch.tensor([[1, 2], [3, 4]], { dtype: 'int64' }).toArray(), [[1, 2], [3, 4]]);
  assert.equal(torch.tensor(3.5).item(), 3.5);
}));

test('all eight dtypes round-trip through toTypedArray', () => tidy(() => {
  const values = [0, 1, 2, 3];
  for (const dtype of ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'uint8', 'bool'] as const) {
    const t = torch.tensor(values, { dtype });
    assert.equal(t.dtype, dtype);
    const out = Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
    assert.deepEqual(out, dtype === 'bool' ? [0, 1, 1, 1] : values, dtype);
  }
  assert.ok(torch.tensor([1, 2], { dtype: 'int64' }).toTypedArray() instanceof BigInt64Array);
}));

test('creation functions follow PyTorch defaults', () => tidy(() => {
  assert.deepEqual(torch.zeros([2, 3]).shape, [2, 3]);
  assert.equal(torch.ones([2]).sum().item(), 2);
  assert.deepEqual(torch.full([2], 7).toArray(), [7, 7]);
  assert.equal(torch.full([1], true).dtype, 'bool');
  assert.equal(torch.arange(5).dtype, 'int64');
  assert.deepEqual(torch.arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(torch.linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(torch.eye(2).toArray(), [[1, 0], [0, 1]]);
  const x = torch.randn([2, 3], { dtype: 'float64' });
  for (const like of [torch.zerosLike(x), torch.onesLike(x), torch.randnLike(x), torch.randLike(x), torch.emptyLike(x), torch.fullLike(x, 2)]) {
    assert.deepEqual([like.shape, like.dtype], [[2, 3], 'float64']);
  }
  const perm = torch.randperm(10).sort().values;
  assert.deepEqual(perm.toArray(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const r = torch.randint(3, 5, [100]);
  assert.ok(r.ge(3).all().item() && r.lt(5).all().item());
}));

test('the *Like creators keep the layout (PyTorch\'s preserve_format), values and draws as PyTorch\'s', () => tidy(() => {
  const nhwc = torch.randn([2, 3, 4, 5]).channelsLast();
  for (const like of [torch.zerosLike(nhwc), torch.onesLike(nhwc), torch.randnLike(nhwc), torch.randLike(nhwc), torch.emptyLike(nhwc), torch.fullLike(nhwc, 2)]) {
    assert.ok(like.isContiguous({ memoryFormat: 'channelsLast' }), 'channels-last in, channels-last out');
  }
  assert.deepEqual(torch.zerosLike(nhwc, { dtype: 'int32' }).sum().item(), 0);
  assert.deepEqual(torch.fullLike(nhwc, 2).sum().item(), 240);
  assert.equal(torch.onesLike(nhwc, { requiresGrad: true }).requiresGrad, true);
  // On a contiguous tensor the draws are randn's / rand's after the same seed.
  const x = torch.empty([3, 4]);
  torch.manualSeed(5);
  const drawn = torch.randnLike(x);
  torch.manualSeed(5);
  assert.deepEqual(drawn.toArray(), torch.randn([3, 4]).toArray());
  torch.manualSeed(6);
  const uniform = torch.randLike(x);
  torch.manualSeed(6);
  assert.deepEqual(uniform.toArray(), torch.rand([3, 4]).toArray());
}));

test('scalars promote like Python numbers', () => tidy(() => {
  const i = torch.tensor([1, 2], { dtype: 'int64' });
  assert.equal(i.add(1).dtype, 'int64');
  assert.equal(i.add(0.5).dtype, 'float32');
  assert.equal(i.div(2).dtype, 'float32');
  assert.equal(i.div(2, { roundingMode: 'floor' }).dtype, 'int64');
  assert.equal(torch.ones([2], { dtype: 'float16' }).mul(3).dtype, 'float16');
}));

// Handles are plain numbers, so each op that takes a tensor or a scalar has two bindings (ATen's
// add.Tensor / add.Scalar); these pin that JS picks the right one. Expected values are PyTorch 1.13's.
test('ops taking a tensor or a scalar pick the matching overload', () => tidy(() => {
  const c = torch.tensor([true, false]);
  const i = torch.tensor([1, 2], { dtype: 'int64' });
  const half = torch.ones([2], { dtype: 'float16' });
  const start = torch.memory().tensors;
  const where = torch.where(c, i, 0.5);
  assert.deepEqual([where.dtype, where.toArray()], ['float32', [1, 0.5]]);
  assert.deepEqual(torch.where(c, i, 0).dtype, 'int64');
  assert.deepEqual(torch.where(c, 2, 0.5).toArray(), [2, 0.5]);
  assert.equal(torch.where(c, half, 3).dtype, 'float16');
  assert.deepEqual(torch.where(c, 7, i).toArray(), [7, 2]);
  assert.equal(torch.memory().tensors, start + 5, 'only the results are alive');

  const x = torch.tensor([1, 2]);
  const end = torch.tensor([3, 4]);
  assert.deepEqual(x.lerp(end, torch.tensor([0.5, 0.25])).toArray(), [2, 2.5]);
  assert.deepEqual(x.lerp(end, 0.5).toArray(), [2, 3]);
  assert.deepEqual(x.scatter(0, torch.tensor([1], { dtype: 'int64' }), 7).toArray(), [1, 7]);
  assert.deepEqual(x.scatter(0, torch.tensor([1], { dtype: 'int64' }), torch.tensor([9])).toArray(), [1, 9]);
  assert.deepEqual(i.eq(2).toArray(), [false, true]);
  assert.deepEqual(i.eq(torch.tensor([1, 0], { dtype: 'int64' })).toArray(), [true, false]);
  assert.deepEqual(torch.tensor([5, 7], { dtype: 'int64' }).remainder(3).toArray(), [2, 1]);
  assert.equal(i.pow(2).dtype, 'int64');
  assert.deepEqual(i.maximum(torch.tensor(2, { dtype: 'int64' })).toArray(), [2, 2]);
  assert.deepEqual(x.sub(1, { alpha: 2 }).toArray(), [-1, 0]);
  assert.deepEqual(x.sub(end, { alpha: 2 }).toArray(), [-5, -6]);
  const y = torch.tensor([1, 2]);
  y.add_(1).sub_(torch.tensor([1, 1])).mul_(torch.tensor([2, 3])).div_(2).sub_(0.5, { alpha: 2 });
  assert.deepEqual(y.toArray(), [0, 2]);
  y.lerp_(end, torch.tensor([1, 0])).div_(torch.tensor([3, 2]));
  assert.deepEqual(y.toArray(), [1, 1]);
}));

test('views share memory; to() converts dtype; slicing and split', () => tidy(() => {
  const x = torch.arange(12, { dtype: 'float32' }).reshape([3, 4]);
  const row = x.select(0, 1);
  row.fill_(0);
  assert.equal(x.sum().item(), 66 - (4 + 5 + 6 + 7));
  assert.deepEqual(x.slice(1, 1, 3).shape, [3, 2]);
  assert.deepEqual(x.split([1, 3], 1).map((t) => t.shape[1]), [1, 3]);
  assert.equal(x.to('float64').dtype, 'float64');
  assert.equal(x.to({ dtype: 'int32' }).dtype, 'int32');
  assert.equal(x.device, 'cpu');
  assert.equal(x.transpose(0, 1).isContiguous(), false);
}));

test('isContiguous with a memory format, as PyTorch\'s is_contiguous(memory_format=...)', () => tidy(() => {
  const nchw = torch.randn([2, 3, 4, 5]);
  const nhwc = nchw.channelsLast();
  assert.deepEqual([nchw.isContiguous(), nchw.isContiguous({ memoryFormat: 'channelsLast' })], [true, false]);
  assert.deepEqual([nhwc.isContiguous(), nhwc.isContiguous({ memoryFormat: 'channelsLast' })], [false, true]);
  // One channel: both layouts are the same bytes, and PyTorch calls it contiguous in both.
  const one = torch.randn([2, 1, 4, 5]);
  assert.deepEqual([one.isContiguous(), one.isContiguous({ memoryFormat: 'channelsLast' })], [true, true]);
  assert.throws(() => nchw.isContiguous({ memoryFormat: 'nhwc' as 'channelsLast' }), /isContiguous: memoryFormat must be 'contiguousFormat' or 'channelsLast', got nhwc/);
}));

test('autograd: requiresGrad, backward with a gradient, grad reset, detach, noGrad/enableGrad', () => tidy(() => {
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  assert.equal(w.grad, null);
  const y = w.mul(w);
  assert.equal(y.gradFn, 'MulBackward0');
  y.backward(torch.tensor([1, 1, 1]));
  assert.deepEqual(w.grad!.toArray(), [2, 4, 6]);
  w.mul(w).sum().backward(); // accumulates
  assert.deepEqual(w.grad!.toArray(), [4, 8, 12]);
  w.grad = null;
  assert.equal(w.grad, null);
  assert.equal(w.detach().requiresGrad, false);
  torch.noGrad(() => {
    assert.equal(torch.isGradEnabled(), false);
    assert.equal(w.mul(2).requiresGrad, false);
    torch.enableGrad(() => assert.equal(w.mul(2).requiresGrad, true));
  });
  assert.equal(torch.isGradEnabled(), true);
  assert.throws(() => torch.noGrad(() => { throw new Error('x'); }));
  assert.equal(torch.isGradEnabled(), true, 'restored after a throw');
}));

test('in-place optimizer ops and _foreach_ forms', () => tidy(() => {
  const p = torch.tensor([1, 2]);
  p.add_(torch.tensor([1, 1]), { alpha: 2 }).mul_(2).addcmul_(torch.tensor([1, 1]), torch.tensor([2, 3]), { value: 0.5 });
  assert.deepEqual(p.toArray(), [7, 9.5]);
  p.addcdiv_(torch.tensor([2, 2]), torch.tensor([4, 4]), { value: -2 }).lerp_(torch.tensor([0, 0]), 0.5);
  assert.deepEqual(p.toArray(), [3, 4.25]);
  const a = [torch.ones([2]), torch.ones([3])];
  torch.foreachMul_(a, 3);
  torch.foreachAdd_(a, [torch.ones([2]), torch.ones([3])], { alpha: 2 });
  torch.foreachAddcdiv_(a, [torch.ones([2]), torch.ones([3])], [torch.full([2], 2), torch.full([3], 2)], { value: 2 });
  assert.deepEqual(a.map((t) => t.sum().item()), [12, 18]);
  torch.foreachZero_(a);
  assert.deepEqual(a.map((t) => t.sum().item()), [0, 0]);
}));

test('threads, version and CUDA facts are exposed', () => {
  assert.match(torch.version, /^\d+\.\d+\.\d+/);
  assert.equal(typeof torch.cudaAvailable(), 'boolean');
  const n = torch.getNumThreads();
  torch.setNumThreads(1);
  assert.equal(torch.getNumThreads(), 1);
  torch.setNumThreads(n);
});

test('getRngState / setRngState replay the same draws', () => tidy(() => {
  torch.manualSeed(3);
  const state = torch.getRngState();
  const a = torch.randn([5]);
  torch.setRngState(state);
  assert.ok(torch.randn([5]).allclose(a, { rtol: 0, atol: 0 }));
}));
