// Where the image pipeline reads its pixels. A dataset that holds its images in one byte array
// (every vision dataset) is batched straight from that array, in shared memory for the workers; a
// Subset of one reads its parent's arrays through an index map, and a ConcatDataset of image
// datasets of one size is gathered once into arrays of its own. Anything else is batched sample by
// sample through get(i) and a collate function.
import type { DatasetArrays } from './batch_fill.js';
import { ConcatDataset, Subset } from './dataset.js';

/** The image pipeline's view of a dataset: arrays to read, and which of their samples index i is. */
export interface ImageSource {
  arrays: DatasetArrays;
  /** Index i of the loader's dataset is sample indexMap[i] of the arrays (null: the same index). */
  indexMap: Int32Array | null;
}

const isDim = (v: unknown) => Number.isInteger(v) && (v as number) > 0;

/** Whether a dataset holds its images in arrays (images, labels, height, width, channels), as the vision datasets do. */
export function hasImageArrays(d: unknown): d is DatasetArrays & { length: number } {
  const a = d as DatasetArrays | null;
  return a !== null && typeof a === 'object' && a.images instanceof Uint8Array
    && (a.labels instanceof Int32Array || a.labels instanceof Uint8Array) && isDim(a.height) && isDim(a.width) && isDim(a.channels);
}

const gathered = new WeakMap<object, DatasetArrays>();

// One set of arrays for image datasets of one size, back to back, made once per ConcatDataset.
function gather(concat: ConcatDataset<unknown>, parts: ImageSource[]): DatasetArrays {
  let arrays = gathered.get(concat);
  if (arrays === undefined) {
    const { height, width, channels } = parts[0].arrays;
    const size = height * width * channels;
    const counts = parts.map((p) => p.indexMap?.length ?? p.arrays.labels.length);
    const total = counts.reduce((a, b) => a + b, 0);
    const images = new Uint8Array(new SharedArrayBuffer(total * size));
    const labels = new Int32Array(new SharedArrayBuffer(4 * total));
    let at = 0;
    parts.forEach((p, k) => {
      for (let j = 0; j < counts[k]; j++) {
        const i = p.indexMap === null ? j : p.indexMap[j];
        images.set(p.arrays.images.subarray(i * size, (i + 1) * size), (at + j) * size);
        labels[at + j] = p.arrays.labels[i];
      }
      at += counts[k];
    });
    arrays = { images, labels, height, width, channels };
    gathered.set(concat, arrays);
  }
  return arrays;
}

/** The arrays the image pipeline can batch `dataset` from, or null when it is no image dataset. */
export function imageSource(dataset: unknown): ImageSource | null {
  if (hasImageArrays(dataset)) {
    const { images, labels, height, width, channels } = dataset;
    return { arrays: { images, labels, height, width, channels }, indexMap: null };
  }
  if (dataset instanceof Subset) {
    const parent = imageSource(dataset.dataset);
    if (parent === null) return null;
    const map = parent.indexMap;
    return { arrays: parent.arrays, indexMap: map === null ? dataset.indices : dataset.indices.map((i) => map[i]) };
  }
  if (dataset instanceof ConcatDataset) {
    const parts = dataset.datasets.map((d) => imageSource(d));
    if (parts.some((p) => p === null)) return null;
    const size = (p: ImageSource) => `${p.arrays.height}x${p.arrays.width}x${p.arrays.channels}`;
    if (new Set(parts.map((p) => size(p!))).size !== 1) return null;
    return { arrays: gather(dataset, parts as ImageSource[]), indexMap: null };
  }
  return null;
}
