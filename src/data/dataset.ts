// The map-style dataset protocol of torch.utils.data: anything with a length and get(i) is a
// Dataset, and TensorDataset, Subset and ConcatDataset compose them. A dataset that worker threads
// can rebuild says how in workerSpec(); those without one load in the calling thread.
import type { Tensor } from '../torch/tensor.js';
import { type DatasetSpec, datasetRef, sharedCopyOf } from './dataset_spec.js';

/** A finite, indexable collection of samples (torch.utils.data.Dataset, map-style). */
export interface Dataset<T> {
  /** Number of samples. */
  readonly length: number;
  /** Sample i, for 0 <= i < length. */
  get(i: number): T;
  /** How a worker thread rebuilds this dataset; without it, samples load in the calling thread. */
  workerSpec?(): DatasetSpec;
}

/** The sample type of a dataset. */
export type SampleOf<D> = D extends Dataset<infer T> ? T : never;

/** Throws a RangeError unless `i` indexes a dataset of `length` samples. */
export function checkIndex(i: number, length: number, where: string): void {
  if (!Number.isInteger(i)) throw new TypeError(`${where}: index must be an integer, got ${i}`);
  if (i < 0 || i >= length) throw new RangeError(`${where}: index ${i} is out of range for a dataset of ${length} samples`);
}

/** Whether `value` is a Dataset: a non-negative integer length and a get method. */
export function isDataset(value: unknown): value is Dataset<unknown> {
  const d = value as Dataset<unknown> | null;
  return d !== null && typeof d === 'object' && Number.isInteger(d.length) && d.length >= 0 && typeof d.get === 'function';
}

/** Sample i is the i-th row of every tensor (torch.utils.data.TensorDataset). */
export class TensorDataset<T extends Tensor[] = Tensor[]> implements Dataset<T> {
  /** The tensors, all with the same first dimension. */
  readonly tensors: T;
  /** Number of samples (the common first dimension). */
  readonly length: number;

  /** Wraps the tensors (not copied); they stay the caller's to dispose. */
  constructor(...tensors: T) {
    if (tensors.length === 0) throw new TypeError('TensorDataset: give at least one tensor');
    const sizes = tensors.map((t) => (t.shape.length === 0 ? -1 : t.shape[0]));
    if (sizes.some((n) => n < 0)) throw new TypeError('TensorDataset: every tensor needs a first dimension (got a 0-d tensor)');
    if (new Set(sizes).size !== 1) throw new TypeError(`TensorDataset: size mismatch between tensors (first dimensions ${sizes.join(', ')})`);
    this.tensors = tensors;
    this.length = sizes[0];
  }

  /** Row i of each tensor, as new views (they belong to the caller, or to the loader's scope). */
  get(i: number): T {
    checkIndex(i, this.length, 'TensorDataset.get');
    return this.tensors.map((t) => t.select(0, i)) as T;
  }

  /** Worker threads read copies of the tensors in shared memory. */
  workerSpec(): DatasetSpec {
    const tensors = this.tensors.map((t) => {
      const cpu = t.to('cpu');
      try {
        return { dtype: t.dtype, shape: t.shape, data: sharedCopyOf(cpu.toTypedArray()) };
      } finally {
        if (cpu !== t) cpu.dispose();
      }
    });
    return { module: new URL('./dataset_spec.js', import.meta.url).href, name: 'TensorRowsDataset', args: [tensors] };
  }
}

/** The samples of `dataset` at `indices`, in that order (torch.utils.data.Subset). */
export class Subset<T> implements Dataset<T> {
  /** The dataset the indices point into. */
  readonly dataset: Dataset<T>;
  /** Indices into `dataset`. */
  readonly indices: Int32Array;

  /** A view of `dataset` (not copied); every index must be valid there. */
  constructor(dataset: Dataset<T>, indices: ArrayLike<number>) {
    if (!isDataset(dataset)) throw new TypeError('Subset: dataset must be a Dataset (length and get(i))');
    this.dataset = dataset;
    this.indices = Int32Array.from(indices as ArrayLike<number>);
    this.indices.forEach((j, k) => {
      if (j !== indices[k]) throw new TypeError(`Subset: index ${indices[k]} at position ${k} is not an integer index`);
      checkIndex(j, dataset.length, 'Subset');
    });
  }

  /** Number of samples. */
  get length(): number {
    return this.indices.length;
  }

  /** Sample `indices[i]` of the dataset. */
  get(i: number): T {
    checkIndex(i, this.length, 'Subset.get');
    return this.dataset.get(this.indices[i]);
  }

  /** A worker rebuilds the parent and keeps the indices; undefined when the parent cannot travel. */
  workerSpec(): DatasetSpec {
    return { module: import.meta.url, name: 'Subset', args: [datasetRef(this.dataset, 'Subset'), this.indices] };
  }
}

/** Several datasets one after the other (torch.utils.data.ConcatDataset). */
export class ConcatDataset<T> implements Dataset<T> {
  /** The parts, in order. */
  readonly datasets: readonly Dataset<T>[];
  /** Running totals of the parts' lengths (PyTorch's cumulative_sizes). */
  readonly cumulativeSizes: readonly number[];

  /** Chains the datasets (not copied). */
  constructor(datasets: Iterable<Dataset<T>>) {
    const parts = [...datasets];
    if (parts.length === 0) throw new TypeError('ConcatDataset: datasets should not be an empty iterable');
    parts.forEach((d, k) => {
      if (!isDataset(d)) throw new TypeError(`ConcatDataset: part ${k} is not a Dataset (length and get(i))`);
    });
    this.datasets = parts;
    let total = 0;
    this.cumulativeSizes = parts.map((d) => (total += d.length));
  }

  /** Number of samples in all parts. */
  get length(): number {
    return this.cumulativeSizes[this.cumulativeSizes.length - 1];
  }

  /** Which part sample i is in, and its index there. */
  locate(i: number): [part: number, index: number] {
    checkIndex(i, this.length, 'ConcatDataset.get');
    let lo = 0;
    let hi = this.cumulativeSizes.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulativeSizes[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    return [lo, lo === 0 ? i : i - this.cumulativeSizes[lo - 1]];
  }

  /** Sample i of the concatenation. */
  get(i: number): T {
    const [part, index] = this.locate(i);
    return this.datasets[part].get(index);
  }

  /** A worker rebuilds every part. */
  workerSpec(): DatasetSpec {
    return { module: import.meta.url, name: 'ConcatDataset', args: [this.datasets.map((d) => datasetRef(d, 'ConcatDataset'))] };
  }
}
