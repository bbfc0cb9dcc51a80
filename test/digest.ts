// Tensor digests, as scripts/goldens/nn.py writes them: SHA-256 of the raw bytes (for bit
// equality) and sum / norm / first values (to compare with a tolerance and to diagnose).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { torch } from '../src/index.js';

/** A digest of one tensor. */
export interface Digest {
  sha256: string;
  shape: number[];
  sum: number;
  norm: number;
  head: number[];
}

/** The digest of a tensor: SHA-256 of its bytes as stored, numbers computed in float64. */
export function digest(t: torch.Tensor): Digest {
  const wide = t.to('float64');
  const values = wide.toTypedArray() as Float64Array;
  wide.dispose();
  let sum = 0;
  let squares = 0;
  for (const v of values) {
    sum += v;
    squares += v * v;
  }
  return {
    sha256: createHash('sha256').update(new Uint8Array(t.toBuffer())).digest('hex'),
    shape: t.shape,
    sum,
    norm: Math.sqrt(squares),
    head: Array.from(values.subarray(0, 4)),
  };
}

/**
 * Asserts shape, norm and first values within `rtol` relative to the tensor's scale (its RMS), and
 * the sum within rtol * norm (a sum of terms of both signs has no scale of its own).
 * Returns whether the bytes are identical as well.
 */
export function assertDigestClose(actual: Digest, expected: Digest, rtol: number, what: string): boolean {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const n = expected.shape.reduce((a, b) => a * b, 1);
  const rms = expected.norm / Math.sqrt(Math.max(n, 1));
  const near = (a: number, e: number, scale: number) => Math.abs(a - e) <= rtol * scale + 1e-12;
  assert.ok(near(actual.norm, expected.norm, expected.norm), `${what}: norm ${actual.norm} vs PyTorch ${expected.norm} (rtol ${rtol})`);
  assert.ok(near(actual.sum, expected.sum, expected.norm), `${what}: sum ${actual.sum} vs PyTorch ${expected.sum} (rtol ${rtol} of the norm)`);
  actual.head.forEach((a, i) => assert.ok(near(a, expected.head[i], rms), `${what}: value ${i} ${a} vs PyTorch ${expected.head[i]} (rtol ${rtol} of the RMS)`));
  return actual.sha256 === expected.sha256;
}
