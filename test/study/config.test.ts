// One schema for the config: every field is validated, has a flag and a --help line, and a flag
// sets its field; the seed preset is the notebook's recipe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STUDY_HELP, configFromFlags, validateFlags } from '../../src/cli/study_command.js';
import { ConfigError, seedList, validateConfig } from '../../src/study/config.js';
import { resolveDevice, studyDevice } from '../../src/study/device.js';
import { PRESETS, seedPreset } from '../../src/study/presets.js';
import { schemaFields } from '../../src/study/schema.js';
import { cudaAvailable } from '../../src/torch/runtime.js';

test('every schema field has its flag in --help and a flag sets exactly that field', () => {
  for (const [key, spec] of schemaFields()) {
    assert.match(STUDY_HELP, new RegExp(`--(\\[no-\\])?${spec.flag}\\b`), `${key}: --${spec.flag} in the help`);
  }
  const values = {
    lr: 2e-3, betas: [0.8, 0.9], 'weight-decay': 0.05, seed: 512, seeds: 2, pretrained: 'w.pth', 'freeze-backbone': true,
    'drop-last': true, 'data-url': 'https://mirror.example/cifar.tar.gz', 'data-md5': 'c58f30108f718f92721af3b95e74349a', dataset: 'cifar10',
  };
  const config = configFromFlags(values);
  assert.deepEqual([config.lr, config.betas, config.weightDecay, config.seed, config.seeds, config.pretrained, config.freezeBackbone, config.dropLast, config.dataUrl, config.dataMd5],
    [2e-3, [0.8, 0.9], 0.05, 512, 2, 'w.pth', true, true, 'https://mirror.example/cifar.tar.gz', 'c58f30108f718f92721af3b95e74349a']);
  assert.deepEqual(seedList(config), [512, 513]);
  validateConfig(config);
});

test('validation names the field (the CLI: the flag) for every kind of mistake', async () => {
  const base = { ...PRESETS.quick, name: 'x', out: 'runs/x' };
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ epochs: 0 }, /^epochs must be >= 1, got 0$/],
    [{ model: 'vgg' }, /^model must be one of resnet18, resnet34, coursenet, got "vgg"$/],
    [{ betas: [0.9, 1] }, /^betas must be in \[0, 1\), got 1$/],
    [{ download: 'yes' }, /^download must be true or false/],
    [{ name: '..' }, /^name must not be only dots/],
    [{ epsilons: [] }, /^epsilons must list at least one value/],
    [{ dataset: undefined }, /^dataset is required/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => validateConfig({ ...base, ...change } as never), (e: unknown) => e instanceof ConfigError && message.test(e.message), JSON.stringify(change));
  }
  await assert.rejects(validateFlags({ ...base, weightDecay: -1 }), /--weight-decay must be >= 0, got -1/);
});

test('the seed preset is the notebook: seed 512, drop-last (195 steps per CIFAR epoch), device auto', () => {
  assert.equal(seedPreset.seed, 512);
  assert.equal(seedPreset.dropLast, true);
  assert.equal(Math.floor(50_000 / seedPreset.batchSize), 195);
  assert.equal(seedPreset.device, 'auto');
  assert.equal(seedPreset.schedule, 'epoch');
  assert.equal(resolveDevice('auto'), cudaAvailable() ? 'cuda:0' : 'cpu');
  assert.equal(resolveDevice('cpu'), 'cpu');
  assert.throws(() => resolveDevice('tpu'), /device must be 'auto', 'cpu', 'cuda' or 'cuda:N'/);
});

test("a data-parallel study's 'auto' device is the CPU, on any machine (its ranks reduce over Gloo)", () => {
  assert.equal(studyDevice({ device: 'auto', nprocPerNode: 2 }), 'cpu');
  assert.equal(studyDevice({ device: 'auto', nprocPerNode: 1 }), 'cpu');
  assert.equal(studyDevice({ device: 'auto' }), resolveDevice('auto'));
  const dp = { ...seedPreset, name: 'dp', out: 'runs/dp', nprocPerNode: 2 };
  assert.equal(validateConfig(dp).device, 'auto');
  assert.throws(() => validateConfig({ ...dp, device: 'cuda:0' }), (e: unknown) => e instanceof ConfigError && e.field === 'device' && e.mentions.includes('nprocPerNode'));
});
