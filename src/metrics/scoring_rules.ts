// Proper scoring rules of probabilistic classifiers, averaged over samples in float64: the negative
// log-likelihood (what cross-entropy training minimizes, without smoothing) and the Brier score.
import type { Tensor } from '../torch/tensor.js';
import { type ScoreOptions, classIndices, probabilities, rawScores } from './inputs.js';

/**
 * Mean negative log-likelihood of the labels, in nats: -log softmax(logits)[label] (log-sum-exp in
 * float64), or -log p[label] for probabilities (Infinity where p is 0).
 */
export function nll(scores: Tensor, target: Tensor, { inputs = 'logits' }: ScoreOptions = {}): number {
  const where = 'nll';
  if (inputs === 'probs') {
    const p = probabilities(scores, 'probs', where);
    const labels = classIndices(target, p.n, p.c, where);
    let sum = 0;
    labels.forEach((y, i) => (sum -= Math.log(p.values[i * p.c + y])));
    return sum / p.n;
  }
  if (inputs !== 'logits') throw new RangeError(`${where}: invalid inputs ${JSON.stringify(inputs)} ('logits' or 'probs')`);
  const z = rawScores(scores, where);
  const labels = classIndices(target, z.n, z.c, where);
  let sum = 0;
  labels.forEach((y, i) => (sum += logSumExp(z.values, i * z.c, z.c) - z.values[i * z.c + y]));
  return sum / z.n;
}

/** log(sum(exp(v[offset .. offset + length)))), shifted by the maximum for stability. */
export function logSumExp(v: Float64Array, offset: number, length: number): number {
  let max = -Infinity;
  for (let k = 0; k < length; k++) max = Math.max(max, v[offset + k]);
  if (max === -Infinity || max === Infinity) return max;
  let sum = 0;
  for (let k = 0; k < length; k++) sum += Math.exp(v[offset + k] - max);
  return max + Math.log(sum);
}

/**
 * Multiclass Brier score (Brier 1950): the squared distance between the predicted distribution and
 * the one-hot label, summed over classes and averaged over samples; 0 is perfect, 2 the worst.
 */
export function brierScore(scores: Tensor, target: Tensor, { inputs = 'logits' }: ScoreOptions = {}): number {
  const p = probabilities(scores, inputs, 'brierScore');
  const labels = classIndices(target, p.n, p.c, 'brierScore');
  let sum = 0;
  labels.forEach((y, i) => {
    for (let k = 0; k < p.c; k++) {
      const d = p.values[i * p.c + k] - (k === y ? 1 : 0);
      sum += d * d;
    }
  });
  return sum / p.n;
}
