// torch.inferenceMode against PyTorch's inference_mode semantics: no graph, inference tensors,
// in-place use refused outside the mode, nesting and restore on throw.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as torch from '../../src/torch/index.js';

test('inferenceMode records no graph and makes inference tensors', () => torch.tidy(() => {
  const w = torch.ones([3]).requiresGrad_();
  assert.equal(torch.isInferenceModeEnabled(), false);
  const y = torch.inferenceMode(() => {
    assert.equal(torch.isInferenceModeEnabled(), true);
    assert.equal(torch.isGradEnabled(), false, 'inference mode implies no grad');
    return w.mul(2);
  });
  assert.equal(torch.isInferenceModeEnabled(), false);
  assert.equal(torch.isGradEnabled(), true);
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(y.isInference(), true);
  assert.equal(w.isInference(), false);
  assert.deepEqual([...y.toTypedArray()], [2, 2, 2]);
  // Reading an inference tensor outside the mode is fine; changing it in place is not (PyTorch's rule).
  assert.deepEqual([...y.add(1).toTypedArray()], [3, 3, 3]);
  assert.throws(() => y.add_(1), /Inplace update to inference tensor outside InferenceMode/);
}));

test('inferenceMode nests, turns off with mode false, and is left when fn throws', () => {
  torch.inferenceMode(() => {
    torch.inferenceMode(() => assert.equal(torch.isInferenceModeEnabled(), false), false);
    assert.equal(torch.isInferenceModeEnabled(), true);
  });
  assert.throws(() => torch.inferenceMode(() => { throw new Error('inside'); }), /inside/);
  assert.equal(torch.isInferenceModeEnabled(), false);
  assert.equal(torch.isGradEnabled(), true);
});
