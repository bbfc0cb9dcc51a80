// --pretrained FILE and --freeze-backbone: the notebook's transfer variant. Saved weights load
// into every layer but a head of another shape (replaced), a file that does not fit is refused by
// key, and freezing leaves only the head to train.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch, vision } from '../../src/index.js';
import { buildModel, freezeBackbone, loadPretrained } from '../../src/study/model.js';
import { PRESETS } from '../../src/study/presets.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-pretrained-'));

test('pretrained weights load everywhere but into a head of another shape; freezing leaves the head', () => {
  torch.manualSeed(1);
  const source = vision.models.courseNet({ numClasses: 100 });
  const file = join(dir, 'course100.safetensors');
  torch.tidy(() => torch.save(file, source.stateDict()));
  torch.manualSeed(2);
  const model = buildModel({ ...PRESETS.quick, name: 'x', out: dir, model: 'coursenet', pretrained: file }, 10, 3);
  torch.tidy(() => {
    const [a, b] = [source.stateDict(), model.stateDict()];
    assert.ok(a['9.oConv2D1.weight'].allclose(b['9.oConv2D1.weight'], { rtol: 0, atol: 0 }), 'a backbone weight is the file\'s');
    assert.deepEqual(b['21.weight'].shape, [10, 128], 'the 10-class head is new');
  });
  const trainable = freezeBackbone(model);
  assert.deepEqual(trainable, model.fc.parameters());
  assert.equal(model.numParameters({ trainableOnly: true }), 1290);
  model.dispose();
  source.dispose();
});

test('a file that does not fit the model is refused, naming the keys', () => {
  const file = join(dir, 'resnet.safetensors');
  const other = vision.models.resnet18({ numClasses: 10 });
  torch.tidy(() => torch.save(file, other.stateDict()));
  other.dispose();
  const model = vision.models.courseNet();
  assert.throws(() => loadPretrained(model, file), /pretrained .*resnet\.safetensors does not fit the CourseNet: 0\.weight is missing; .* \(and \d+ more\)/);
  model.dispose();
});
