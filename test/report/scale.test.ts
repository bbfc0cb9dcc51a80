// Ticks, domains and tick labels: round steps of 1, 2 or 5, no floating-point noise in labels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';

test('niceTicks picks steps of 1, 2 or 5 and exact decimal values', () => {
  assert.deepEqual(report.niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(report.niceTicks(0.27, 0.93, 5), [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  assert.deepEqual(report.niceTicks(1, 25, 5), [5, 10, 15, 20, 25]);
  assert.deepEqual(report.niceTicks(-3, 3, 6), [-3, -2, -1, 0, 1, 2, 3]);
  assert.deepEqual(report.niceTicks(2, 2), [2]);
  assert.deepEqual(report.niceTicks(NaN, 1), []);
});

test('niceDomain widens to whole steps; degenerate domains get a width', () => {
  assert.deepEqual(report.niceDomain(0.213, 1.587), [0.2, 1.6]);
  assert.deepEqual(report.niceDomain(0, 0), [0, 1]);
  assert.deepEqual(report.niceDomain(5, 5), [4.5, 5.5]);
});

test('formatTick uses the decimals of the step and exponents for tiny values', () => {
  assert.equal(report.formatTick(0.30000000000000004, 0.1), '0.3');
  assert.equal(report.formatTick(0.05, 0.01), '0.05');
  assert.equal(report.formatTick(1500, 500), '1500');
  assert.equal(report.formatTick(0.0002, 0.0001), '2e-4');
  assert.equal(report.formatTick(0, 0.1), '0');
});

test('linearScale maps domain to range, y axes flipped', () => {
  const y = report.linearScale([0, 10], [300, 100]);
  assert.equal(y(0), 300);
  assert.equal(y(10), 100);
  assert.equal(y(5), 200);
  assert.equal(report.linearScale([1, 1], [0, 10])(1), 5, 'degenerate domain maps to the middle');
  assert.deepEqual(report.extent([3, NaN, -1, Infinity, 2]), [-1, 3]);
  assert.equal(report.extent([NaN]), undefined);
});

test('colors: viridis ends, contrast text, categorical cycle', () => {
  assert.equal(report.viridis(0), '#440154');
  assert.equal(report.viridis(1), '#fde725');
  assert.equal(report.viridis(NaN), '#440154');
  assert.equal(report.textColorOn('#440154'), '#ffffff');
  assert.equal(report.textColorOn('#fde725'), '#000000');
  assert.equal(report.categoryColor(10), report.categoryColor(0));
});
