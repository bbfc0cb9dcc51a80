// The course notebook's BuildModel(128) (its PyTorch twin lives in scripts/goldens/nn.py; initial
// weights and training steps are compared in resnet.test.ts and training_step.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch, vision } from '../../../src/index.js';

test('structure: BuildModel(128) layer by layer, the notebook\'s keys, 1,629,834 parameters', () => {
  const model = vision.models.courseNet();
  const kinds = model.children().map((m) => m.constructor.name);
  assert.deepEqual(kinds, [
    'Conv2d', 'BatchNorm2d', 'ReLU', 'Dropout2d', 'Conv2d', 'BatchNorm2d', 'ReLU', 'MaxPool2d', 'Dropout2d',
    ...Array.from({ length: 5 }, () => ['ResidualBlock', 'Dropout2d']).flat(),
    'AdaptiveAvgPool2d', 'Flatten', 'Linear',
  ]);
  assert.ok(model.children().filter((m) => m instanceof nn.Dropout2d).every((d) => (d as nn.Dropout2d).p === 0.2));
  assert.equal(model.numParameters(), 1_629_834);
  const keys = Object.keys(torch.tidy(() => model.stateDict()));
  assert.ok(keys.includes('9.oConv2D1.weight') && keys.includes('17.oBatchNorm2.running_var') && keys.includes('21.bias'));
  assert.ok(!keys.some((k) => k.startsWith('0.bias') || k.startsWith('4.bias')), 'convs without bias');
  assert.equal(model.fc, model.at(21));
  model.dispose();
});

test('InitWeightsKaiNorm: kaiming_normal_ (fan_in, gain sqrt 2) on conv and linear weights, biases as constructed', () => {
  torch.manualSeed(0);
  const model = vision.models.courseNet();
  torch.tidy(() => {
    const w = model.at(4) as nn.Conv2d;
    const std = w.weight.std().item();
    const expected = Math.sqrt(2 / (128 * 9));
    assert.ok(Math.abs(std - expected) / expected < 0.02, `conv std ${std} vs ${expected}`);
    const fcStd = model.fc.weight.std().item();
    assert.ok(Math.abs(fcStd - Math.sqrt(2 / 128)) / Math.sqrt(2 / 128) < 0.1, `fc std ${fcStd}`);
    assert.ok(model.fc.bias!.abs().max().item() <= 1 / Math.sqrt(128), 'the bias keeps Linear\'s default U(-1/sqrt(fan_in), 1/sqrt(fan_in))');
  });
  model.dispose();
});

test('forward: logits for any input size, 128 penultimate features; dropout only while training', () => {
  const model = vision.models.courseNet({ numClasses: 7, inChannels: 1 });
  torch.tidy(() => {
    const x = torch.randn([3, 1, 28, 28]);
    assert.deepEqual(model.call(x).shape, [3, 7]);
    assert.deepEqual(model.features(x).shape, [3, 128]);
    model.eval();
    assert.ok(model.call(x).allclose(model.call(x), { rtol: 0, atol: 0 }));
    model.train();
    torch.manualSeed(1);
    const a = model.call(x);
    torch.manualSeed(2);
    assert.ok(!a.allclose(model.call(x)), 'Dropout2d draws differ between seeds in train mode');
  });
  model.dispose();
});
