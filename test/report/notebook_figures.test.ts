// The notebook's figures as it draws them: Y1 and Y2 label matrices (N 10, C 4, ε 0.3) with one
// colour bar, and six augmentations of training image 5.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';
import { syntheticReport } from './synthetic.js';

test('Y1 and Y2: 10 x 4 matrices of a label batch, ε 0.3 with ε/(C-1) off the true class, one colour bar', () => {
  const labels = report.exampleLabels();
  assert.equal(labels.length, 10);
  assert.ok(labels.every((y) => Number.isInteger(y) && y >= 0 && y < 4));
  assert.ok(new Set(labels).size > 1, 'a batch of different labels');
  const [[y1, y2]] = report.notebookLabelPanels();
  for (const panel of [y1, y2]) assert.equal((panel.svg.match(/class="cell"/g) ?? []).length, 40);
  assert.equal((y1.svg + y2.svg).match(/class="colorbar"/g)?.length, 1, 'one colour bar for both');
  assert.match(y2.svg, />0\.70</);
  assert.match(y2.svg, />0\.10</);
  assert.doesNotMatch(y1.svg, />0\.70</);
});

test('six augmentations of training image 5 become their own figure', () => {
  const base = syntheticReport();
  const image = base.samples![0];
  const data = { ...base, augmentedOne: { index: 5, images: Array.from({ length: 6 }, () => image) } };
  const figures = report.reportFigures(data);
  const one = figures.find((f) => f.name === 'augmented-one');
  assert.ok(one);
  assert.equal((one.figure.svg.match(/<image/g) ?? []).length, 6);
  assert.match(one.caption, /training image 5 drawn through the training transform 6 times/);
  assert.ok(figures.some((f) => f.name === 'notebook-labels'));
});
