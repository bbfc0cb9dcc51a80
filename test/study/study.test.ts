// A small real study (Fashion-MNIST, a few hundred images, one epoch, two epsilons) through the
// CLI: every output file, the config record, and resuming by re-running the same command.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = join(mkdtempSync(join(tmpdir(), 'smoothlab-study-')), 'tiny');
const args = ['study', '--preset', 'quick', '--name', 'tiny', '--out', out, '--train-limit', '512', '--val-limit', '256',
  '--epochs', '1', '--batch-size', '100', '--drop-last', '--seed', '5', '--workers', '1', '--quiet'];

test('a tiny study writes the report, tables, figures, TensorBoard logs and its config', () => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.at(-1), `report: ${join(out, 'report.html')}`, 'the output ends with the report path');
  assert.match(r.stdout, /\| ε \| seeds \| accuracy \(%\) \|/);
  for (const file of ['report.html', 'results.json', 'results.csv', 'results.md', 'runs.csv', 'report-data.json', 'config.json']) {
    assert.ok(existsSync(join(out, file)), file);
  }
  for (const run of ['eps0-seed5', 'eps0.1-seed5']) {
    assert.deepEqual(readdirSync(join(out, 'runs', run)).sort(), ['best.safetensors', 'evaluation.json', 'history.csv', 'history.json', 'last.safetensors']);
    const history = JSON.parse(readFileSync(join(out, 'runs', run, 'history.json'), 'utf8'));
    assert.equal(history.lr.length, 5, 'drop-last: 512 images in 5 batches of 100, the partial one dropped');
    const logs = readdirSync(join(out, 'tensorboard', run));
    assert.ok(logs.some((f) => /^events\.out\.tfevents\./.test(f)), 'the per-step event file');
    assert.ok(['Loss (Epoch)_Train', 'Loss (Epoch)_Validation', 'Score (Epoch)_Train', 'Score (Epoch)_Validation'].every((f) => logs.includes(f)), 'the course\'s add_scalars runs');
  }
  const figures = readdirSync(join(out, 'figures'));
  for (const name of ['samples', 'augmented', 'augmented-one', 'label-histogram', 'label-matrices', 'notebook-labels', 'training-curves', 'reliability', 'epsilon', 'confusion', 'penultimate']) {
    assert.ok(figures.includes(`${name}.svg`) && figures.includes(`${name}.png`), name);
  }
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.config.dataset, 'fashion-mnist');
  assert.deepEqual(config.config.epsilons, [0, 0.1]);
  assert.equal(config.config.dropLast, true);
  assert.equal(config.config.seed, 5);
  assert.equal(config.resolvedDevice, 'cpu');
  assert.equal(config.standardization.std.length, 1);
  assert.ok(Math.abs(config.standardization.std[0] - config.standardization.stdValidation[0]) < 0.05, 'both σ recorded');
  assert.equal(existsSync(join(out, 'study.lock')), false, 'the lock is released');
  assert.match(config.libtorch, /^\d+\.\d+/);
  assert.ok('gitRevision' in config);
  const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8'));
  assert.ok(JSON.stringify(results).includes('accuracy'));
});

test('re-running the same command keeps finished runs; another config in the same folder is refused', () => {
  const again = spawnSync(process.execPath, [main, ...args.filter((a) => a !== '--quiet')], { encoding: 'utf8' });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /eps0-seed5: finished earlier, kept/);
  const other = spawnSync(process.execPath, [main, ...args, '--epochs', '2'], { encoding: 'utf8' });
  assert.equal(other.status, 1);
  assert.match(other.stderr, /holds a study with another configuration/);
});
