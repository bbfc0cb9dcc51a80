// Temporaries beside a target, and the sweep of those a killed process left behind.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/utils/atomic_write.js';
import { removeStaleTemporaries, temporaryPath } from '../../src/utils/temporary.js';

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-temporary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// The pid of a process that has exited (reuse within the test's lifetime is vanishingly unlikely).
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

test('temporaryPath: a hidden name beside the target, unique, carrying this pid', () => {
  const a = temporaryPath('/data/run/last.safetensors');
  assert.equal(dirname(a), '/data/run');
  assert.match(basename(a), new RegExp(`^\\.last\\.safetensors\\.${process.pid}-[0-9a-f]{8}\\.tmp$`));
  assert.notEqual(a, temporaryPath('/data/run/last.safetensors'));
  assert.match(temporaryPath('/r/cifar', 'extract'), /\.extract$/);
});

test('removeStaleTemporaries removes only the temporaries of this target whose writer is gone', (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'last.safetensors');
  const dead = deadPid();
  writeFileSync(target, 'kept');
  writeFileSync(join(dir, `.last.safetensors.${dead}-0badc0de.tmp`), 'stale');
  mkdirSync(join(dir, `.last.safetensors.${dead}-0badf00d.extract`));
  writeFileSync(join(dir, `.last.safetensors.${dead}-0badf00d.extract`, 'inner'), 'stale');
  const mine = `.last.safetensors.${process.pid}-01234567.tmp`; // a live writer: this process
  const parent = `.last.safetensors.${process.ppid}-89abcdef.tmp`; // another live process
  const other = `.best.safetensors.${dead}-0badc0de.tmp`; // another target's
  for (const name of [mine, parent, other]) writeFileSync(join(dir, name), 'x');
  removeStaleTemporaries(target);
  assert.deepEqual(readdirSync(dir).sort(), [other, parent, mine, 'last.safetensors'].sort());
  removeStaleTemporaries(join(dir, 'missing', 'file')); // an absent folder is no error
});

test('writeFileAtomic sweeps what a killed writer of the same file left', (t) => {
  const dir = tempDir(t);
  const target = join(dir, 'history.json');
  const stale = `.history.json.${deadPid()}-0badc0de.tmp`;
  writeFileSync(join(dir, stale), 'half a file');
  writeFileAtomic(target, '{"ok":true}\n');
  assert.deepEqual(readdirSync(dir), ['history.json']);
  assert.equal(readFileSync(target, 'utf8'), '{"ok":true}\n');
});
