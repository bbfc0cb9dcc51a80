// An infinite fitted temperature: the scaled model predicts what the unscaled one does (dividing by
// T never changes the argmax), so accuracy after scaling is the unscaled accuracy and the ECE after
// scaling compares it with the uniform confidence 1/C.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics, torch } from '../../src/index.js';
import { crossFittedScaling } from '../../src/study/evaluate_run.js';

test('with T = Infinity the scaled diagram keeps the unscaled predictions', () => torch.tidy(() => {
  const n = 200;
  const c = 4;
  const labels = torch.tensor(BigInt64Array.from({ length: n }, (_, i) => BigInt(i % c)));
  // Confidently wrong on every example, predicting label + 1, except every tenth one: no T > 0 beats uniform.
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: c }, (_, k) => (k === ((i % c) + (i % 10 === 0 ? 0 : 1)) % c ? 8 : 0)));
  const logits = torch.tensor(Float32Array.from(rows.flat()), { shape: [n, c] });
  const scaling = crossFittedScaling(logits, labels);
  assert.equal(scaling.temperature, Infinity);
  const unscaled = metrics.reliabilityDiagram(logits, labels);
  const after = metrics.reliabilityDiagram(scaling.scaled, scaling.labels, { predictions: scaling.predictions });
  assert.ok(Math.abs(after.accuracy - unscaled.accuracy) < 1e-12, `accuracy after scaling ${after.accuracy}, before ${unscaled.accuracy}`);
  assert.ok(Math.abs(after.confidence - 1 / c) < 1e-6, 'uniform confidence');
  assert.ok(Math.abs(after.ece - Math.abs(unscaled.accuracy - 1 / c)) < 1e-6);
  // Without the unscaled predictions every tie would go to class 0: accuracy = the share of label 0.
  assert.ok(Math.abs(metrics.reliabilityDiagram(scaling.scaled, scaling.labels).accuracy - 1 / c) < 1e-12);
}));
