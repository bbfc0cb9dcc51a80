// Temperature scaling (Guo et al. 2017): one scalar T > 0 divides the logits, chosen to minimize
// the NLL of held-out labels; accuracy is unchanged and calibration usually improves. The NLL is
// convex in beta = 1 / T (a log-sum-exp of lines minus a line), with derivative
//   f'(beta)  = mean_i (E_softmax(beta z_i)[z_i] - z_i[y_i])
//   f''(beta) = mean_i Var_softmax(beta z_i)[z_i] >= 0,
// so a bracketed Newton iteration on beta finds the optimum to machine precision in a few steps
// (Guo et al. use L-BFGS on T; the optimum is the same).
import type { Tensor } from '../torch/tensor.js';
import { classIndices, rawScores } from './inputs.js';
import { logSumExp } from './scoring_rules.js';

/** The fitted temperature and the NLL (nats) before and after scaling. */
export interface TemperatureFit {
  /** Divide logits by this. Infinity when no temperature beats the uniform prediction. */
  temperature: number;
  /** Mean NLL of logits / 1. */
  nllBefore: number;
  /** Mean NLL of logits / temperature. */
  nllAfter: number;
  /** Newton / bisection iterations used. */
  iterations: number;
}

// f'(beta) and f''(beta) over all samples, and f(beta) itself.
function derivatives(z: Float64Array, labels: Int32Array, c: number, beta: number): { f: number; g: number; h: number } {
  let f = 0;
  let g = 0;
  let h = 0;
  const n = labels.length;
  for (let i = 0; i < n; i++) {
    const base = i * c;
    let max = -Infinity;
    for (let k = 0; k < c; k++) max = Math.max(max, beta * z[base + k]);
    let sum = 0;
    let m1 = 0;
    let m2 = 0;
    for (let k = 0; k < c; k++) {
      const w = Math.exp(beta * z[base + k] - max);
      sum += w;
      m1 += w * z[base + k];
      m2 += w * z[base + k] * z[base + k];
    }
    const mean = m1 / sum;
    f += max + Math.log(sum) - beta * z[base + labels[i]];
    g += mean - z[base + labels[i]];
    h += Math.max(0, m2 / sum - mean * mean);
  }
  return { f: f / n, g: g / n, h: h / n };
}

/** Fits the temperature that minimizes the mean NLL of `logits` (N, C) on `labels` (N). */
export function fitTemperature(logits: Tensor, labels: Tensor, { maxIter = 100 }: { maxIter?: number } = {}): TemperatureFit {
  const where = 'fitTemperature';
  if (!(Number.isInteger(maxIter) && maxIter >= 1)) throw new RangeError(`${where}: invalid maxIter ${maxIter} (an integer >= 1)`);
  const s = rawScores(logits, where);
  const y = classIndices(labels, s.n, s.c, where);
  if (s.n === 0) throw new RangeError(`${where}: no samples`);
  if (!s.values.every(Number.isFinite)) throw new RangeError(`${where}: logits must be finite`);
  let nllBefore = 0;
  y.forEach((label, i) => (nllBefore += logSumExp(s.values, i * s.c, s.c) - s.values[i * s.c + label]));
  nllBefore /= s.n;

  const at = (beta: number) => derivatives(s.values, y, s.c, beta);
  // Bracket the root of f' in [lo, hi]: f'(0) >= 0 means the uniform prediction (T = Infinity) is best.
  let lo = 0;
  if (at(0).g >= 0) return { temperature: Infinity, nllBefore, nllAfter: Math.log(s.c), iterations: 0 };
  let hi = 1;
  let iterations = 0;
  while (at(hi).g < 0 && hi < 2 ** 60) {
    lo = hi;
    hi *= 2;
    iterations += 1;
  }
  let beta = Math.min(Math.max(1, lo), hi);
  for (; iterations < maxIter; iterations++) {
    const { g, h } = at(beta);
    if (g === 0) break;
    if (g < 0) lo = beta;
    else hi = beta;
    let next = h > 0 ? beta - g / h : NaN;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2; // Newton left the bracket: bisect
    if (Math.abs(next - beta) <= 4 * Number.EPSILON * beta) {
      beta = next;
      break;
    }
    beta = next;
  }
  return { temperature: 1 / beta, nllBefore, nllAfter: at(beta).f, iterations };
}
