// Calibration of a classifier's confidence (Guo et al. 2017, "On Calibration of Modern Neural
// Networks"): samples are binned by confidence (the top softmax probability) into equal-width bins
// [b / n, (b + 1) / n), the last one closed, as torchmetrics bins them; each bin compares its mean
// confidence with its accuracy. ECE weighs the gaps by bin size, MCE takes the largest, RMS the
// root of the size-weighted squares (torchmetrics' 'l1', 'max' and 'l2' norms).
import type { Tensor } from '../torch/tensor.js';
import { type ScoreOptions, classIndices, probabilities } from './inputs.js';

/** Which calibration error: 'l1' = ECE, 'max' = MCE, 'l2' = RMS calibration error. */
export type CalibrationNorm = 'l1' | 'l2' | 'max';

/** Options of calibrationError and reliabilityDiagram. */
export interface CalibrationOptions extends ScoreOptions {
  /** Number of equal-width confidence bins (default 15, as torchmetrics and Guo et al.). */
  nBins?: number;
  /**
   * The class predicted for each sample (default: the top score), whose probability is the
   * confidence. Temperature-scaled scores pass the unscaled argmax: scaling never changes it, and
   * an infinite temperature ties every class, where taking the first would predict class 0 for all.
   */
  predictions?: ArrayLike<number>;
}

/** One confidence bin of a reliability diagram; confidence and accuracy are null when it is empty. */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  confidence: number | null;
  accuracy: number | null;
}

/** A reliability diagram's data, with the three calibration errors and the overall numbers. */
export interface ReliabilityDiagram {
  bins: ReliabilityBin[];
  /** Expected calibration error (l1). */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  /** Root-mean-square calibration error (l2). */
  rms: number;
  /** Top-1 accuracy of all samples. */
  accuracy: number;
  /** Mean confidence of all samples. */
  confidence: number;
  /** Number of samples. */
  count: number;
}

/** The bins of a reliability diagram for scores (N, C) and labels (N), with ECE, MCE and RMS. */
export function reliabilityDiagram(scores: Tensor, target: Tensor, { nBins = 15, inputs = 'logits', predictions }: CalibrationOptions = {}): ReliabilityDiagram {
  const where = 'reliabilityDiagram';
  if (!(Number.isInteger(nBins) && nBins >= 1)) throw new RangeError(`${where}: invalid nBins ${nBins} (an integer >= 1)`);
  const p = probabilities(scores, inputs, where);
  const labels = classIndices(target, p.n, p.c, where);
  if (predictions !== undefined && predictions.length !== p.n) throw new RangeError(`${where}: ${predictions.length} predictions for ${p.n} samples`);
  const edges = Array.from({ length: nBins + 1 }, (_, b) => b / nBins);
  const count = new Float64Array(nBins);
  const confSum = new Float64Array(nBins);
  const correctSum = new Float64Array(nBins);
  let totalConf = 0;
  let totalCorrect = 0;
  labels.forEach((y, i) => {
    let best = 0;
    const base = i * p.c;
    if (predictions !== undefined) best = predictions[i];
    else for (let k = 1; k < p.c; k++) if (p.values[base + k] > p.values[base + best]) best = k;
    const conf = p.values[base + best];
    const correct = best === y ? 1 : 0;
    // floor(conf * n) can land one bin off at an edge; the comparisons settle it against the edges.
    let b = Math.min(nBins - 1, Math.max(0, Math.floor(conf * nBins)));
    while (b > 0 && conf < edges[b]) b -= 1;
    while (b < nBins - 1 && conf >= edges[b + 1]) b += 1;
    count[b] += 1;
    confSum[b] += conf;
    correctSum[b] += correct;
    totalConf += conf;
    totalCorrect += correct;
  });
  const n = p.n;
  let ece = 0;
  let mce = 0;
  let squares = 0;
  const bins: ReliabilityBin[] = [];
  for (let b = 0; b < nBins; b++) {
    const empty = count[b] === 0;
    const confidence = empty ? null : confSum[b] / count[b];
    const acc = empty ? null : correctSum[b] / count[b];
    bins.push({ lower: edges[b], upper: edges[b + 1], count: count[b], confidence, accuracy: acc });
    if (empty) continue;
    const gap = Math.abs(acc! - confidence!);
    ece += (count[b] / n) * gap;
    squares += (count[b] / n) * gap * gap;
    mce = Math.max(mce, gap);
  }
  return {
    bins, ece, mce, rms: Math.sqrt(squares), accuracy: n === 0 ? 0 : totalCorrect / n, confidence: n === 0 ? 0 : totalConf / n, count: n,
  };
}

/** The calibration error of scores (N, C) against labels (N): ECE by default (norm 'l1', 15 bins). */
export function calibrationError(scores: Tensor, target: Tensor, { norm = 'l1', ...options }: CalibrationOptions & { norm?: CalibrationNorm } = {}): number {
  if (norm !== 'l1' && norm !== 'l2' && norm !== 'max') {
    throw new RangeError(`calibrationError: invalid norm ${JSON.stringify(norm)} ('l1', 'l2' or 'max')`);
  }
  const diagram = reliabilityDiagram(scores, target, options);
  return norm === 'l1' ? diagram.ece : norm === 'l2' ? diagram.rms : diagram.mce;
}
