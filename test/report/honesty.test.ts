// Honest where a run is small: differences inside the seed spread are not called better or worse,
// runs at chance or with a diverged loss are flagged everywhere, an infinite temperature survives
// report-data.json, and the captions say where the temperature is fitted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import * as report from '../../src/report/index.js';
import { syntheticReport } from './synthetic.js';

const stat = (mean: number, spread: number, n: number): report.Stat => ({ mean, spread, n });

test('a difference inside the spread over seeds is "not distinguishable", one seed "cannot tell"', () => {
  assert.equal(report.distinguishable(stat(0.0641, 0.0472, 3), stat(0.1072, 0.04, 3)), 'within', 'the issue\'s +4.31 against ±4.72');
  assert.equal(report.distinguishable(stat(0.05, 0.002, 3), stat(0.02, 0.002, 3)), 'beyond');
  assert.equal(report.distinguishable(stat(0.05, NaN, 1), stat(0.02, NaN, 1)), 'one-seed');
  const base = syntheticReport({ seeds: [1, 2, 3] });
  // ECE of eps 0.1 moved by +4.31 points with seeds spread by about ±4.7 points.
  const ece: Record<number, number[]> = { 0: [0.02, 0.06, 0.1], 0.1: [0.0531, 0.1031, 0.1531] };
  const results = base.results.map((r) => ({ ...r, ece: ece[r.epsilon][r.seed - 1] }));
  const text = report.describeResults({ ...base, results }).join(' ');
  assert.match(text, /Expected calibration error \(ECE\) was .*: not distinguishable with 3 seeds: the difference \(\+4\.31 points\) is within the spread over seeds/);
  assert.doesNotMatch(text, /(better|worse) calibrated/);
  const one = report.describeResults(syntheticReport({ seeds: [1] })).join(' ');
  assert.match(one, /with one seed per setting this cannot tell whether the difference \([+−][\d.]+ points\) is real/);
  assert.doesNotMatch(one, /(better|worse) calibrated|(more|less) accurate/);
});

test('chance accuracy and a diverged loss are flagged in the tables, the results files and the top of the report', () => {
  assert.deepEqual(report.runFlags(0.11, 2.31, 10, 256), ['chance']);
  assert.deepEqual(report.runFlags(0.5, 79_229, 10, 512), ['diverged']);
  assert.deepEqual(report.runFlags(0.1, NaN, 10, 512), ['chance', 'diverged']);
  assert.deepEqual(report.runFlags(0.9, 0.3, 10, 10_000), []);
  const base = syntheticReport({ seeds: [1] });
  const results = base.results.map((r) => (r.epsilon === 0 ? { ...r, accuracy: 0.1, nll: 79_229, flags: ['chance', 'diverged'] as report.RunFlag[] } : r));
  const data = { ...base, results };
  const md = report.toMarkdown(report.summaryTable(results));
  assert.match(md, /\| warning \|/);
  assert.match(md, /chance accuracy \(1 of 1 run\); diverged loss \(1 of 1 run\)/);
  const files = report.resultFiles(results);
  assert.match(files['results.md'], /^> \*\*Warning\.\*\* Run eps0-seed1: its test accuracy \(10\.00%\) is at chance and its loss diverged \(test NLL 79229\.0\)/);
  assert.match(files['runs.csv'], /chance accuracy; diverged loss/);
  assert.equal(JSON.parse(files['results.json']).runs[0].flags, 'chance accuracy; diverged loss');
  const html = report.renderReport(data);
  const top = html.slice(0, html.indexOf('<main>'));
  assert.match(top, /<div class="warning" role="alert"><b>Warning\.<\/b><ul><li>Run eps0-seed1: its test accuracy/);
  assert.match(report.describeResults(data)[0], /^Run eps0-seed1: /);
  assert.doesNotMatch(report.renderReport(base), /class="warning"/);
});

test('report-data.json keeps an infinite temperature and `smoothlab report DIR` rebuilds the run', () => {
  const base = syntheticReport({ seeds: [1] });
  const data = { ...base, results: base.results.map((r) => ({ ...r, temperature: Infinity })), calibration: base.calibration!.map((c) => ({ ...c, temperature: Infinity })) };
  const back = report.parseReportData(report.stringifyReportData(data));
  assert.equal(back.results[0].temperature, Infinity);
  assert.deepEqual(Array.from(back.samples![0].pixels), Array.from(data.samples![0].pixels));
  // Files written before kept null for it.
  const legacyText = report.stringifyReportData(data).replace(/\{"\$number":"Infinity"\}/g, 'null');
  const legacy = report.parseReportData(legacyText);
  assert.equal(legacy.results[0].temperature, Infinity);
  assert.equal(legacy.calibration![0].temperature, Infinity);
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-infinite-'));
  writeFileSync(join(dir, 'report-data.json'), legacyText);
  const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
  const r = spawnSync(process.execPath, [main, 'report', dir, '--no-png'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^report: /);
});

test('the results caption says the temperature is cross-fitted on the test set; the config section gives both σ', () => {
  const base = syntheticReport();
  const html = report.renderReport({ ...base, standardization: { mean: [0.286], std: [0.353], stdValidation: [0.3524] } });
  assert.match(html, /fitted by two-fold cross-fitting on the test set/);
  assert.doesNotMatch(html, /fitted on validation data/);
  assert.match(html, /mean \(0\.2860\) and σ \(0\.3530\), both from the training set\. The notebook computes σ on the validation set instead .* that σ would be \(0\.3524\)/);
});
