// Smoothed targets and the loss floor: closed forms checked by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('uniform smoothing: (1 - eps) * onehot + eps / C, as PyTorch label_smoothing', () => {
  const t = report.smoothedTarget(2, 10, 0.1);
  close(t[2], 0.91);
  close(t[0], 0.01);
  close(t.reduce((a, b) => a + b, 0), 1);
});

test('"others" smoothing: 1 - eps on the true class, eps / (C - 1) on each other', () => {
  const t = report.smoothedTarget(0, 5, 0.2, 'others');
  close(t[0], 0.8);
  close(t[4], 0.05);
});

test('labelMatrix rows are the targets; epsilon 0 is the identity', () => {
  const m = report.labelMatrix(3, 0);
  assert.deepEqual(m, [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  for (const row of report.labelMatrix(4, 0.3)) close(row.reduce((a, b) => a + b, 0), 1);
});

test('the loss floor is the entropy of the smoothed target', () => {
  close(report.smoothingLossFloor(10, 0), 0);
  close(report.smoothingLossFloor(10, 0.1), -(0.91 * Math.log(0.91) + 9 * 0.01 * Math.log(0.01)));
  close(report.smoothingLossFloor(10, 1), Math.log(10), 1e-12);
  assert.throws(() => report.smoothingLossFloor(1, 0.1, 'others'), RangeError);
  assert.throws(() => report.smoothedTarget(0, 10, 1.5), RangeError);
});
