// The penultimate-layer projection: templates map to their own triangle, other classes are skipped.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as report from '../../src/report/index.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('projectOntoTemplates: templates land on an equilateral triangle around the origin; other classes skipped', () => {
  // Templates at three corners of a regular triangle in the (x0, x1) plane of a 4-d space, pushed out along x3.
  const s = Math.sqrt(3) / 2;
  const weight = [[1, 0, 0, 5], [-0.5, s, 0, 5], [-0.5, -s, 0, 5], [9, 9, 9, 9]];
  const values = [...weight[0], ...weight[1], ...weight[2], ...weight[3], 1, 0, 7, 5];
  const p = report.projectOntoTemplates({ values, dim: 4 }, [0, 1, 2, 3, 0], weight, [0, 1, 2], 0.1, 'r');
  assert.deepEqual(p.points.map((q) => q.label), [0, 1, 2, 0]);
  const radius = p.points.slice(0, 3).map((q) => Math.hypot(q.x, q.y));
  for (const r of radius) close(r, 1, 1e-9);
  close(p.points[3].x, p.points[0].x, 1e-9);
  close(p.points[3].y, p.points[0].y, 1e-9);
  assert.equal(p.epsilon, 0.1);
  assert.throws(() => report.projectOntoTemplates({ values, dim: 4 }, [0, 1, 2, 3, 0], weight, [0, 1], 0), RangeError);
  assert.throws(() => report.projectOntoTemplates({ values, dim: 4 }, [0, 1, 2, 3, 0], [[1, 0, 0, 0], [2, 0, 0, 0], [3, 0, 0, 0]], [0, 1, 2], 0), /collinear/);
});
