// What fit() and evaluate() consume: batches of tensors from a DataLoader or any (async) iterable.
import type { Tensor } from '../torch/tensor.js';

/** One batch: inputs (N, ...) and targets (N) or (N, C). */
export interface Batch {
  input: Tensor;
  target: Tensor;
}

/**
 * Batches for one pass over the data. A DataLoader fits; so does an array of batches. fit() calls
 * setEpoch(e) before each epoch (so that shuffling and augmentation depend on the epoch and a
 * resumed run sees the same data). Batches from an iterator belong to fit() / evaluate(), which
 * dispose them after use; the batches of an array stay the caller's (they are reused every epoch).
 */
export type BatchSource = (AsyncIterable<Batch> | Iterable<Batch>) & {
  /** Samples per pass, for the progress display. */
  readonly numSamples?: number;
  setEpoch?(epoch: number): void;
};

/** The metric protocol of torchmetrics: accumulate batches, then compute one number. */
export interface Metric {
  update(preds: Tensor, target: Tensor): void;
  compute(): number;
  reset(): void;
}

/** Releases a batch after use unless it belongs to an array source (which the caller reuses). */
export function releaseBatch(source: BatchSource, batch: Batch): void {
  if (Array.isArray(source)) return;
  batch.input.dispose();
  batch.target.dispose();
}

/** Counts samples of a source when it says how many it has. */
export function sampleCount(source: BatchSource): number {
  if (source.numSamples !== undefined) return source.numSamples;
  return Array.isArray(source) ? source.reduce((n: number, b: Batch) => n + b.input.shape[0], 0) : 0;
}

/** The DataLoader's view fit() needs: `for await` batches of images and labels, epochs, a dataset size. */
export interface ImageBatchLoader extends AsyncIterable<{ images: Tensor; labels: Tensor }> {
  readonly dataset: { readonly length: number };
  readonly batchSize: number;
  readonly dropLast: boolean;
  setEpoch(epoch: number): void;
}

/** Adapts a DataLoader of {images, labels} to fit()'s {input, target} batches. */
export function fromDataLoader(loader: ImageBatchLoader): BatchSource {
  const n = loader.dataset.length;
  return {
    numSamples: loader.dropLast ? n - (n % loader.batchSize) : n,
    setEpoch: (epoch: number) => loader.setEpoch(epoch),
    async *[Symbol.asyncIterator]() {
      for await (const batch of loader) yield { input: batch.images, target: batch.labels };
    },
  };
}
