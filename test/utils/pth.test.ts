// PyTorch .pth checkpoints written by torch.save (PyTorch 1.13): every dtype, non-contiguous,
// offset and expanded views, deflated archives, wrapped state dicts, and clear refusals.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { torch, utils } from '../../src/index.js';
import { golden } from '../nn_golden.js';

const path = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

function assertCheckpoint(record: Record<string, torch.Tensor>): void {
  const expected = golden.checkpoint.expected;
  assert.deepEqual(Object.keys(record), Object.keys(expected));
  for (const [key, e] of Object.entries(expected)) {
    const t = record[key];
    assert.equal(t.dtype, e.dtype, `${key}: dtype`);
    assert.deepEqual(t.shape, e.shape, `${key}: shape`);
    const values = Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => (e.dtype === 'bool' ? v !== 0 : Number(v)));
    assert.deepEqual(values, e.data, `${key}: values`);
  }
}

test('loadPth reads every tensor of a torch.save checkpoint exactly: dtypes, transposed, offset and expanded views', () => {
  const before = torch.memory().tensors;
  const record = utils.loadPth(path('nn_checkpoint.pth'));
  assertCheckpoint(record);
  assert.ok(record.transposed.isContiguous(), 'views are materialized densely');
  torch.dispose(record);
  assert.equal(torch.memory().tensors, before);
});

test('a re-zipped (deflated) checkpoint reads the same', () => {
  const value = utils.readPth(new Uint8Array(Buffer.from(golden.checkpoint.deflated, 'base64')), 'deflated.pth') as Map<string, torch.Tensor>;
  const record = Object.fromEntries(value);
  assertCheckpoint(record);
  torch.dispose(record);
});

test('a wrapped checkpoint needs { key }, and the error lists what it found', () => {
  const before = torch.memory().tensors;
  assert.throws(() => utils.loadPth(path('nn_checkpoint_wrapped.pth')),
    /nn_checkpoint_wrapped.pth does not hold a state dict \(a dict of tensors\): found epoch, state_dict; pass \{ key \}/);
  assert.equal(torch.memory().tensors, before, 'nothing leaked from the failed load');
  const record = utils.loadPth(path('nn_checkpoint_wrapped.pth'), { key: 'state_dict' });
  assertCheckpoint(record);
  torch.dispose(record);
  assert.throws(() => utils.loadPth(path('nn_checkpoint_wrapped.pth'), { key: 'model' }), /no entry 'model'/);
  assert.equal(torch.memory().tensors, before);
});

test('refuses a pickled nn.Module (code) and the legacy format, naming the file', () => {
  const before = torch.memory().tensors;
  assert.throws(() => utils.loadPth(path('nn_full_model.pth')),
    (e: Error) => e.message.includes('nn_full_model.pth') && /refusing to load global 'torch\.nn\.modules\.linear\.Linear'/.test(e.message));
  assert.throws(() => utils.loadPth(path('nn_legacy.pth')), /nn_legacy.pth uses torch.save's legacy \(pre-1.6\) format/);
  assert.equal(torch.memory().tensors, before);
});

test('corrupt archives fail with the archive named', () => {
  const bytes = new Uint8Array(readFileSync(path('nn_checkpoint.pth')));
  assert.throws(() => utils.readPth(bytes.subarray(0, bytes.length - 30), 'cut.pth'), /cut.pth is not a valid zip archive: no end-of-central-directory record/);
  assert.throws(() => utils.readPth(new TextEncoder().encode('hello'), 'hello.txt'), /hello.txt is not a PyTorch zip checkpoint/);
  const zip = new utils.ZipArchive(bytes, 'nn_checkpoint.pth');
  assert.ok([...zip.entries.keys()].some((k) => k.endsWith('/data.pkl')));
  assert.throws(() => zip.read('missing'), /no entry 'missing'/);
});
