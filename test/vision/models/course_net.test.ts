// The course's residual network (its PyTorch twin lives in scripts/goldens/nn.py; initial weights
// and training steps are compared in resnet.test.ts and training_step.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch, vision } from '../../../src/index.js';

test('structure: stem, five ResidualBlocks with Dropout2d(0.2), pooling, linear head', () => {
  const model = vision.models.courseNet();
  assert.deepEqual(model.namedChildren().map(([k]) => k), ['stem', 'blocks', 'pool', 'fc']);
  const blocks = [...model.blocks] as vision.models.ResidualBlock[];
  assert.equal(blocks.length, 5);
  assert.ok(blocks.every((b) => b.dropout instanceof nn.Dropout2d && b.dropout.p === 0.2));
  assert.deepEqual(blocks.map((b) => b.shortcut.length), [0, 2, 0, 2, 0], 'projections where the shape changes');
  assert.equal(model.numParameters(), 678_058);
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
