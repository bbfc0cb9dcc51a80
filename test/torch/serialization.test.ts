// torch.save / torch.load in the safetensors format: round trip, atomic writes, clear errors, and
// (when Debian's python3-torch is present) a plain-Python reader accepting our files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-st-'));

test('save/load round-trips every dtype and metadata', () => torch.tidy(() => {
  const record: Record<string, torch.Tensor> = {};
  for (const dtype of torch.DTYPES) record[`t_${dtype}`] = torch.tensor([0, 1, 2, 3, 4, 5], { dtype, shape: [2, 3] });
  record.scalar = torch.tensor(2.5);
  const path = join(dir, 'all.safetensors');
  torch.save(path, record, { format: 'pt' });
  const back = torch.load(path);
  assert.deepEqual(Object.keys(back).sort(), Object.keys(record).sort());
  for (const [k, t] of Object.entries(record)) {
    assert.equal(back[k].dtype, t.dtype, k);
    assert.deepEqual(back[k].shape, t.shape, k);
    assert.deepEqual(Buffer.from(back[k].toBuffer()), Buffer.from(t.toBuffer()), k);
  }
  assert.deepEqual({ ...torch.loadMetadata(path) }, { format: 'pt' });  // a null-prototype record
  // A plain header parse: 8-byte length, JSON, data aligned to 8 bytes.
  const file = readFileSync(path);
  const n = Number(file.readBigUInt64LE(0));
  assert.equal((8 + n) % 8, 0);
  assert.deepEqual(JSON.parse(file.subarray(8, 8 + n).toString()).t_float32, { dtype: 'F32', shape: [2, 3], data_offsets: [JSON.parse(file.subarray(8, 8 + n).toString()).t_float32.data_offsets[0], JSON.parse(file.subarray(8, 8 + n).toString()).t_float32.data_offsets[0] + 24] });
}));

test('a failed save leaves neither the target nor a temporary file', () => {
  const path = join(dir, 'bad.safetensors');
  const t = torch.zeros([2]);
  t.dispose();
  assert.throws(() => torch.save(path, { t }), torch.DisposedTensorError);
  assert.throws(() => torch.save(join(dir, 'missing-folder', 'x.safetensors'), { a: torch.tidy(() => torch.keep(torch.zeros([1]))) }), /ENOENT/);
  assert.equal(existsSync(path), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), []);
});

test('corrupt files give errors that name the file', () => {
  const short = join(dir, 'short.safetensors');
  writeFileSync(short, Buffer.from([1, 2, 3]));
  assert.throws(() => torch.load(short), new RegExp(`${short} is not a valid safetensors file: only 3 bytes`));
  const truncated = join(dir, 'truncated.safetensors');
  torch.tidy(() => torch.save(truncated, { w: torch.zeros([100]) }));
  writeFileSync(truncated, readFileSync(truncated).subarray(0, 200));
  const before = torch.memory().tensors;
  assert.throws(() => torch.load(truncated), /truncated\.safetensors is not a valid safetensors file: the tensors need 400 bytes of data, the file holds \d+ \(truncated\?\)/);
  assert.equal(torch.memory().tensors, before);
  assert.throws(() => torch.load(join(dir, 'nope.safetensors')), /ENOENT.*nope\.safetensors/);
});

const python = '/usr/bin/python3';
const hasTorch = existsSync(python) && spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

test('PyTorch reads our files (plain header parse + torch.frombuffer)', { skip: hasTorch ? false : 'needs /usr/bin/python3 with torch' }, () => {
  const path = join(dir, 'for-python.safetensors');
  torch.tidy(() => {
    torch.manualSeed(5);
    torch.save(path, { w: torch.randn([3, 4]), n: torch.arange(6), h: torch.ones([2], { dtype: 'bfloat16' }) });
  });
  const script = `
import json, struct, sys, torch
raw = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', raw[:8])[0]
header = json.loads(raw[8:8 + n])
types = {'F32': torch.float32, 'I64': torch.int64, 'BF16': torch.bfloat16}
out = {}
for name, e in header.items():
    b, end = e['data_offsets']
    t = torch.frombuffer(bytearray(raw[8 + n + b: 8 + n + end]), dtype=types[e['dtype']]).reshape(e['shape'])
    out[name] = t.float().sum().item()
torch.manual_seed(5)
out['expected_w'] = torch.randn(3, 4).sum().item()
print(json.dumps(out))`;
  const run = spawnSync(python, ['-c', script, path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const sums = JSON.parse(run.stdout);
  assert.equal(sums.w, sums.expected_w);
  assert.equal(sums.n, 15);
  assert.equal(sums.h, 2);
});
