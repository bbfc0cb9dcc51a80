// Reading classifier outputs and labels out of tensors for the metrics, which then count and sum
// in float64 JS arrays: an evaluation set of 10,000 x 10 scores is 100k numbers, far cheaper to
// scan in JS than to round-trip many small ops through libtorch, and float64 keeps the sums exact
// enough to compare with any reference implementation.
import { tidy } from '../torch/memory.js';
import type { Tensor } from '../torch/tensor.js';

/** What the score tensor holds: raw logits (softmax is applied) or probabilities (used as given). */
export type ScoreKind = 'logits' | 'probs';

/** Options of the metrics that read scores. */
export interface ScoreOptions {
  /** 'logits' (default): softmax is applied in float64; 'probs': rows are already probabilities. */
  inputs?: ScoreKind;
}

/** A score matrix in row-major float64: n samples x c classes. */
export interface Scores {
  values: Float64Array;
  n: number;
  c: number;
}

/** Checks that `x` is an (N, C) floating-point score matrix. */
export function checkScores(x: Tensor, where: string): [number, number] {
  if (x.ndim !== 2) throw new RangeError(`${where}: scores must be (N, C), got shape [${x.shape.join(', ')}]`);
  if (x.dtype !== 'float32' && x.dtype !== 'float64' && x.dtype !== 'float16' && x.dtype !== 'bfloat16') {
    throw new TypeError(`${where}: scores must be floating point, got ${x.dtype}`);
  }
  return x.shape as [number, number];
}

/** The (N, C) scores as float64 probabilities (softmax of logits, computed in float64). */
export function probabilities(x: Tensor, inputs: ScoreKind | undefined, where: string): Scores {
  const [n, c] = checkScores(x, where);
  if (inputs !== undefined && inputs !== 'logits' && inputs !== 'probs') {
    throw new RangeError(`${where}: invalid inputs ${JSON.stringify(inputs)} ('logits' or 'probs')`);
  }
  const values = tidy(() => (inputs === 'probs' ? x.double() : x.double().softmax(1)).toTypedArray<'float64'>());
  return { values, n, c };
}

/** The (N, C) scores as float64, unchanged. */
export function rawScores(x: Tensor, where: string): Scores {
  const [n, c] = checkScores(x, where);
  return { values: tidy(() => x.double().toTypedArray<'float64'>()), n, c };
}

/** Class indices (N) from an int64 (or other integer) tensor, checked to lie in [0, numClasses). */
export function classIndices(target: Tensor, n: number | null, numClasses: number | null, where: string): Int32Array {
  if (target.ndim !== 1) throw new RangeError(`${where}: labels must be 1-d (N), got shape [${target.shape.join(', ')}]`);
  if (!['int64', 'int32', 'int16', 'int8', 'uint8'].includes(target.dtype)) {
    throw new TypeError(`${where}: labels must be integer class indices, got ${target.dtype}`);
  }
  if (n !== null && target.shape[0] !== n) throw new RangeError(`${where}: ${target.shape[0]} labels for ${n} samples`);
  const raw = target.toTypedArray() as ArrayLike<number | bigint>;
  const out = new Int32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const v = Number(raw[i]);
    if (v < 0 || (numClasses !== null && v >= numClasses)) {
      throw new RangeError(`${where}: label ${v} at index ${i} is outside [0, ${numClasses ?? 'numClasses'})`);
    }
    out[i] = v;
  }
  return out;
}

/** The index of the largest value in row i (the first one on ties, as torch.argmax). */
export function rowArgmax(s: Scores, i: number): number {
  let best = 0;
  const base = i * s.c;
  for (let k = 1; k < s.c; k++) if (s.values[base + k] > s.values[base + best]) best = k;
  return best;
}
