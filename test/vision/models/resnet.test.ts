// torchvision-compatible ResNets: the same state-dict keys and shapes as torchvision 0.14, and after
// the same manualSeed bit-identical initial weights (every tensor's SHA-256 equals PyTorch's).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch, vision } from '../../../src/index.js';
import { digest } from '../../digest.js';
import { MODELS, golden } from '../../nn_golden.js';

const factories = { resnet18: vision.models.resnet18, resnet34: vision.models.resnet34, resnet50: vision.models.resnet50 };

for (const [name, keys] of Object.entries(golden.keys)) {
  test(`${name}: state-dict keys and shapes equal torchvision's, in order`, () => {
    const model = name === 'resnet18_cifar_c10'
      ? vision.models.resnet18({ numClasses: 10, stem: 'cifar' })
      : factories[name as keyof typeof factories]();
    torch.tidy(() => {
      const ours = Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape]);
      assert.deepEqual(ours, keys);
    });
    model.dispose();
  });
}

for (const [name, tensors] of Object.entries(golden.init.models)) {
  test(`${name}: after manualSeed(${golden.init.seed}) every initial tensor is bit-identical to PyTorch's`, () => {
    torch.manualSeed(golden.init.seed);
    const model = MODELS[name]();
    torch.tidy(() => {
      const sd = model.stateDict();
      assert.deepEqual(Object.keys(sd), Object.keys(tensors));
      for (const [key, expected] of Object.entries(tensors)) {
        const actual = digest(sd[key]);
        assert.equal(actual.sha256, expected.sha256, `${key}: sum ${actual.sum} vs PyTorch ${expected.sum}, first ${actual.head} vs ${expected.head}`);
      }
    });
    model.dispose();
  });
}

test('resnet18({ numClasses: 10 }) has 11,181,642 parameters; 1000 classes give torchvision\'s 11,689,512', () => {
  for (const [options, count] of [[{ numClasses: 10 }, 11_181_642], [{}, 11_689_512]] as const) {
    const model = vision.models.resnet18(options);
    assert.equal(model.numParameters(), count);
    model.dispose();
  }
  const r50 = vision.models.resnet50();
  assert.equal(r50.numParameters(), 25_557_032);
  r50.dispose();
});

test('stems: ImageNet stem maps 32x32 to 1x1 in layer4, CIFAR stem keeps 4x4; one input channel works', () => {
  const before = torch.memory().tensors;
  for (const [stem, inChannels, spatial] of [['imagenet', 3, 1], ['cifar', 3, 4], ['cifar', 1, 4]] as const) {
    const model = vision.models.resnet18({ numClasses: 10, stem, inChannels }).eval();
    torch.tidy(() => torch.noGrad(() => {
      const x = torch.randn([2, inChannels, 32, 32]);
      const features = model.layer4.call(model.layer3.call(model.layer2.call(model.layer1.call(
        model.maxpool.call(model.relu.call(model.bn1.call(model.conv1.call(x)))) as torch.Tensor))));
      assert.deepEqual(features.shape, [2, 512, spatial, spatial]);
      assert.deepEqual(model.forward(x).shape, [2, 10]);
      assert.deepEqual(model.features(x).shape, [2, 512]);
    }));
    assert.equal(stem === 'cifar', model.maxpool instanceof nn.Identity);
    model.dispose();
  }
  assert.equal(torch.memory().tensors, before, 'models and forward passes released everything');
});

test('blocks follow torchvision: downsample only where the shape changes, Bottleneck expansion 4', () => {
  const r18 = vision.models.resnet18();
  const r50 = vision.models.resnet50();
  const first18 = r18.layer1.at(0) as vision.models.BasicBlock;
  const second18 = r18.layer2.at(0) as vision.models.BasicBlock;
  assert.equal(first18.downsample, null);
  assert.ok(second18.downsample instanceof nn.Sequential);
  assert.deepEqual(second18.conv1.stride, [2, 2]);
  const first50 = r50.layer1.at(0) as vision.models.Bottleneck;
  assert.ok(first50 instanceof vision.models.Bottleneck && first50.downsample !== null, 'layer1 of resnet50 projects 64 -> 256');
  assert.deepEqual(first50.conv2.stride, [1, 1]);
  assert.deepEqual((r50.layer2.at(0) as vision.models.Bottleneck).conv2.stride, [2, 2], 'stride on the 3x3 (V1.5)');
  assert.equal((r50.fc as nn.Linear).inFeatures, 2048);
  r18.dispose();
  r50.dispose();
});

test('zeroInitResidual zeroes the last BatchNorm weight of every block', () => {
  const model = vision.models.resnet50({ zeroInitResidual: true });
  for (const m of model.modules()) {
    if (m instanceof vision.models.Bottleneck) assert.equal((m.bn3.weight as torch.Tensor).abs().sum().item(), 0);
  }
  model.dispose();
});

test('bad options throw TypeError; pretrained weights require 1000 classes', () => {
  assert.throws(() => vision.models.resnet18({ stem: 'tiny' as 'cifar' }), TypeError);
  assert.throws(() => vision.models.resnet18({ weights: 'IMAGENET1K_V1', numClasses: 10 }), /expected value 1000/);
  assert.throws(() => new vision.models.BasicBlock(64, 64, { groups: 2 }), /BasicBlock only supports groups=1/);
});
