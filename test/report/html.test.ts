// report.html is self-contained (nothing fetched: no http(s) src/href, no scripts, no external CSS,
// a CSP that forbids fetches), escapes every piece of user text, and holds every section and figure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';
import { HOSTILE, syntheticReport } from './synthetic.js';
import { parseXml } from './xml.js';

const data = syntheticReport({ hostile: true });
const html = report.renderReport(data);

// Top-level inline <svg> elements (nested panels are inside them).
function inlineSvgs(page: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (const m of page.matchAll(/<svg\b|<\/svg>/g)) {
    if (m[0] === '<svg') { if (depth++ === 0) start = m.index!; }
    else if (--depth === 0) out.push(page.slice(start, m.index! + 6));
  }
  return out;
}

test('nothing is fetched: no network URLs in src/href/url(), no scripts, no external styles', () => {
  assert.ok(!/\s(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html), 'no http(s):// or protocol-relative src/href');
  assert.ok(!/<script\b/i.test(html), 'no <script>');
  assert.ok(!/<link\b/i.test(html), 'no <link> (stylesheets, fonts, preloads)');
  assert.ok(!/<(?:iframe|object|embed|base)\b/i.test(html));
  assert.ok(!/@import/i.test(html), 'no CSS @import');
  for (const m of html.matchAll(/url\(\s*['"]?([^'")]*)/gi)) assert.ok(m[1].startsWith('data:'), `url(${m[1]}) is inline`);
  for (const m of html.matchAll(/\s(?:src|href)="([^"]*)"/g)) assert.ok(m[1].startsWith('data:') || m[1].startsWith('#'), `${m[1].slice(0, 40)} is inline or a fragment`);
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${report.REPORT_CSP}">`));
  assert.match(report.REPORT_CSP, /default-src 'none'/);
  assert.ok(html.includes('<meta name="viewport" content="width=device-width, initial-scale=1">'));
});

test('user text is escaped: title, run names, class names, config values', () => {
  assert.ok(!html.includes(HOSTILE), 'the raw hostile string never appears');
  assert.ok(!/<b>/.test(html.replace(/<b>Figure \d+\./g, '')), 'no user <b> tag');
  const escaped = report.escapeHtml(HOSTILE);
  assert.ok(html.includes(`<title>study ${escaped} · label smoothing report</title>`));
  assert.ok(html.includes(`<h1>Label smoothing study: study ${escaped}</h1>`));
  assert.ok(html.includes(`<td>run ${escaped}</td>`), 'run name in the runs table');
  assert.ok(html.includes(report.escapeHtml(JSON.stringify(HOSTILE))), 'config value inside the JSON block');
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)'), 'class name inside the figures');
});

test('sections, tables, findings and one <figure> per figure with well-formed SVG panels', () => {
  for (const id of ['about', 'findings', 'results', 'figures', 'config']) assert.ok(html.includes(`<section id="${id}">`), id);
  assert.ok(html.includes('Szegedy') && html.includes('Müller, Kornblith and Hinton'));
  assert.ok(html.includes('(1 − ε) · onehot(y) + ε / C'));
  const figures = report.reportFigures(data);
  assert.deepEqual(figures.map((f) => f.name), ['samples', 'augmented', 'label-histogram', 'label-matrices', 'notebook-labels', 'training-curves', 'reliability', 'epsilon', 'confusion', 'penultimate']);
  assert.equal((html.match(/<figure class="figure"/g) ?? []).length, figures.length);
  const svgs = inlineSvgs(html);
  assert.equal(svgs.length, figures.reduce((n, f) => n + f.rows.flat().length, 0), 'one inline SVG per panel');
  for (const svg of svgs) parseXml(svg);
  assert.equal((html.match(/<table>/g) ?? []).length, 2);
  assert.match(html, /With ε=0\.1, test accuracy was [\d.]+% ± [\d.]+% against [\d.]+% ± [\d.]+% with ε=0: (not distinguishable with 2 seeds|(more|less) accurate with smoothing \([+−][\d.]+ points, beyond the spread over 2 seeds\))/);
  assert.match(html, /Temperature scaling .* T=1\.\d\d, ECE/);
});

test('describeResults: single seeds get a caveat, label noise gets its own group', () => {
  const one = syntheticReport({ seeds: [1] });
  const text = report.describeResults(one).join(' ');
  assert.match(text, /single seed/);
  assert.match(text, /over-confident before scaling\) for ε=0/);
  const noisy = { ...one, results: [...one.results, ...one.results.map((r) => ({ ...r, labelNoise: 0.2, run: `${r.run}-noisy` }))] };
  assert.match(report.describeResults(noisy).join(' '), /With 20% of the training labels replaced at random/);
  assert.deepEqual(report.describeResults({ ...one, results: [] }), ['No results yet: the study has not finished a run.']);
  // Random labels: T fitted to Infinity is read as "no usable confidence", not as over-confidence.
  const hopeless = { ...one, results: one.results.map((r) => (r.epsilon === 0 ? { ...r, temperature: Infinity } : r)) };
  const hopelessText = report.describeResults(hopeless).join(' ');
  assert.match(hopelessText, /ε=0: T=∞, ECE/);
  assert.match(hopelessText, /T = ∞ for ε=0: no temperature beats predicting every class equally likely/);
  assert.doesNotMatch(hopelessText, /over-confident before scaling\) for ε=0/);
  assert.ok(report.renderReport(hopeless).includes('T=∞'), 'the reliability panel title too');
});

test('a minimal ReportData (only the required parts) renders', () => {
  const minimal: report.ReportData = {
    title: 'minimal', config: {}, dataset: { name: 'd', classNames: ['a', 'b'] }, smoothing: { epsilons: [0], convention: 'others' },
    runs: [{ name: 'r', epsilon: 0, seed: 0, trainLoss: [1, 0.5], valLoss: [1.1, 0.7], trainScore: [0.5, 0.7], valScore: [0.4, 0.6], lr: [0.1, 0.05] }],
    results: [{ run: 'r', epsilon: 0, seed: 0, accuracy: 0.6, nll: 0.7, ece: 0.1 }],
  };
  const page = report.renderReport(minimal);
  assert.deepEqual(report.reportFigures(minimal).map((f) => f.name), ['label-matrices', 'notebook-labels', 'training-curves', 'epsilon']);
  assert.ok(page.includes('<em>others</em> convention'));
  assert.equal(report.configJson({ big: 12n }), '{\n  "big": "12"\n}');
});
