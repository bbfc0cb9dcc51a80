// Safe in its run folder: one study at a time (the other's pid named, a stale lock taken over), a
// start that fails early leaves nothing behind, unusable folders and names are refused, damaged
// files are named. None of these trains a model.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkSameShape } from '../../src/study/data.js';
import { readFinishedRun } from '../../src/study/finished_run.js';
import { LOCK_FILE, RunFolderBusyError, lockRunFolder } from '../../src/study/lock.js';
import { checkRunFolder } from '../../src/study/run_folder.js';
import { PRESETS } from '../../src/study/presets.js';
import { cudaAvailable } from '../../src/torch/runtime.js';
import { ImageArrayDataset } from '../../src/vision/datasets/array.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const study = (...args: string[]) => spawnSync(process.execPath, [main, 'study', '--quiet', ...args], { encoding: 'utf8' });
const tmp = (name: string) => mkdtempSync(join(tmpdir(), `smoothlab-folder-${name}-`));

// A process that stays alive until killed, and its lock record.
function sleeper() {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  return child;
}
function lockOf(pid: number, host = hostname()) {
  return `${JSON.stringify({ pid, host, start: null, since: '2024-01-01T00:00:00.000Z' })}\n`;
}

test('a second study on a busy --out is refused with the other process\'s pid; nothing of it is written', async () => {
  const dir = tmp('busy');
  const other = sleeper();
  try {
    writeFileSync(join(dir, LOCK_FILE), lockOf(other.pid!));
    const r = study('--out', dir, '--train-limit', '64', '--val-limit', '32', '--epochs', '1');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`is in use by another study \\(process ${other.pid} on `));
    assert.deepEqual(readdirSync(dir), [LOCK_FILE], 'the other study\'s lock is untouched, no config.json');
    assert.throws(() => lockRunFolder(dir), RunFolderBusyError);
  } finally {
    other.kill('SIGKILL');
  }
});

test('a stale lock (its process gone) is taken over, and released after', () => {
  const dir = tmp('stale');
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(dir, LOCK_FILE), lockOf(Number(gone.stdout)));
  const lock = lockRunFolder(dir);
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
  assert.equal(lock.createdFolder, false);
  lock.release();
  assert.equal(existsSync(lock.path), false);
  writeFileSync(join(dir, LOCK_FILE), '{"pid":'); // torn by a crash mid-write
  lockRunFolder(dir).release();
  writeFileSync(join(dir, LOCK_FILE), lockOf(process.pid, 'elsewhere'));
  assert.throws(() => lockRunFolder(dir), /locked by process \d+ on another host \(elsewhere\); if no study runs there, delete/);
});

test('a start that fails before training (missing data) leaves nothing that blocks the corrected command', () => {
  const parent = tmp('failed');
  const out = join(parent, 'new');
  const empty = tmp('nodata');
  const r = study('--dataset', 'cifar10', '--no-download', '--data-root', empty, '--out', out, '--device', 'cpu');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /CIFAR10: no complete copy in/);
  assert.equal(existsSync(out), false, 'the folder this start created is gone again');
  mkdirSync(out);
  const again = study('--dataset', 'cifar10', '--no-download', '--data-root', empty, '--out', out, '--device', 'cpu');
  assert.equal(again.status, 1);
  assert.deepEqual(readdirSync(out), [], 'an existing folder keeps nothing either: no config.json, no lock');
});

test('a folder whose config.json has no trained run accepts another configuration; one with trained runs does not', () => {
  const out = tmp('config');
  const config = { ...PRESETS.quick, name: 'x', out };
  writeFileSync(join(out, 'config.json'), JSON.stringify({ config: { ...config, epochs: 7 } }));
  checkRunFolder(config);
  mkdirSync(join(out, 'runs', 'eps0-seed0'), { recursive: true });
  writeFileSync(join(out, 'runs', 'eps0-seed0', 'last.safetensors'), '');
  assert.throws(() => checkRunFolder(config), /holds a study with another configuration/);
  writeFileSync(join(out, 'config.json'), '{"config": ');
  assert.throws(() => checkRunFolder(config), /config\.json is not valid JSON .*; delete the run folder to start over/);
});

test('--device cuda without CUDA fails before anything is written', { skip: cudaAvailable() && 'this machine has CUDA' }, () => {
  const out = join(tmp('cuda'), 'run');
  const r = study('--device', 'cuda', '--out', out);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /device cuda: (this smoothlab was built against a CPU-only libtorch|no CUDA device can be used here)/);
  assert.equal(existsSync(out), false);
});

test('a folder that cannot be written is reported as read-only', { skip: !existsSync('/sys/kernel') && 'no /sys' }, () => {
  const r = study('--out', '/sys/kernel/smoothlab-run', '--device', 'cpu');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\/sys\/kernel\/smoothlab-run is (on a read-only file system|read-only for this user)/);
});

test('train and test images of different sizes are refused', () => {
  const make = (h: number, classes = ['a', 'b']) => new ImageArrayDataset({ images: new Uint8Array(4 * h * h), labels: new Uint8Array(4), height: h, width: h, channels: 1, classes });
  checkSameShape(make(2), make(2));
  assert.throws(() => checkSameShape(make(2), make(3)), /the training images are 2x2x1 but the test images 3x3x1/);
  assert.throws(() => checkSameShape(make(2), make(2, ['a', 'b', 'c'])), /the training split has 2 classes .* but the test split 3/);
});

test('a damaged evaluation.json names the file and the remedy', () => {
  const dir = tmp('evaluation');
  const path = join(dir, 'evaluation.json');
  writeFileSync(path, '{"history": {');
  assert.throws(() => readFinishedRun(path), (e: Error) => e.message.startsWith(`${path} is not valid JSON`) && /delete it and run the same command again/.test(e.message));
  writeFileSync(path, '{"history": {"trainLoss": []}}');
  assert.throws(() => readFinishedRun(path), new RegExp(`${path.replace(/[.\\/]/g, '\\$&')} is damaged \\(history\\.valLoss is not a list\\)`));
});
