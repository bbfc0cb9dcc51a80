// nn.Module: registration by attribute, traversal order, state dicts with PyTorch's keys, modes,
// dtype moves, deep copies, hooks, and deterministic release.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';

class Net extends nn.Module {
  conv = new nn.Conv2d(1, 2, 3, { padding: 1 });
  bn = new nn.BatchNorm2d(2);
  head = new nn.Sequential(new nn.Flatten(), new nn.Dropout(0.5), new nn.Linear(2 * 4 * 4, 3));
  scale: torch.Tensor;
  cache: torch.Tensor | null;

  constructor() {
    super();
    this.scale = this.registerParameter('scale', torch.ones([1]));
    this.cache = this.registerBuffer('cache', torch.zeros([2]), { persistent: false });
  }

  override forward(x: torch.Tensor): torch.Tensor {
    return this.head.call(this.bn.call(this.conv.call(x)).relu()).mul(this.scale);
  }
}

test('children, modules, parameters and buffers follow registration order with dotted names', () => {
  const net = new Net();
  assert.deepEqual(net.namedChildren().map(([k]) => k), ['conv', 'bn', 'head']);
  assert.deepEqual(net.namedModules().map(([k, m]) => `${k}:${m.constructor.name}`),
    [':Net', 'conv:Conv2d', 'bn:BatchNorm2d', 'head:Sequential', 'head.0:Flatten', 'head.1:Dropout', 'head.2:Linear']);
  assert.deepEqual(net.namedParameters().map(([k]) => k), ['scale', 'conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'head.2.weight', 'head.2.bias']);
  assert.deepEqual(net.namedBuffers().map(([k]) => k), ['cache', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
  assert.ok(net.parameters().every((p) => p.requiresGrad));
  assert.equal(net.numParameters(), 1 + 18 + 2 + 2 + 2 + 96 + 3);
  assert.equal(net.getSubmodule('head.2'), net.head.at(2));
  assert.throws(() => net.getSubmodule('head.9'), /no submodule '9'/);
  net.dispose();
});

test('stateDict: PyTorch keys (no non-persistent buffers), detached views that share memory and belong to the caller', () => {
  const net = new Net();
  torch.tidy(() => {
    const sd = net.stateDict();
    assert.deepEqual(Object.keys(sd), ['scale', 'conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'bn.running_mean',
      'bn.running_var', 'bn.num_batches_tracked', 'head.2.weight', 'head.2.bias']);
    assert.equal(sd['bn.num_batches_tracked'].dtype, 'int64');
    assert.ok(!sd['conv.weight'].requiresGrad, 'detached');
    sd.scale.fill_(3);
    assert.equal(net.scale.item(), 3, 'shares memory with the parameter');
  });
  assert.equal(net.scale.isDisposed, false, 'disposing the state dict leaves the model intact');
  net.dispose();
});

test('loadStateDict: copies values, checks every key and shape first, strict by default', () => {
  const a = new Net();
  const b = new Net();
  torch.tidy(() => {
    b.loadStateDict(a.stateDict());
    assert.ok(b.conv.weight.allclose(a.conv.weight) && (b.head.at(2) as nn.Linear).weight !== (a.head.at(2) as nn.Linear).weight);
    assert.ok(b.conv.weight.requiresGrad, 'parameters stay trainable');

    const sd = a.stateDict();
    delete sd['conv.bias'];
    sd.extra = torch.zeros([1]);
    assert.throws(() => b.loadStateDict(sd),
      /Error\(s\) in loading state_dict for Net:\n\tMissing key\(s\) in state_dict: "conv.bias". \n\tUnexpected key\(s\) in state_dict: "extra"/);
    const result = b.loadStateDict(sd, { strict: false });
    assert.deepEqual(result, { missingKeys: ['conv.bias'], unexpectedKeys: ['extra'] });

    const before = b.bn.weight?.toArray();
    const wrong = a.stateDict();
    wrong['bn.weight'] = torch.full([2], 7);
    wrong['conv.weight'] = torch.zeros([3, 1, 3, 3]);
    assert.throws(() => b.loadStateDict(wrong), /size mismatch for conv.weight: copying a param with shape \[3, 1, 3, 3\] from checkpoint, the shape in current model is \[2, 1, 3, 3\]/);
    assert.deepEqual(b.bn.weight?.toArray(), before, 'nothing was copied from a state dict that failed the checks');

    const doubles = new Map(Object.entries(a.stateDict()).map(([k, t]) => [k, t.dtype === 'float32' ? t.double() : t]));
    b.loadStateDict(doubles);
    assert.equal(b.conv.weight.dtype, 'float32', 'values are converted to the parameter dtype');
  });
  a.dispose();
  b.dispose();
});

test('train() / eval() reach every descendant; dropout and BatchNorm follow the mode', () => {
  const net = new Net();
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  torch.tidy(() => {
    const x = torch.randn([4, 1, 4, 4]);
    assert.ok(net.call(x).allclose(net.call(x)), 'eval mode is deterministic');
    net.train();
    assert.ok(net.modules().every((m) => m.training));
    net.call(x);
    assert.equal(net.bn.num_batches_tracked?.item(), 1);
  });
  net.dispose();
});

test('to(dtype) converts floating-point parameters and buffers in place, keeping requiresGrad and int64 counters', () => {
  const net = new Net();
  const ref = net.conv.weight.clone();
  net.to('float64');
  assert.equal(net.conv.weight.dtype, 'float64');
  assert.equal(net.bn.running_var?.dtype, 'float64');
  assert.equal(net.bn.num_batches_tracked?.dtype, 'int64');
  assert.ok(net.conv.weight.requiresGrad && net.conv.weight.isLeaf);
  assert.ok(net.conv.weight.to('float32').allclose(ref));
  torch.tidy(() => assert.equal(net.call(torch.randn([2, 1, 4, 4], { dtype: 'float64' })).dtype, 'float64'));
  net.to('cpu');
  ref.dispose();
  net.dispose();
});

test('apply() visits children before their parent; requiresGrad_(false) freezes', () => {
  const net = new Net();
  const seen: string[] = [];
  net.apply((m) => seen.push(m.constructor.name));
  assert.deepEqual(seen, ['Conv2d', 'BatchNorm2d', 'Flatten', 'Dropout', 'Linear', 'Sequential', 'Net']);
  net.conv.requiresGrad_(false);
  assert.equal(net.numParameters({ trainableOnly: true }), net.numParameters() - 20);
  net.dispose();
});

test('clone() is a deep copy (copy.deepcopy): same outputs, independent tensors, modes kept, no random draws', () => {
  const net = new Net();
  net.eval();
  torch.manualSeed(1);
  const state = torch.getRngState();
  const copy = net.clone();
  torch.tidy(() => {
    assert.ok(torch.getRngState().eq(state).all().item(), 'cloning drew no random numbers');
    assert.ok(copy instanceof Net && copy.head instanceof nn.Sequential && !copy.training && !copy.bn.training);
    assert.notEqual(copy.conv.weight, net.conv.weight);
    const x = torch.randn([2, 1, 4, 4]);
    assert.ok(copy.call(x).allclose(net.call(x)));
    copy.conv.weight.requiresGrad_(false).fill_(0);
    assert.ok(net.conv.weight.abs().sum().item() > 0, 'the original is untouched');
    assert.deepEqual(copy.namedParameters().map(([k]) => k), net.namedParameters().map(([k]) => k));
    assert.deepEqual(Object.keys(copy.stateDict()), Object.keys(net.stateDict()));
  });
  state.dispose();
  copy.dispose();
  net.dispose();
});

test('hooks: a pre-hook may replace the input, a hook the output; remove() unregisters', () => {
  const relu = new nn.ReLU();
  const calls: string[] = [];
  const pre = relu.registerForwardPreHook((_m, [x]) => {
    calls.push('pre');
    return [x.neg()];
  });
  const post = relu.registerForwardHook((_m, _input, output) => {
    calls.push('post');
    return output.mul(2);
  });
  torch.tidy(() => {
    const x = torch.tensor([-1, 2]);
    assert.deepEqual(relu.call(x).toArray(), [2, 0]);
    assert.deepEqual(relu.forward(x).toArray(), [0, 2], 'forward() itself runs no hooks');
    pre.remove();
    post.remove();
    assert.deepEqual(relu.call(x).toArray(), [0, 2]);
  });
  assert.deepEqual(calls, ['pre', 'post']);
});

test('replacing a child by assignment changes the structure, as in PyTorch', () => {
  const net = new Net();
  net.head.dispose();
  net.head = new nn.Sequential(new nn.Flatten(), new nn.Linear(32, 5));
  assert.deepEqual(net.namedParameters().slice(-2).map(([k]) => k), ['head.1.weight', 'head.1.bias']);
  torch.tidy(() => assert.deepEqual(net.call(torch.randn([2, 1, 4, 4])).shape, [2, 5]));
  net.dispose();
});

test('dispose() releases every parameter and buffer; forward passes inside tidy leak nothing', () => {
  const start = torch.memory().tensors;
  {
    using net = new Net();
    assert.equal(torch.memory().tensors, start + 11, '7 parameters and 4 buffers');
    torch.tidy(() => {
      const out = net.call(torch.randn([3, 1, 4, 4]));
      out.sum().backward();
    });
    assert.equal(torch.memory().tensors, start + 11);
  }
  assert.equal(torch.memory().tensors, start);
});

test('registration rejects dotted names and non-tensors; toString prints PyTorch\'s repr', () => {
  const net = new Net();
  assert.throws(() => net.registerParameter('a.b', torch.zeros([1])), TypeError);
  assert.throws(() => net.registerBuffer('x', 3 as unknown as torch.Tensor), TypeError);
  assert.equal(String(net.head), [
    'Sequential(',
    '  (0): Flatten(start_dim=1, end_dim=-1)',
    '  (1): Dropout(p=0.5, inplace=False)',
    '  (2): Linear(in_features=32, out_features=3, bias=True)',
    ')',
  ].join('\n'));
  assert.equal(String(net.bn), 'BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
  assert.equal(String(net.conv), 'Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))');
  net.dispose();
});
