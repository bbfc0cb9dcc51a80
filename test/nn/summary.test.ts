// summary() against torchinfo 1.8.0 (tables printed by scripts/goldens/nn.py from PyTorch models):
// same rows, output shapes, kernel sizes, parameter counts, mult-adds and memory estimates,
// character for character.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch, vision } from '../../src/index.js';
import { fixture } from '../helpers.js';
import { CourseNet as SharedReluNet } from './shared_relu_net.js';

const tables = fixture<Record<string, string>>('nn_summary.json');

function assertSameText(actual: string, expected: string): void {
  const a = actual.split('\n');
  const e = expected.split('\n');
  for (let i = 0; i < Math.max(a.length, e.length); i++) assert.equal(a[i], e[i], `line ${i + 1}`);
}

test('summary(resnet18({ numClasses: 10 }), [256, 3, 32, 32]): 11,181,642 parameters and torchinfo\'s table', () => {
  const model = vision.models.resnet18({ numClasses: 10 });
  const before = torch.memory().tensors;
  const s = nn.summary(model, [256, 3, 32, 32]);
  assert.equal(torch.memory().tensors, before, 'the summary pass released its tensors');
  assert.equal(s.totalParams, 11_181_642);
  assert.equal(s.trainableParams, 11_181_642);
  assert.equal(s.nonTrainableParams, 0);
  const fc = s.layers.find((l) => l.varName === 'fc');
  assert.deepEqual(fc && [fc.className, fc.depth, fc.outputShape, fc.numParams], ['Linear', 1, [256, 10], 5130]);
  const conv1 = s.layers[1];
  assert.deepEqual([conv1.varName, conv1.kernelSize, conv1.outputShape, conv1.multAdds], ['conv1', [7, 7], [256, 64, 16, 16], 616_562_688]);
  assertSameText(String(s), tables.resnet18_smoothlab_defaults);
  assertSameText(String(nn.summary(model, [256, 3, 32, 32], { columns: ['outputSize', 'numParams'], rowSettings: ['depth'] })),
    tables.resnet18_torchinfo_defaults);
  model.dispose();
});

test('every column, deeper rows, and a shared ReLU\'s rows match torchinfo', () => {
  const model = new SharedReluNet();
  const columns: nn.SummaryColumn[] = ['inputSize', 'outputSize', 'numParams', 'paramsPercent', 'kernelSize', 'multAdds', 'trainable'];
  assertSameText(String(nn.summary(model, [2, 3, 32, 32], { depth: 4, columns, rowSettings: ['depth'] })), tables.shared_relu_net_all_columns);
  model.dispose();
});

test('frozen layers: trainable counts, "(...)" for frozen rows and the Trainable column match torchinfo', () => {
  const model = vision.models.resnet18({ numClasses: 10 });
  for (const layer of [model.layer1, model.layer2, model.layer3, model.layer4]) layer.requiresGrad_(false);
  const s = nn.summary(model, [4, 3, 32, 32], { depth: 1, columns: ['numParams', 'trainable', 'multAdds'], rowSettings: ['depth'] });
  assert.equal(s.trainableParams, 9408 + 128 + 5130);
  assertSameText(String(s), tables.resnet18_frozen_depth1);
  model.dispose();
});

test('summary runs in eval mode without gradients and restores each module\'s mode and hooks', () => {
  const model = vision.models.resnet18({ numClasses: 10, stem: 'cifar' });
  model.train();
  model.layer1.eval();
  const s = nn.summary(model, [2, 3, 32, 32]);
  assert.ok(model.training && !model.layer1.training && model.layer2.training);
  assert.ok(model.bn1.num_batches_tracked?.item() === 0, 'running statistics untouched (eval mode)');
  const rows = s.layers.length;
  assert.equal(nn.summary(model, [2, 3, 32, 32]).layers.length, rows, 'no hooks left behind');
  assert.equal(s.layers.find((l) => l.varName === 'maxpool')?.className, 'Identity');
  assert.throws(() => nn.summary(model, [2, 0, 32]), TypeError);
  model.dispose();
});
