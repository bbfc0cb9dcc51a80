// The new layers' and losses' options, in-place forms and argument errors, beyond the golden
// replays of breadth_golden.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';

const F = nn.functional;

test('in-place activations overwrite and return their input', () => torch.tidy(() => {
  const x = torch.tensor([-2, -0.5, 0, 1.5]);
  const expected = F.leakyRelu(x, 0.1).toArray();
  const y = x.clone();
  assert.equal(new nn.LeakyReLU(0.1, { inplace: true }).call(y), y);
  assert.deepEqual(y.toArray(), expected);
  const z = x.clone();
  assert.equal(F.silu(z, true), z);
  assert.ok(z.allclose(F.silu(x)));
  assert.equal(new nn.SiLU({ inplace: true }).toString(), 'SiLU(inplace=True)');
  assert.equal(new nn.LeakyReLU(0.2, { inplace: true }).toString(), 'LeakyReLU(negative_slope=0.2, inplace=True)');
  assert.throws(() => new nn.GELU({ approximate: 'fast' as 'tanh' }), TypeError);
  assert.throws(() => F.gelu(x, { approximate: 'erf' as 'none' }), TypeError);
}));

test('Softmax without dim takes PyTorch\'s legacy choice (0 for 0-d, 1-d and 3-d input, else 1)', () => torch.tidy(() => {
  const soft = new nn.Softmax();
  assert.equal(soft.toString(), 'Softmax(dim=None)');
  const x3 = torch.randn([2, 3, 4]);
  assert.ok(soft.call(x3).allclose(x3.softmax(0)));
  const x2 = torch.randn([2, 3]);
  assert.ok(soft.call(x2).allclose(x2.softmax(1)));
  assert.ok(new nn.LogSoftmax(1).call(x2).allclose(x2.logSoftmax(1)));
}));

test('normalization and embedding layers check their arguments as PyTorch does', () => {
  assert.throws(() => new nn.GroupNorm(3, 4), /num_channels must be divisible by num_groups/);
  assert.throws(() => new nn.Embedding(4, 2, { paddingIdx: 4 }), /Padding_idx must be within num_embeddings/);
  assert.throws(() => new nn.Embedding(4, 2, { paddingIdx: -5 }), RangeError);
  torch.tidy(() => assert.throws(() => F.embedding(torch.tensor([0n]), torch.randn([3, 2]), { paddingIdx: 3 }), RangeError));
  const bn = new nn.BatchNorm1d(3);
  torch.tidy(() => assert.throws(() => bn.call(torch.zeros([2, 3, 4, 5])), /BatchNorm1d: expected 2D or 3D input \(got 4D input\)/));
  bn.dispose();
  const ln = new nn.LayerNorm([2, 3], { elementwiseAffine: false });
  assert.deepEqual(ln.namedParameters(), []);
  const emb = new nn.Embedding(5, 2, { paddingIdx: 1, maxNorm: 2, scaleGradByFreq: true });
  assert.equal(emb.toString(), 'Embedding(5, 2, padding_idx=1, max_norm=2.0, scale_grad_by_freq=True)');
  emb.dispose();
});

test('Embedding: the padding row starts at zero and gets no gradient; maxNorm renormalizes looked-up rows in place', () => torch.tidy(() => {
  torch.manualSeed(1);
  const emb = new nn.Embedding(4, 3, { paddingIdx: 2 });
  assert.deepEqual(emb.weight.select(0, 2).toArray(), [0, 0, 0]);
  emb.call(torch.tensor([2n, 0n, 2n])).sum().backward();
  const grad = emb.weight.grad as torch.Tensor;
  assert.deepEqual(grad.select(0, 2).toArray(), [0, 0, 0]);
  assert.deepEqual(grad.select(0, 0).toArray(), [1, 1, 1]);
  const capped = new nn.Embedding(4, 3, { maxNorm: 0.5 });
  capped.call(torch.tensor([1n, 3n]));
  for (const row of [1, 3]) assert.ok(Math.abs(capped.weight.select(0, row).norm().item() - 0.5) < 1e-5, `row ${row} renormalized`);
  emb.dispose();
  capped.dispose();
}));

test('ConvTranspose2d: outputSize picks the output padding, within the sizes the stride allows', () => torch.tidy(() => {
  const up = new nn.ConvTranspose2d(2, 3, 3, { stride: 2, padding: 1 });
  const x = torch.randn([1, 2, 4, 4]);
  assert.deepEqual(up.call(x).shape, [1, 3, 7, 7]);
  assert.deepEqual(up.call(x, [8, 8]).shape, [1, 3, 8, 8]);
  assert.deepEqual(up.call(x, [1, 3, 8, 7]).shape, [1, 3, 8, 7], 'N and C may lead the size');
  assert.throws(() => up.call(x, [9, 8]), /requested an output size of \[9, 8\], but valid sizes range from \[7, 7\] to \[8, 8\]/);
  assert.throws(() => up.call(x, [8]), /output_size must have 2 or 4 elements \(got 1\)/);
  assert.equal(up.toString(), 'ConvTranspose2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))');
  assert.deepEqual(up.weight.shape, [2, 3, 3, 3], 'the transposed layout (in, out / groups, kH, kW)');
  assert.throws(() => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 }), /divisible by groups/);
  up.dispose();
}));

test('losses refuse unknown reductions; klDiv batchmean divides the sum by the batch size', () => torch.tidy(() => {
  assert.throws(() => new nn.MSELoss({ reduction: 'avg' as 'mean' }), /MSELoss: invalid reduction "avg"/);
  assert.throws(() => new nn.KLDivLoss({ reduction: 'batch' as 'batchmean' }), /'batchmean'/);
  assert.throws(() => F.mseLoss(torch.ones([2]), torch.ones([2]), { reduction: 'avg' as 'mean' }), /^TypeError: mseLoss: argument 2 must be 'mean', 'sum' or 'none', got 'avg'$/);
  const x = torch.randn([4, 5]).logSoftmax(1);
  const t = torch.rand([4, 5]).softmax(1);
  const sum = F.klDiv(x, t, { reduction: 'sum' }).item();
  assert.ok(Math.abs(F.klDiv(x, t, { reduction: 'batchmean' }).item() - sum / 4) < 1e-6);
  assert.throws(() => F.mseLoss(torch.ones([2, 3]), torch.ones([4])), /mseLoss: the size of torch.Size\(\[2, 3\]\) and torch.Size\(\[4\]\) must match/);
  const bce = new nn.BCEWithLogitsLoss({ posWeight: torch.ones([3]) });
  assert.deepEqual(Object.keys(bce.stateDict()), ['pos_weight']);
  bce.dispose();
}));

test('Upsample prints as PyTorch and passes its options to interpolate', () => torch.tidy(() => {
  assert.equal(new nn.Upsample({ size: [5, 4], mode: 'bilinear' }).toString(), 'Upsample(size=(5, 4), mode=bilinear)');
  assert.equal(new nn.Upsample({ scaleFactor: [2, 1.5] }).toString(), 'Upsample(scale_factor=(2.0, 1.5), mode=nearest)');
  assert.deepEqual(new nn.Upsample({ scaleFactor: [2, 1.5] }).call(torch.zeros([1, 1, 3, 4])).shape, [1, 1, 6, 6]);
  assert.throws(() => F.interpolate(torch.zeros([1, 1, 2, 2]), { size: 3, mode: 'area' as 'nearest' }), /unknown mode "area"/);
  assert.throws(() => F.interpolate(torch.zeros([2, 2]), { size: 3 }), /Only 3D, 4D and 5D input Tensors supported \(got 2D\)/);
  assert.throws(() => F.interpolate(torch.zeros([1, 1, 2, 2]), { size: [3] }), /same number of spatial dimensions/);
  assert.throws(() => F.interpolate(torch.zeros([1, 1, 2, 2]), { size: 4, recomputeScaleFactor: true }), /not meaningful with an explicit size/);
  assert.throws(() => F.pad(torch.zeros([1, 1, 2, 2]), [1, 1], { mode: 'reflect', value: 1 }), torch.TorchError);
}));
