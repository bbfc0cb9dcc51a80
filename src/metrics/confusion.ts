// The confusion matrix: rows are true classes, columns predicted classes (sklearn and torchmetrics
// order), optionally normalized over rows ('true': per-class recall on the diagonal), columns
// ('pred': precision) or everything ('all'); 0 / 0 gives 0, as in torchmetrics.
import type { Tensor } from '../torch/tensor.js';
import { classIndices, rawScores, rowArgmax } from './inputs.js';

/** How confusionMatrix normalizes its counts. */
export type ConfusionNormalization = 'none' | 'true' | 'pred' | 'all';

/** counts[i][j]: samples of true class i predicted as j (from scores' argmax or given labels), as plain arrays. */
export function confusionMatrix(
  preds: Tensor, target: Tensor,
  { numClasses, normalize = 'none' }: { numClasses?: number; normalize?: ConfusionNormalization } = {},
): number[][] {
  const where = 'confusionMatrix';
  if (!['none', 'true', 'pred', 'all'].includes(normalize)) {
    throw new RangeError(`${where}: invalid normalize ${JSON.stringify(normalize)} ('none', 'true', 'pred' or 'all')`);
  }
  let predicted: Int32Array;
  if (preds.ndim === 2) {
    const s = rawScores(preds, where);
    predicted = Int32Array.from({ length: s.n }, (_, i) => rowArgmax(s, i));
    numClasses ??= s.c;
  } else {
    predicted = classIndices(preds, null, numClasses ?? null, where);
  }
  const labels = classIndices(target, predicted.length, numClasses ?? null, where);
  const c = numClasses ?? Math.max(predicted.reduce((a, b) => Math.max(a, b), -1), labels.reduce((a, b) => Math.max(a, b), -1)) + 1;
  if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`${where}: invalid numClasses ${c} (an integer >= 1)`);
  if (predicted.some((p) => p >= c)) throw new RangeError(`${where}: a prediction is outside [0, ${c})`);
  const counts = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  labels.forEach((y, i) => (counts[y][predicted[i]] += 1));
  if (normalize === 'none') return counts;
  const safe = (a: number, b: number) => (b === 0 ? 0 : a / b);
  if (normalize === 'all') {
    const total = labels.length;
    return counts.map((row) => row.map((v) => safe(v, total)));
  }
  if (normalize === 'true') return counts.map((row) => row.map((v) => safe(v, row.reduce((a, b) => a + b, 0))));
  const columns = counts[0].map((_, j) => counts.reduce((a, row) => a + row[j], 0));
  return counts.map((row) => row.map((v, j) => safe(v, columns[j])));
}
