// `smoothlab study --dataset folder:PATH` on PNGs the test writes: the user's own images through
// the whole study, with PATH/train + PATH/test, and a folder of class folders split 80/20.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { folderSplits } from '../../src/study/folder_splits.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

const CLASSES = ['left', 'middle', 'right'];

// A 16x16 image of class `cls`: bright in its third of the width, dark elsewhere.
function writeImage(path: string, cls: string, k: number): void {
  const png = new PNG({ width: 16, height: 16 });
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) {
      const bright = Math.min(2, Math.floor((3 * x) / 16)) === CLASSES.indexOf(cls);
      const v = (bright ? 200 : 40) + ((k * 7 + x + y) % 20);
      png.data.set([v, v, 255 - v, 255], 4 * (16 * y + x));
    }
  }
  writeFileSync(path, PNG.sync.write(png));
}

function classFolders(root: string, perClass: number, classes = CLASSES): void {
  for (const cls of classes) {
    mkdirSync(join(root, cls), { recursive: true });
    for (let k = 0; k < perClass; k++) writeImage(join(root, cls, `${k}.png`), cls, k);
  }
}

test('a study on a folder of PNGs: train/ and test/ class folders through to the report', () => {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-folder-'));
  classFolders(join(root, 'images', 'train'), 12);
  classFolders(join(root, 'images', 'test'), 4);
  const out = join(root, 'run');
  const r = spawnSync(process.execPath, [main, 'study', '--dataset', `folder:${join(root, 'images')}`, '--name', 'mine', '--out', out,
    '--model', 'resnet18', '--stem', 'cifar', '--epochs', '1', '--batch-size', '8', '--epsilons', '0', '--workers', '1', '--train-limit', '0', '--val-limit', '0', '--quiet'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /folder:.*images \(36 train \/ 12 test images\)/);
  assert.ok(existsSync(join(out, 'report.html')));
  const data = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8'));
  assert.deepEqual(data.dataset.classNames, CLASSES);
  const history = JSON.parse(readFileSync(join(out, 'runs', 'eps0-seed0', 'history.json'), 'utf8'));
  assert.equal(history.lr.length, 5, '36 images in batches of 8');
});

test('a folder of class folders is split 80/20 within each class, the same way every time; a missing folder is named', () => {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-folder-'));
  classFolders(root, 10);
  const a = folderSplits(root);
  const b = folderSplits(root);
  assert.deepEqual([a.train.length, a.test.length], [24, 6]);
  assert.deepEqual(Array.from(a.test.labels), [0, 0, 1, 1, 2, 2], 'every class in both splits');
  assert.deepEqual([a.train.height, a.train.width, a.train.channels], [16, 16, 3]);
  assert.deepEqual(a.train.labels, b.train.labels);
  assert.deepEqual(a.test.images, b.test.images);
  assert.throws(() => folderSplits(join(root, 'nope')), /no such folder/);
  const two = mkdtempSync(join(tmpdir(), 'smoothlab-folder-'));
  classFolders(two, 3, ['cats', 'dogs']);
  assert.throws(() => folderSplits(two), /needs at least 3 classes .* has 2 \(cats, dogs\)/);
  mkdirSync(join(root, 'train'));
  assert.throws(() => folderSplits(root), /has train\/ but neither test\/ nor val\//);
});
