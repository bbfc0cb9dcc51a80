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
  const record = torch.loadPth(path('nn_checkpoint.pth'));
  assertCheckpoint(record);
  assert.ok(record.transposed.isContiguous(), 'views are materialized densely');
  torch.dispose(record);
  assert.equal(torch.memory().tensors, before);
});

test('a re-zipped (deflated) checkpoint reads the same', () => {
  const value = torch.readPth(new Uint8Array(Buffer.from(golden.checkpoint.deflated, 'base64')), 'deflated.pth') as Map<string, torch.Tensor>;
  const record = Object.fromEntries(value);
  assertCheckpoint(record);
  torch.dispose(record);
});

test('a wrapped checkpoint needs { key }, and the error lists what it found', () => {
  const before = torch.memory().tensors;
  assert.throws(() => torch.loadPth(path('nn_checkpoint_wrapped.pth')),
    /nn_checkpoint_wrapped.pth does not hold a state dict \(a dict of tensors\): found epoch, state_dict; pass \{ key \}/);
  assert.equal(torch.memory().tensors, before, 'nothing leaked from the failed load');
  const record = torch.loadPth(path('nn_checkpoint_wrapped.pth'), { key: 'state_dict' });
  assertCheckpoint(record);
  torch.dispose(record);
  assert.throws(() => torch.loadPth(path('nn_checkpoint_wrapped.pth'), { key: 'model' }), /no entry 'model'/);
  assert.equal(torch.memory().tensors, before);
});

test('refuses a pickled nn.Module (code) and the legacy format, naming the file', () => {
  const before = torch.memory().tensors;
  assert.throws(() => torch.loadPth(path('nn_full_model.pth')),
    (e: Error) => e.message.includes('nn_full_model.pth') && /refusing to load global 'torch\.nn\.modules\.linear\.Linear'/.test(e.message));
  assert.throws(() => torch.loadPth(path('nn_legacy.pth')), /nn_legacy.pth uses torch.save's legacy \(pre-1.6\) format/);
  assert.equal(torch.memory().tensors, before);
});

test('corrupt archives fail with the archive named', () => {
  const bytes = new Uint8Array(readFileSync(path('nn_checkpoint.pth')));
  assert.throws(() => torch.readPth(bytes.subarray(0, bytes.length - 30), 'cut.pth'), /cut.pth is not a valid zip archive: no end-of-central-directory record/);
  assert.throws(() => torch.readPth(new TextEncoder().encode('hello'), 'hello.txt'), /hello.txt is not a PyTorch zip checkpoint/);
  const zip = new utils.ZipArchive(bytes, 'nn_checkpoint.pth');
  assert.ok([...zip.entries.keys()].some((k) => k.endsWith('/data.pkl')));
  assert.throws(() => zip.read('missing'), /no entry 'missing'/);
});

test('an expanded (stride-0) tensor loads as a view of its small storage, not as a dense copy', () => {
  const before = process.memoryUsage().rss;
  const counted = torch.memory().bytes;
  const record = torch.load(path('pth_expanded.pth'));
  assert.ok(torch.memory().bytes - counted < 1024, 'torch.memory() counts the storage a view holds, not its 3.2 GB extent');
  assert.deepEqual(record.huge.shape, [20000, 20000]);
  assert.equal(record.huge.isContiguous(), false, 'a view, as torch.load gives');
  assert.ok(process.memoryUsage().rss - before < 200e6, `no 3.2 GB copy (rss grew ${(process.memoryUsage().rss - before) / 1e6} MB)`);
  torch.tidy(() => assert.deepEqual(Array.from(record.huge.select(0, 19999).narrow(0, 19990, 10).toTypedArray() as Float32Array), new Array(10).fill(0.25)));
  assert.deepEqual(Array.from(record.columns.contiguous().toTypedArray() as Float32Array), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2]);
  torch.dispose(record);
});

test('storages at offsets that are not 4-byte aligned (a checkpoint re-zipped by Python) load', () => {
  const record = torch.load(path('pth_unaligned.pth'));
  assert.deepEqual(Array.from(record.transposed.contiguous().toTypedArray() as Float32Array), [0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11]);
  assert.deepEqual(Array.from(record.half.toTypedArray() as Float32Array), [1.5, -2, 3.25]);
  assert.deepEqual(Array.from(record.long.toTypedArray() as BigInt64Array), [7n, -8n, 2n ** 40n]);
  torch.dispose(record);
});

test('torch.load reads .pth state dicts (as weights_only=True) and picks a wrapped one with { key }', () => {
  const record = torch.load(path('nn_checkpoint.pth'));
  assertCheckpoint(record);
  torch.dispose(record);
  const wrapped = torch.load(path('nn_checkpoint_wrapped.pth'), { key: 'state_dict' });
  assertCheckpoint(wrapped);
  torch.dispose(wrapped);
  assert.throws(() => torch.load(path('nn_full_model.pth')), /nn_full_model\.pth.*refusing to load global/);
});
