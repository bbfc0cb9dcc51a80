// loadStateDictFile: one entry point for safetensors and .pth weights, recognized by content, with
// errors that name the file.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { nn, torch } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-weights-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (name: string) => fileURLToPath(new URL(`../../../test/fixtures/${name}`, import.meta.url));

test('reads safetensors and .pth files whatever their names', () => {
  const file = join(dir, 'weights.pth');
  const lin = new nn.Linear(3, 2);
  torch.tidy(() => torch.save(file, lin.stateDict()));
  const fromSafetensors = nn.loadStateDictFile(file);
  assert.deepEqual(Object.keys(fromSafetensors), ['weight', 'bias']);
  assert.ok(fromSafetensors.weight.allclose(lin.weight));
  const fromPth = nn.loadStateDictFile(fixture('nn_checkpoint.pth'));
  assert.equal(fromPth['bn.num_batches_tracked'].item(), 17);
  torch.dispose([fromSafetensors, fromPth]);
  lin.dispose();
});

test('a missing, empty, or foreign file gives an error naming it', () => {
  const missing = join(dir, 'nope.pth');
  assert.throws(() => nn.loadStateDictFile(missing), new RegExp(`weights file ${missing} does not exist`));
  const text = join(dir, 'notes.pth');
  writeFileSync(text, 'these are not weights');
  assert.throws(() => nn.loadStateDictFile(text), new RegExp(`${text} is neither a safetensors file nor a PyTorch .pth \\(zip\\) checkpoint \\(it starts with bytes 74 68 65 73`));
  const empty = join(dir, 'empty.safetensors');
  writeFileSync(empty, '');
  assert.throws(() => nn.loadStateDictFile(empty), /empty.safetensors is neither .* it is empty/);
  assert.throws(() => nn.loadStateDictFile(dir), /is not a regular file/);
});
