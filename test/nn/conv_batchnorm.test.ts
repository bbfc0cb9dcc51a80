// convBatchNorm: in eval mode one convolution with the BatchNorm folded in, equal to the layers one
// by one (themselves golden-tested against PyTorch) within float round-off; the fold follows every
// change of the tensors it comes from, is let go on a change of mode and on dispose(), and is not
// used where it would change what a hook, autocast or a parameter's gradient sees.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, optim, torch } from '../../src/index.js';
import { resnet18 } from '../../src/vision/models/resnet.js';
import { assertNear } from '../helpers.js';

const { BatchNorm2d, Conv2d, ReLU, convBatchNorm } = nn;

// A Conv2d and BatchNorm2d whose running statistics and affine map are far from the identity.
function layers(seed: number, { bias = false, affine = true, groups = 1 } = {}): [nn.Conv2d, nn.BatchNorm2d] {
  torch.manualSeed(seed);
  const conv = new Conv2d(6, 8, 3, { stride: 2, padding: 1, bias, groups });
  const bn = new BatchNorm2d(8, { affine });
  torch.noGrad(() => {
    bn.running_mean!.copy_(torch.randn([8]));
    bn.running_var!.copy_(torch.rand([8]).add(0.2));
    bn.weight?.copy_(torch.rand([8]).add(0.5));
    bn.bias?.copy_(torch.randn([8]));
  });
  return [conv, bn];
}

// The layers one by one, as convBatchNorm runs them where it does not fold.
function oneByOne(conv: nn.Conv2d, bn: nn.BatchNorm2d, relu: boolean, x: torch.Tensor): torch.Tensor {
  const out = bn.call(conv.call(x));
  return relu ? out.relu() : out;
}

// Tensors that outlive fn's tidy() scope: the fold's weight and bias, and any fn keeps.
function foldedTensors(fn: () => unknown): number {
  const before = torch.memory().tensors;
  torch.tidy(() => {
    fn();
  });
  return torch.memory().tensors - before;
}

for (const options of [{}, { bias: true }, { affine: false }, { groups: 2 }]) {
  for (const relu of [true, false]) {
    for (const channelsLast of [false, true]) {
      test(`eval: folded conv ${JSON.stringify(options)}${relu ? ' + ReLU' : ''}${channelsLast ? ', channels-last' : ''} equals the layers one by one`, () => {
        const [conv, bn] = layers(1, options);
        if (channelsLast) conv.toChannelsLast();
        conv.eval();
        bn.eval();
        const x = torch.randn([3, 6, 9, 7]);
        const input = channelsLast ? x.channelsLast() : x;
        torch.noGrad(() => {
          const expected = oneByOne(conv, bn, relu, input);
          let actual: torch.Tensor | null = null;
          assert.equal(foldedTensors(() => { actual = torch.keep(convBatchNorm(conv, bn, relu ? new ReLU() : null, input)); }), 3, 'the output, the folded weight and bias');
          assertNear(actual!, expected, 'output');
          if (channelsLast) assert.ok(actual!.isContiguous({ memoryFormat: 'channelsLast' }), 'the output stays channels-last');
          assert.equal(foldedTensors(() => convBatchNorm(conv, bn, null, input)), 0, 'the fold is reused');
        });
      });
    }
  }
}

test('in eval mode the fold is remade after each change of a source, and only then', () => {
  const [conv, bn] = layers(2, { bias: true });
  const x = torch.randn([4, 6, 8, 8]);
  conv.eval();
  bn.eval();
  // Each check runs without a change of mode, so only the stamps can tell a change; the count
  // of tensors the call leaves shows whether it folded anew (the old fold goes, a new one stays:
  // net 0) or not, and the values that the fold is current.
  const check = (what: string) => torch.noGrad(() => assertNear(convBatchNorm(conv, bn, null, x), oneByOne(conv, bn, false, x), what));
  check('first fold');
  assert.equal(foldedTensors(() => torch.noGrad(() => convBatchNorm(conv, bn, null, x))), 0, 'an unchanged fold is reused');
  const opt = new optim.SGD([...conv.parameters(), ...bn.parameters()], { lr: 0.5 });
  conv.training = true;
  bn.training = true;
  convBatchNorm(conv, bn, new ReLU(), x).square().sum().backward();
  opt.step();
  conv.training = false;
  bn.training = false;
  check('after a training step (weights and running statistics)');
  torch.noGrad(() => conv.weight.mul_(-1));
  check('after an in-place change');
  torch.noGrad(() => bn.running_var!.copy_(torch.full([8], 3)));
  check('after copy_ into the running variance');
  const [otherConv, other] = layers(3, { bias: true });
  torch.noGrad(() => bn.bias!.setData_(other.bias!.clone()));
  check('after setData_ (which keeps the version)');
  nn.utils.vectorToParameters(nn.utils.parametersToVector(otherConv.parameters()), conv.parameters());
  check('after vectorToParameters');
  (bn as { eps: number }).eps = 0.5;
  check('after a change of eps');
  bn.loadStateDict(other.stateDict());
  check('after loadStateDict');
  // libtorch 1.13's training BatchNorm (float64 here: not the fused kernel) moves the running
  // statistics without a version; num_batches_tracked's counts the batch.
  const conv64 = new Conv2d(6, 8, 3, { padding: 1 }).to('float64');
  const bn64 = new BatchNorm2d(8).to('float64');
  const x64 = x.to('float64');
  conv64.eval();
  bn64.eval();
  torch.noGrad(() => convBatchNorm(conv64, bn64, null, x64));
  bn64.training = true;
  torch.noGrad(() => bn64.call(conv64.call(x64)));
  bn64.training = false;
  torch.noGrad(() => assertNear(convBatchNorm(conv64, bn64, null, x64), oneByOne(conv64, bn64, false, x64), 'float64 after a training step'));
});

test('the fold is let go on a change of mode, to(), toChannelsLast(), loadStateDict() and dispose()', () => {
  const [conv, bn] = layers(4);
  const x = torch.randn([2, 6, 5, 5]);
  bn.eval();
  const start = torch.memory().tensors;
  const foldNow = () => foldedTensors(() => torch.noGrad(() => convBatchNorm(conv, bn, null, x)));
  assert.equal(foldNow(), 2);
  bn.eval();
  assert.equal(torch.memory().tensors, start + 2, 'eval() in eval mode keeps it');
  bn.train();
  assert.equal(torch.memory().tensors, start, 'train() releases it');
  bn.eval();
  foldNow();
  bn.toChannelsLast();
  assert.equal(torch.memory().tensors, start, 'toChannelsLast() releases it');
  foldNow();
  torch.tidy(() => {
    bn.loadStateDict(bn.stateDict());
  });
  assert.equal(torch.memory().tensors, start, 'loadStateDict() releases it');
  foldNow();
  bn.to('cpu');
  assert.equal(torch.memory().tensors, start, 'to() releases it');
  foldNow();
  const own = bn.parameters().length + bn.buffers().length;
  bn.dispose();
  assert.equal(torch.memory().tensors, start - own, 'dispose() releases it with the layer\'s own tensors');
});

test('no fold where a hook, training mode, autocast or a parameter\'s gradient needs the layers', () => {
  const x = torch.randn([2, 6, 5, 5]);
  const folds = (conv: nn.Conv2d, bn: nn.BatchNorm2d, run: (f: () => torch.Tensor) => torch.Tensor = (f) => torch.noGrad(f)) =>
    foldedTensors(() => run(() => convBatchNorm(conv, bn, null, x))) > 0;
  const [conv, bn] = layers(5);
  bn.eval();
  assert.equal(folds(conv, bn, (f) => f()), false, 'grad mode with trainable parameters');
  bn.eval();
  conv.requiresGrad_(false);
  bn.requiresGrad_(false);
  assert.equal(folds(conv, bn, (f) => f()), true, 'grad mode with frozen parameters (a frozen backbone)');
  bn.train();
  assert.equal(folds(conv, bn), false, 'training mode');
  bn.eval();
  assert.equal(folds(conv, bn, (f) => torch.autocast({ deviceType: 'cpu' }, f)), false, 'autocast');
  const seen: number[] = [];
  const handle = bn.registerForwardHook((_m, [input]) => void seen.push((input as torch.Tensor).shape[1]));
  assert.equal(folds(conv, bn), false, 'a hook on the BatchNorm');
  assert.deepEqual(seen, [8], 'the hook saw the convolution\'s output');
  handle.remove();
  const patched = new BatchNorm2d(8);
  patched.eval();
  patched.forward = (input: torch.Tensor) => input.mul(2);
  assert.equal(folds(conv, patched), false, 'an instance with its own forward');
  assert.throws(() => torch.noGrad(() => convBatchNorm(new Conv2d(6, 8, 3), bn, null, torch.randn([6, 5, 5]))), /BatchNorm2d: expected 4D input \(got 3D input\)/,
    'unbatched input gets BatchNorm2d\'s error, as layer by layer');
  class ScaledBatchNorm2d extends BatchNorm2d {}
  const sub = new ScaledBatchNorm2d(8);
  sub.eval();
  assert.equal(folds(conv, sub), false, 'a BatchNorm2d subclass');
  torch.backends.fused.enabled = false;
  try {
    assert.equal(folds(conv, bn), false, 'torch.backends.fused.enabled false');
  } finally {
    torch.backends.fused.enabled = true;
  }
  assert.throws(() => {
    (torch.backends.fused as { enabled: unknown }).enabled = 'no';
  }, /torch\.backends\.fused\.enabled must be a boolean, got no/);
  const noStats = new BatchNorm2d(8, { trackRunningStats: false });
  noStats.eval();
  assert.equal(folds(conv, noStats), false, 'no running statistics (eval uses the batch\'s)');
});

test('ResNet-18 in eval mode: logits within round-off of the layers one by one, and its clone folds alike', () => {
  torch.manualSeed(6);
  const model = resnet18({ numClasses: 10 });
  // A few training steps give the BatchNorms running statistics far from their start.
  const opt = new optim.SGD(model.parameters(), { lr: 0.05 });
  for (let i = 0; i < 2; i++) {
    torch.tidy(() => {
      model.call(torch.randn([8, 3, 32, 32]).mul(2).add(0.5)).square().mean().backward();
      opt.step();
      opt.zeroGrad();
    });
  }
  model.eval();
  const x = torch.randn([4, 3, 32, 32]);
  const layerByLayer = model.call(x).detach();  // grad mode, trainable parameters: no fold
  // Folded under inferenceMode (as train.evaluate runs), the weights still serve a graph later: an
  // input gradient through the frozen model.
  assertNear(torch.inferenceMode(() => model.call(x)), layerByLayer, 'logits under inferenceMode', { rtol: 1e-4, atol: 1e-5 });
  assertNear(torch.noGrad(() => model.call(x)), layerByLayer, 'logits under noGrad', { rtol: 1e-4, atol: 1e-5 });
  model.requiresGrad_(false);
  const input = x.clone().requiresGrad_();
  model.call(input).sum().backward();
  const foldedGrad = input.grad!;
  model.requiresGrad_(true);
  const plainInput = x.clone().requiresGrad_();
  model.call(plainInput).sum().backward();  // trainable parameters: the layers one by one
  assertNear(foldedGrad, plainInput.grad!, 'input gradient through the folded layers', { rtol: 1e-4, atol: 1e-5 });
  const copy = model.clone();
  copy.eval();
  assertNear(torch.noGrad(() => copy.call(x)), layerByLayer, 'the clone\'s logits', { rtol: 1e-4, atol: 1e-5 });
  copy.dispose();
  model.dispose();
});
