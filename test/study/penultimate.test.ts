// The penultimate-layer picture on the training set too, for the classes `--classes` names (by name
// or index): both splits in report-data.json and the figure; a class the dataset lacks, or not three
// classes, is refused before anything is written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'smoothlab-penultimate-'));
const study = (out: string, classes: string) => spawnSync(process.execPath, [main, 'study', '--preset', 'quick', '--name', 'p', '--out', out, '--epsilons', '0',
  '--train-limit', '300', '--val-limit', '100', '--epochs', '1', '--batch-size', '100', '--workers', '0', '--quiet', '--classes', classes], { encoding: 'utf8' });

test('study --classes projects those classes on the training and the test set', () => {
  const out = join(root, 'ok');
  const r = study(out, 'Trouser,Bag,7');
  assert.equal(r.status, 0, r.stderr);
  const data = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8'));
  assert.deepEqual(data.penultimate.map((p: { split: string; classes: number[] }) => [p.split, p.classes]), [['test', [1, 8, 7]], ['train', [1, 8, 7]]]);
  const train = data.penultimate[1].points as { label: number }[];
  assert.ok(train.length > 0 && train.every((q) => [1, 8, 7].includes(q.label)));
  assert.ok(train.length <= 3 * 150);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /ε=0, training set/);
  assert.match(html, /first row: training images/);
});

test('study --classes refuses an unknown class and a list of two', () => {
  let r = study(join(root, 'unknown'), 'Trouser,Nope,Bag');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no class 'Nope' in this dataset \(its classes: T-shirt\/top, Trouser/);
  assert.equal(existsSync(join(root, 'unknown', 'config.json')), false);
  r = study(join(root, 'two'), 'Trouser,Bag');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--classes must name three classes/);
});
