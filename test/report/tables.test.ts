// JSON, CSV, Markdown and HTML tables from the same rows: same numbers, each format's escaping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';
import { HOSTILE } from './synthetic.js';

const rows: report.ResultRow[] = [
  { run: 'eps0-seed1', epsilon: 0, seed: 1, accuracy: 0.9, nll: 0.31, ece: 0.05, temperature: 1.5, nllScaled: 0.28, eceScaled: 0.01 },
  { run: 'eps0-seed2', epsilon: 0, seed: 2, accuracy: 0.92, nll: 0.29, ece: 0.03, temperature: 1.3, nllScaled: 0.27, eceScaled: 0.02 },
  { run: `eps0.1, "quoted" | ${HOSTILE}`, epsilon: 0.1, seed: 1, accuracy: 0.93, nll: 0.25, ece: 0.01 },
];

test('summarizeResults: mean and sample standard deviation per epsilon, sorted', () => {
  const [a, b] = report.summarizeResults([...rows].reverse());
  assert.equal(a.epsilon, 0);
  assert.equal(a.seeds, 2);
  assert.ok(Math.abs(a.accuracy.mean - 0.91) < 1e-12);
  assert.ok(Math.abs(a.accuracy.spread - Math.SQRT2 * 0.01) < 1e-12, 'n - 1 in the denominator');
  assert.ok(Math.abs(a.temperature!.mean - 1.4) < 1e-12);
  assert.equal(b.seeds, 1);
  assert.ok(Number.isNaN(b.accuracy.spread), 'no spread from one seed');
  assert.equal(b.temperature, undefined);
});

test('JSON and CSV carry every number at full precision, spreads as their own columns', () => {
  const table = report.summaryTable(rows);
  const json = JSON.parse(report.toJson(table)) as Record<string, number | null>[];
  assert.equal(json.length, 2);
  assert.equal(json[0].accuracy, 0.91);
  assert.ok(Math.abs(json[0].accuracy_sd! - 0.0141421356) < 1e-9);
  assert.equal(json[1].accuracy_sd, null, 'NaN becomes null');
  const csv = report.toCsv(table).trim().split('\n');
  assert.equal(csv[0], 'epsilon,seeds,accuracy,accuracy_sd,nll,nll_sd,ece,ece_sd,temperature,temperature_sd,nll_ts,nll_ts_sd,ece_ts,ece_ts_sd');
  assert.equal(csv[1].split(',')[2], '0.91');
  assert.equal(csv.length, 3);
});

test('CSV quotes commas and quotes (RFC 4180)', () => {
  const csv = report.toCsv(report.runsTable(rows));
  assert.ok(csv.includes(`"eps0.1, ""quoted"" | ${HOSTILE.replace(/"/g, '""')}"`));
  assert.equal(csv.trim().split('\n')[0], 'run,epsilon,seed,accuracy,nll,ece,temperature,nll_ts,ece_ts');
});

test('Markdown: rounded "mean ± sd", pipes and HTML escaped, numbers right-aligned', () => {
  const md = report.toMarkdown(report.summaryTable(rows));
  const lines = md.trim().split('\n');
  assert.match(lines[0], /^\| ε \| seeds \| accuracy \(%\) \|/);
  assert.match(lines[1], /^\| ---: \| ---: \| ---: \|/);
  assert.match(lines[2], /\| 91\.00 ± 1\.41 \|/);
  assert.match(lines[3], /\| 93\.00 \|/, 'one seed: no ±');
  const runs = report.toMarkdown(report.runsTable(rows));
  assert.ok(runs.includes('\\| &lt;script&gt;'), 'pipe escaped, HTML as entities');
  assert.ok(!runs.includes('<script>'));
  assert.equal(runs.trim().split('\n')[4].split(/(?<!\\)\|/).length, 11, 'the escaped pipe does not add a column');
});

test('HTML tables escape every cell', () => {
  const html = report.toHtmlTable(report.runsTable(rows), `caption ${HOSTILE}`);
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)'));
  assert.equal((html.match(/<tr>/g) ?? []).length, 4);
});

test('resultFiles: results.json holds summary and runs; missing metrics leave the columns out', () => {
  const files = report.resultFiles(rows);
  assert.deepEqual(Object.keys(files).sort(), ['results.csv', 'results.json', 'results.md', 'runs.csv']);
  const parsed = JSON.parse(files['results.json']) as { summary: unknown[]; runs: { temperature: number | null }[] };
  assert.equal(parsed.summary.length, 2);
  assert.equal(parsed.runs[2].temperature, null);
  const bare = report.runsTable([{ run: 'r', epsilon: 0, seed: 0, accuracy: 0.5, nll: 1, ece: 0.1 }]);
  assert.deepEqual(bare.columns.map((c) => c.key), ['run', 'epsilon', 'seed', 'accuracy', 'nll', 'ece']);
  const noisy = report.summaryTable([{ run: 'r', epsilon: 0, seed: 0, labelNoise: 0.2, accuracy: 0.5, nll: 1, ece: 0.1 }]);
  assert.equal(noisy.columns[0].key, 'label_noise');
});

// Random labels: no temperature beats the uniform prediction, so the fitted T is Infinity.
test('an infinite temperature reads ∞ for people, inf in CSV, null in JSON, and in the narrative', () => {
  const random: report.ResultRow[] = [
    { run: 'eps0-seed1', epsilon: 0, seed: 1, accuracy: 0.1, nll: 2.4, ece: 0.2, temperature: Infinity, nllScaled: 2.302, eceScaled: 0.001 },
    { run: 'eps0.1-seed1', epsilon: 0.1, seed: 1, accuracy: 0.1, nll: 2.35, ece: 0.1, temperature: 2.5, nllScaled: 2.31, eceScaled: 0.01 },
  ];
  const runs = report.runsTable(random);
  assert.match(report.toMarkdown(runs).trim().split('\n')[2], /\| 10\.00 \| 2\.4000 \| 20\.00 \| ∞ \| 2\.3020 \|/);
  assert.match(report.toHtmlTable(runs), /<td class="num">∞<\/td>/);
  assert.equal(report.toCsv(runs).trim().split('\n')[1].split(',')[6], 'inf');
  assert.equal((JSON.parse(report.toJson(runs)) as { temperature: number | null }[])[0].temperature, null);
  assert.equal(report.formatFixed(-Infinity, 2), '−∞');
  const summary = report.toMarkdown(report.summaryTable(random));
  assert.match(summary.trim().split('\n')[2], /\| ∞ \|/, 'one seed: ∞ with no spread');
  assert.deepEqual(report.meanSpread([2, Infinity]), { mean: Infinity, spread: NaN, n: 2 });
  assert.deepEqual(report.meanSpread([1, NaN, 3]), { mean: 2, spread: Math.SQRT2, n: 2 }, 'NaN is missing');
});
