// Multiclass accuracy as torchmetrics computes it: micro (fraction of samples whose label is among
// the top-k scores), macro (the mean over classes of per-class recall), or per class ('none').
// As in torchmetrics, macro leaves out classes that never occur (no target, and for top-1 no
// prediction either), and 0 / 0 counts as 0.
import type { Tensor } from '../torch/tensor.js';
import { type Scores, checkScores, classIndices, rawScores, rowArgmax } from './inputs.js';

/** How per-class results combine: 'micro' over samples, 'macro' over classes, 'none' per class. */
export type Average = 'micro' | 'macro' | 'none';

/** Options of accuracy and MulticlassAccuracy. */
export interface AccuracyOptions<A extends Average = Average> {
  /** Number of classes (inferred by accuracy() from the scores' width or the largest label). */
  numClasses?: number;
  /** A sample counts as correct when its label is among the k highest scores (default 1). */
  topK?: number;
  /** 'micro', 'macro' or 'none'. */
  average?: A;
}

/** Per-class results for 'none', one number otherwise. */
export type AccuracyResult<A extends Average> = A extends 'none' ? number[] : number;

/**
 * Streaming accuracy over batches, as torchmetrics' MulticlassAccuracy: update() with each batch's
 * scores (N, C) or predicted labels (N), compute() at the end, reset() for the next epoch. Note
 * torchmetrics' default average for this class is 'macro' (its Accuracy wrapper's is 'micro').
 */
export class MulticlassAccuracy<A extends Average = 'macro'> {
  /** Number of classes. */
  readonly numClasses: number;
  /** k of top-k accuracy. */
  readonly topK: number;
  /** How per-class recalls combine. */
  readonly average: A;
  // Per class: samples with this label, of those the hits, and top-1 predictions of this class.
  readonly #support: Float64Array;
  readonly #hits: Float64Array;
  readonly #predicted: Float64Array;

  /** An empty accumulator for `numClasses` classes. */
  constructor({ numClasses, topK = 1, average = 'macro' as A }: AccuracyOptions<A> & { numClasses: number }) {
    if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new RangeError(`MulticlassAccuracy: invalid numClasses ${numClasses} (an integer >= 1)`);
    if (!(Number.isInteger(topK) && topK >= 1 && topK <= numClasses)) {
      throw new RangeError(`MulticlassAccuracy: invalid topK ${topK} (an integer in [1, numClasses])`);
    }
    if (average !== 'micro' && average !== 'macro' && average !== 'none') {
      throw new RangeError(`MulticlassAccuracy: invalid average ${JSON.stringify(average)} ('micro', 'macro' or 'none')`);
    }
    this.numClasses = numClasses;
    this.topK = topK;
    this.average = average;
    this.#support = new Float64Array(numClasses);
    this.#hits = new Float64Array(numClasses);
    this.#predicted = new Float64Array(numClasses);
  }

  /** Adds a batch: scores (N, C) or predicted class indices (N), and the labels (N). */
  update(preds: Tensor, target: Tensor): void {
    const where = 'MulticlassAccuracy.update';
    const c = this.numClasses;
    if (preds.ndim === 1) {
      if (this.topK !== 1) throw new RangeError(`${where}: topK ${this.topK} needs scores (N, C), not predicted labels`);
      const predicted = classIndices(preds, null, c, where);
      const labels = classIndices(target, predicted.length, c, where);
      labels.forEach((y, i) => this.#count(y, predicted[i], predicted[i] === y));
      return;
    }
    const [n, width] = checkScores(preds, where);
    if (width !== c) throw new RangeError(`${where}: scores have ${width} classes, expected numClasses ${c}`);
    const labels = classIndices(target, n, c, where);
    const s = rawScores(preds, where);
    labels.forEach((y, i) => {
      const top1 = rowArgmax(s, i);
      this.#count(y, top1, this.topK === 1 ? top1 === y : inTopK(s, i, y, this.topK));
    });
  }

  /** The top-1 classes of scores (N, C) when topK is 1 (update() reads no more of them), else the scores as they are. */
  reducePreds(preds: Tensor): Tensor {
    return this.topK === 1 && preds.ndim === 2 ? preds.argmax(1) : preds;
  }

  #count(label: number, top1: number, hit: boolean): void {
    this.#support[label] += 1;
    this.#predicted[top1] += 1;
    if (hit) this.#hits[label] += 1;
  }

  /** The accuracy of everything seen since construction or reset(). */
  compute(): AccuracyResult<A> {
    const c = this.numClasses;
    const recall = Array.from({ length: c }, (_, k) => (this.#support[k] === 0 ? 0 : this.#hits[k] / this.#support[k]));
    if (this.average === 'none') return recall as AccuracyResult<A>;
    if (this.average === 'micro') {
      const total = this.#support.reduce((a, b) => a + b, 0);
      return (total === 0 ? 0 : this.#hits.reduce((a, b) => a + b, 0) / total) as AccuracyResult<A>;
    }
    // torchmetrics' macro weights: classes with tp + fp + fn = 0 (top-1) or tp + fn = 0 (top-k) drop out.
    let sum = 0;
    let classes = 0;
    for (let k = 0; k < c; k++) {
      const falsePositives = this.#predicted[k] - (this.topK === 1 ? this.#hits[k] : 0);
      const present = this.#support[k] > 0 || (this.topK === 1 && falsePositives > 0);
      if (!present) continue;
      sum += recall[k];
      classes += 1;
    }
    return (classes === 0 ? 0 : sum / classes) as AccuracyResult<A>;
  }

  /** Forgets everything seen. */
  reset(): void {
    this.#support.fill(0);
    this.#hits.fill(0);
    this.#predicted.fill(0);
  }

  /** The counts accumulated so far (torchmetrics' metric states), so that a checkpoint taken mid-epoch resumes them. */
  stateDict(): { support: number[]; hits: number[]; predicted: number[] } {
    return { support: Array.from(this.#support), hits: Array.from(this.#hits), predicted: Array.from(this.#predicted) };
  }

  /** Restores counts from stateDict(). */
  loadStateDict(state: { support: number[]; hits: number[]; predicted: number[] }): void {
    for (const [name, into] of [['support', this.#support], ['hits', this.#hits], ['predicted', this.#predicted]] as const) {
      const values = state?.[name];
      if (!Array.isArray(values) || values.length !== this.numClasses) throw new TypeError(`MulticlassAccuracy.loadStateDict: ${name} must hold ${this.numClasses} counts`);
      into.set(values);
    }
  }
}

// Whether label y is among the k highest scores of row i; ties count in the label's favour.
function inTopK(s: Scores, i: number, y: number, k: number): boolean {
  const base = i * s.c;
  const score = s.values[base + y];
  let higher = 0;
  for (let j = 0; j < s.c; j++) if (s.values[base + j] > score) higher += 1;
  return higher < k;
}

/** Accuracy of scores (N, C) or predicted labels (N) against labels (N); 'micro' top-1 by default. */
export function accuracy(preds: Tensor, target: Tensor, options?: AccuracyOptions<'micro' | 'macro'>): number;
export function accuracy(preds: Tensor, target: Tensor, options: AccuracyOptions<'none'>): number[];
export function accuracy(preds: Tensor, target: Tensor, { numClasses, topK = 1, average = 'micro' }: AccuracyOptions = {}): number | number[] {
  let classes = numClasses;
  if (classes === undefined) {
    if (preds.ndim === 2) classes = preds.shape[1];
    else {
      const largest = (t: Tensor) => classIndices(t, null, null, 'accuracy').reduce((a, b) => Math.max(a, b), -1);
      classes = Math.max(largest(preds), largest(target)) + 1;
    }
  }
  const metric = new MulticlassAccuracy({ numClasses: Math.max(classes, 1), topK, average });
  metric.update(preds, target);
  return metric.compute();
}
