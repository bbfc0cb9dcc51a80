// `smoothlab study --loss ols` end to end on a few hundred Fashion-MNIST images: one online-label-
// smoothing run per seed, its soft labels after every epoch in the run folder and the report (figure
// and narrative), and the rule that ε does not apply to it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const out = join(mkdtempSync(join(tmpdir(), 'smoothlab-ols-study-')), 'ols');
const args = ['study', '--preset', 'quick', '--name', 'ols', '--out', out, '--loss', 'ols', '--epsilons', '0', '--train-limit', '300', '--val-limit', '100',
  '--epochs', '2', '--batch-size', '100', '--seed', '3', '--workers', '0', '--quiet'];

test('study --loss ols trains one OLS run per seed and reports its soft labels per epoch', () => {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(join(out, 'runs')), ['ols-seed3']);
  const kept = JSON.parse(readFileSync(join(out, 'runs', 'ols-seed3', 'soft-labels.json'), 'utf8'));
  assert.deepEqual(Object.keys(kept), ['0', '1']);
  for (const row of kept['1'] as number[][]) {
    assert.equal(row.length, 10);
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'each soft label is a distribution');
  }
  const data = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8'));
  assert.equal(data.smoothing.loss, 'ols');
  assert.equal(data.runs[0].softLabels.length, 2);
  const html = readFileSync(join(out, 'report.html'), 'utf8');
  assert.match(html, /Learned soft labels \(online label smoothing\)/);
  assert.match(html, /Every run trained with online label smoothing/);
});

test('study --loss ols refuses epsilons other than 0', () => {
  const r = spawnSync(process.execPath, [main, ...args.map((a, i) => (args[i - 1] === '--epsilons' ? '0,0.1' : a)), '--out', `${out}-refused`], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /epsilons must be 0 with loss 'ols'/);
});
