// Layers and nn.init against PyTorch: initializer draws bit for bit after the same seed, BatchNorm's
// corner cases (cumulative average, no running statistics, momentum) within float round-off, and
// the shapes and modes of the simple layers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { assertClose, decode } from '../helpers.js';
import { golden } from '../nn_golden.js';

const init = nn.init;

test('nn.init draws equal PyTorch\'s exactly after the same manualSeed, in the same order', () => {
  const g = golden.initFunctions;
  torch.manualSeed(11);
  const draws: Record<string, () => torch.Tensor> = {
    kaiming_uniform_default: () => init.kaimingUniform_(torch.empty([4, 3, 3, 3])),
    kaiming_uniform_a_sqrt5: () => init.kaimingUniform_(torch.empty([6, 5]), { a: Math.sqrt(5) }),
    kaiming_normal_fan_out_relu: () => init.kaimingNormal_(torch.empty([4, 3, 3, 3]), { mode: 'fan_out', nonlinearity: 'relu' }),
    xavier_uniform_gain2: () => init.xavierUniform_(torch.empty([5, 7]), 2.0),
    xavier_normal: () => init.xavierNormal_(torch.empty([5, 7])),
    uniform_m1_2: () => init.uniform_(torch.empty([6]), -1.0, 2.0),
    normal_3_05: () => init.normal_(torch.empty([6]), 3.0, 0.5),
    linear_default: () => new nn.Linear(5, 3).weight,
    conv_default_bias: () => new nn.Conv2d(2, 3, 3).bias as torch.Tensor,
  };
  assert.deepEqual(Object.keys(draws), g.order);
  for (const name of g.order) assertClose(draws[name](), g.draws[name], { rtol: 0, atol: 0, what: name });
  for (const [key, gain] of Object.entries(g.gains)) {
    const [name, param] = key.split(':');
    assert.equal(init.calculateGain(name as nn.init.Nonlinearity, param === undefined ? undefined : Number(param)), gain, key);
  }
});

test('nn.init: constants, fans, and errors', () => {
  torch.tidy(() => {
    const t = torch.empty([3, 4, 5]);
    assert.deepEqual(init.calculateFanInAndFanOut(t), [20, 15]);
    assert.equal(init.ones_(t).sum().item(), 60);
    assert.equal(init.zeros_(t).sum().item(), 0);
    assert.equal(init.constant_(t, 0.5).sum().item(), 30);
    const p = torch.zeros([2, 2], { requiresGrad: true });
    init.normal_(p);
    assert.ok(p.isLeaf && p.requiresGrad, 'initializers work on parameters without recording gradients');
    assert.throws(() => init.kaimingUniform_(torch.empty([3])), /fewer than 2 dimensions/);
    assert.throws(() => init.kaimingNormal_(t, { mode: 'fan_avg' as 'fan_in' }), /not supported/);
  });
});

test('BatchNorm2d with momentum null keeps a cumulative average, as PyTorch', () => {
  const g = golden.batchNorm;
  const bn = new nn.BatchNorm2d(3, { momentum: null });
  torch.tidy(() => {
    g.inputs.forEach((x, i) => assertClose(bn.call(decode(x)), g.cumulative.outputs[i], { rtol: 1e-5, atol: 1e-5, what: `output ${i}` }));
  });
  assertClose(bn.running_mean as torch.Tensor, g.cumulative.running_mean, { rtol: 1e-5, atol: 1e-6, what: 'running_mean' });
  assertClose(bn.running_var as torch.Tensor, g.cumulative.running_var, { rtol: 1e-5, atol: 1e-6, what: 'running_var' });
  assert.equal(bn.num_batches_tracked?.item(), g.cumulative.num_batches_tracked);
  bn.dispose();
});

test('BatchNorm2d without running statistics uses batch statistics in eval mode; momentum and affine options', () => {
  const g = golden.batchNorm;
  torch.tidy(() => {
    const plain = new nn.BatchNorm2d(3, { trackRunningStats: false }).eval();
    assert.deepEqual(plain.namedBuffers(), []);
    assertClose(plain.call(decode(g.inputs[0])), g.no_running_stats_eval, { rtol: 1e-5, atol: 1e-5, what: 'no running stats' });
    const bn = new nn.BatchNorm2d(3, { affine: false, momentum: 0.3 });
    assert.deepEqual(bn.namedParameters(), []);
    bn.call(decode(g.inputs[0]));
    bn.eval();
    const expected = g['momentum_0.3_then_eval'];
    assertClose(bn.call(decode(g.inputs[1])), expected.output, { rtol: 1e-5, atol: 1e-5, what: 'eval output' });
    assertClose(bn.running_mean as torch.Tensor, expected.running_mean, { rtol: 1e-5, atol: 1e-6, what: 'running_mean' });
    assertClose(bn.running_var as torch.Tensor, expected.running_var, { rtol: 1e-5, atol: 1e-6, what: 'running_var' });
    assert.throws(() => bn.call(torch.zeros([2, 3, 4])), /expected 4D input \(got 3D input\)/);
    plain.dispose();
    bn.dispose();
  });
});

test('convolution, linear and pooling layers: shapes, options and parameter layout', () => {
  torch.tidy(() => {
    const x = torch.randn([2, 4, 9, 9]);
    const conv = new nn.Conv2d(4, 6, [3, 5], { stride: 2, padding: [1, 2], groups: 2, bias: false });
    assert.deepEqual(conv.weight.shape, [6, 2, 3, 5]);
    assert.equal(conv.bias, null);
    assert.deepEqual(conv.call(x).shape, [2, 6, 5, 5]);
    assert.throws(() => new nn.Conv2d(3, 4, 3, { groups: 2 }), /divisible by groups/);
    assert.deepEqual(new nn.MaxPool2d(3, { stride: 2, padding: 1 }).call(x).shape, [2, 4, 5, 5]);
    assert.deepEqual(new nn.MaxPool2d(2).call(x).shape, [2, 4, 4, 4], 'stride defaults to the kernel size');
    assert.deepEqual(new nn.AvgPool2d(3).call(x).shape, [2, 4, 3, 3]);
    assert.deepEqual(new nn.AdaptiveAvgPool2d([2, 3]).call(x).shape, [2, 4, 2, 3]);
    assert.deepEqual(new nn.Flatten().call(x).shape, [2, 324]);
    assert.deepEqual(new nn.Flatten(0, 1).call(x).shape, [8, 9, 9]);
    assert.equal(new nn.Identity().call(x), x);
    const lin = new nn.Linear(324, 7, { bias: false });
    assert.deepEqual(lin.call(new nn.Flatten().call(x)).shape, [2, 7]);
    const relu = new nn.ReLU({ inplace: true });
    const y = x.clone();
    assert.equal(relu.call(y), y, 'in-place ReLU returns its input');
    assert.equal(y.lt(0).any().item(), false);
  });
});

test('Dropout and Dropout2d act only in training mode; Dropout2d drops whole channels', () => {
  torch.tidy(() => {
    torch.manualSeed(0);
    const x = torch.ones([8, 16, 4, 4]);
    const drop = new nn.Dropout(0.25);
    const y = drop.call(x);
    const kept = y.ne(0).float().mean().item();
    assert.ok(kept > 0.65 && kept < 0.85, `kept ${kept}`);
    assert.ok(y.maskedSelect(y.ne(0)).allclose(torch.full([1], 1 / 0.75).expand([y.ne(0).sum().item()])));
    drop.eval();
    assert.ok(drop.call(x).allclose(x), "eval mode is the identity");
    const drop2d = new nn.Dropout2d(0.5);
    const z = drop2d.call(x);
    const perChannel = z.sum([2, 3]);
    assert.ok(perChannel.eq(0).logicalOr(perChannel.eq(32)).all().item(), 'each channel is all zero or all scaled');
    assert.throws(() => new nn.Dropout(1.5), RangeError);
  });
});

test('Sequential and ModuleList: numbered children, access, iteration, append', () => {
  const seq = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));
  assert.equal(seq.length, 3);
  assert.ok(seq.at(-1) instanceof nn.Linear);
  assert.deepEqual([...seq].map((m) => m.constructor.name), ['Linear', 'ReLU', 'Linear']);
  seq.append(new nn.ReLU());
  assert.deepEqual(seq.namedParameters().map(([k]) => k), ['0.weight', '0.bias', '2.weight', '2.bias']);
  torch.tidy(() => assert.deepEqual(seq.call(torch.randn([5, 3])).shape, [5, 2]));
  const named = new nn.Sequential({ conv: new nn.Conv2d(1, 1, 1), act: new nn.ReLU() });
  assert.deepEqual(named.namedChildren().map(([k]) => k), ['conv', 'act']);
  const list = new nn.ModuleList([new nn.Linear(2, 2)]);
  list.push(new nn.Linear(2, 3));
  assert.equal(list.length, 2);
  assert.deepEqual(list.namedParameters().map(([k]) => k), ['0.weight', '0.bias', '1.weight', '1.bias']);
  assert.throws(() => list.forward(), /ModuleList has no forward/);
  assert.throws(() => list.at(5), RangeError);
  for (const m of [seq, named, list]) m.dispose();
});
