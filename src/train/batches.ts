// What fit() and evaluate() consume: batches of tensors from a DataLoader or any (async) iterable.
import type { Batch } from '../data/collate.js';
import { dispose } from '../torch/memory.js';
import type { Tensor } from '../torch/tensor.js';

export type { Batch };

/** Where a source is within an epoch, for resuming mid-epoch (DataLoader's stateDict). */
export interface SourceState {
  epoch: number;
  batchesYielded: number;
  seed?: number | bigint;
}

/**
 * Batches for one pass over the data: a DataLoader, or an array or iterable of [input, target]
 * pairs. fit() calls setEpoch(e) before each epoch (so that shuffling and augmentation depend on
 * the epoch and a resumed run sees the same data), and resumes an interrupted epoch through
 * stateDict() / loadStateDict() where the source has them (others are skipped batch by batch).
 * Batches from an iterator belong to fit() / evaluate(), which dispose them after use; the batches
 * of an array stay the caller's (they are reused every epoch).
 */
export type BatchSource = (AsyncIterable<Batch> | Iterable<Batch>) & {
  /** Samples per pass, for the progress display. */
  readonly numSamples?: number;
  setEpoch?(epoch: number): void;
  stateDict?(): SourceState;
  loadStateDict?(state: SourceState): void;
};

/** A loss function of (output, target) returning a scalar mean over the batch. */
export type LossFn = (output: Tensor, target: Tensor) => Tensor;

/** The metric protocol of torchmetrics: accumulate batches, then compute one number; states for mid-epoch checkpoints are optional. */
export interface Metric {
  update(preds: Tensor, target: Tensor): void;
  /**
   * What update() needs of a batch's outputs, computed where they are (MulticlassAccuracy: the
   * top-1 classes): fit() and evaluate() keep this instead of the outputs until the next loss read.
   */
  reducePreds?(preds: Tensor): Tensor;
  compute(): number;
  reset(): void;
  stateDict?(): unknown;
  loadStateDict?(state: never): void;
}

/** Releases a batch after use unless it belongs to an array source (which the caller reuses). */
export function releaseBatch(source: BatchSource, batch: Batch): void {
  if (Array.isArray(source)) return;
  dispose(batch);
}

/** Counts samples of a source when it says how many it has. */
export function sampleCount(source: BatchSource): number {
  if (source.numSamples !== undefined) return source.numSamples;
  return Array.isArray(source) ? source.reduce((n: number, b: Batch) => n + b[0].shape[0], 0) : 0;
}

/** Throws a TypeError unless a batch is an [input, target] pair of tensors. */
export function checkBatch(batch: unknown, where: string): asserts batch is Batch {
  if (!Array.isArray(batch) || batch.length < 2 || typeof batch[0]?.shape === 'undefined' || typeof batch[1]?.shape === 'undefined') {
    throw new TypeError(`${where}: a batch must be an [input, target] pair of tensors (as a DataLoader yields), got ${batch === null ? 'null' : Array.isArray(batch) ? `an array of ${batch.length}` : typeof batch}`);
  }
}
