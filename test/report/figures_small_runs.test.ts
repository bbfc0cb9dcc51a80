// The figures of a small or broken run: a diverged loss gets a log axis, a 1-epoch run shows its
// points, floor values sit in the legend (not on the curves), error bars stop at 0, and the
// projection panels share one scale with ticks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';
import { syntheticReport } from './synthetic.js';

const tickTexts = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('a loss spanning decades is drawn on a log axis; a 1-epoch run shows points', () => {
  const base = syntheticReport({ seeds: [1], epochs: 1 });
  const runs = base.runs.map((r) => (r.epsilon === 0 ? { ...r, trainLoss: [2.3], valLoss: [79_229] } : r));
  const [[loss, , , legendPanel]] = report.trainingCurvesPanels(runs, 10, 'uniform');
  const labels = tickTexts(loss.svg);
  assert.ok(labels.includes('1') && labels.includes('10') && labels.some((l) => /^1e5$|^100000$/.test(l)), `log ticks: ${labels.join(' ')}`);
  assert.ok((loss.svg.match(/<circle/g) ?? []).length >= 4, 'one mark per run and split');
  assert.doesNotMatch(loss.svg, /floor/, 'no floor label on the plot');
  assert.match(legendPanel.svg, /loss floor ε=0\.1: 0\.\d{3}/);
  const [[healthy]] = report.trainingCurvesPanels(syntheticReport().runs, 10, 'uniform');
  assert.ok(!tickTexts(healthy.svg).includes('10'), 'a healthy loss keeps its linear axis');
});

test('error bars stop at 0 and the y axis does not go below it', () => {
  const base = syntheticReport({ seeds: [1, 2] });
  const results = base.results.map((r) => ({ ...r, ece: r.seed === 1 ? 0.001 : 0.05, eceScaled: r.seed === 1 ? 0.0 : 0.04 }));
  const [[, ece]] = report.epsilonPanels(results);
  assert.ok(tickTexts(ece.svg).every((t) => !/^[-−]/.test(t)), tickTexts(ece.svg).join(' '));
});

test('the projection panels share one scale, with ticks, and their legend is a panel of its own', () => {
  const data = syntheticReport();
  const [row] = report.penultimatePanels(data.penultimate!, data.dataset.classNames);
  assert.equal(row.length, 3, 'two epsilons and the legend');
  const [a, b, legendPanel] = row;
  const ticksA = tickTexts(a.svg).filter((t) => /^[-−]?\d/.test(t));
  assert.ok(ticksA.length >= 4, 'tick labels drawn');
  assert.deepEqual(tickTexts(b.svg).filter((t) => /^[-−]?\d/.test(t)), ticksA, 'the same ticks on every panel');
  assert.match(legendPanel.svg, /T-shirt\/top/);
});
