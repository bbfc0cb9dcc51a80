// Pretrained weights and the notebook's transfer variant. torchvision's real ImageNet files are
// 45+ MB and cannot be downloaded here, so the fixture is a complete torchvision resnet18 state dict
// saved by torch.save whose tensors are stride-0 views of small storages (~120 KB): same keys,
// shapes and file format, exercising the strided-view path of the .pth reader.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { torch, vision } from '../../../src/index.js';
import { assertDigestClose, digest } from '../../digest.js';
import { assertClose } from '../../helpers.js';
import { golden } from '../../nn_golden.js';

const fixture = (name: string) => fileURLToPath(new URL(`../../../../test/fixtures/${name}`, import.meta.url));
const weights = fixture('nn_resnet18_strided.pth');
const home = mkdtempSync(join(tmpdir(), 'smoothlab-torch-home-'));
let threads = 1;
let torchHome: string | undefined;
before(() => {
  threads = torch.getNumThreads();
  torch.setNumThreads(golden.threads);
  torchHome = process.env.TORCH_HOME;
  process.env.TORCH_HOME = home;
});
after(() => {
  torch.setNumThreads(threads);
  if (torchHome === undefined) delete process.env.TORCH_HOME;
  else process.env.TORCH_HOME = torchHome;
  rmSync(home, { recursive: true, force: true });
});

test('resnet18({ weights: file.pth }) loads every tensor of a torch.save checkpoint bit for bit', () => {
  const model = vision.models.resnet18({ weights });
  torch.tidy(() => {
    const sd = model.stateDict();
    assert.deepEqual(Object.keys(sd), Object.keys(golden.strided.digests));
    for (const [key, expected] of Object.entries(golden.strided.digests)) {
      assert.equal(digest(sd[key].to('float32')).sha256, expected.sha256, key);
    }
  });
  model.dispose();
});

test('transferResnet: pretrained backbone, head Linear(512, 128) -> ReLU -> Linear(128, 10), logits as in PyTorch', () => {
  const t = golden.strided.transfer;
  torch.manualSeed(t.modelSeed);
  const model = vision.models.transferResnet({ weights, numClasses: 10 });
  assert.deepEqual(model.namedParameters().slice(-4).map(([k]) => k), ['fc.0.weight', 'fc.0.bias', 'fc.2.weight', 'fc.2.bias']);
  assert.equal(model.numParameters(), 11_176_512 + 512 * 128 + 128 + 128 * 10 + 10);
  torch.tidy(() => {
    const head = model.fc.stateDict();
    for (const [key, expected] of Object.entries(t.head)) {
      assert.equal(digest(head[key]).sha256, expected.sha256, `head ${key}: same seed, same construction order, same weights`);
    }
    model.eval();
    torch.manualSeed(t.inputSeed);
    const logits = torch.noGrad(() => model.call(torch.randn([2, 3, 32, 32])));
    assertClose(logits, t.logits, { rtol: 1e-4, atol: 1e-5, what: 'transfer logits' });
  });
  model.dispose();
  const frozen = vision.models.transferResnet({ weights, freezeBackbone: true });
  assert.equal(frozen.numParameters({ trainableOnly: true }), 512 * 128 + 128 + 128 * 10 + 10);
  frozen.dispose();
});

test('named weights come from torchvision\'s cache folder; their absence is explained, never downloaded', () => {
  const expected = join(home, 'hub', 'checkpoints', 'resnet18-f37072fd.pth');
  const live = torch.memory().tensors;
  assert.throws(() => vision.models.resnet18({ weights: 'IMAGENET1K_V1' }),
    (e: Error) => e.message.includes(`expected ${expected}`) && e.message.includes('smoothlab does not download weights'));
  assert.throws(() => vision.models.transferResnet(), /resnet18 IMAGENET1K_V1 weights are not on this machine/);
  assert.throws(() => vision.models.resnet18({ weights: 'IMAGENET1K_V9' }), /unknown weights 'IMAGENET1K_V9'; known: IMAGENET1K_V1/);
  assert.equal(torch.memory().tensors, live, 'failed constructions released their tensors');
  mkdirSync(join(home, 'hub', 'checkpoints'), { recursive: true });
  copyFileSync(weights, expected);
  const model = vision.models.resnet18({ weights: 'DEFAULT' });
  torch.tidy(() => assert.equal(digest(model.stateDict()['fc.bias']).sha256, golden.strided.digests['fc.bias'].sha256));
  model.dispose();
});

test('a missing file, a foreign file, or a checkpoint of another model: errors name the file', () => {
  const live = torch.memory().tensors;
  assert.throws(() => vision.models.resnet18({ weights: '/no/such/resnet18.pth' }), /weights file \/no\/such\/resnet18.pth does not exist/);
  assert.throws(() => vision.models.resnet18({ weights: fixture('nn.json') }), /nn.json is neither a safetensors file nor a PyTorch .pth/);
  const other = fixture('nn_checkpoint.pth');
  assert.throws(() => vision.models.resnet34({ weights: other }),
    (e: Error) => e.message.startsWith(`loading ${other} into resnet34: Error(s) in loading state_dict for ResNet:`) && /Missing key\(s\)/.test(e.message));
  assert.throws(() => vision.models.resnet50({ weights }), /size mismatch for layer1.0.conv1.weight/);
  assert.equal(torch.memory().tensors, live, 'failed loads released their tensors');
});
