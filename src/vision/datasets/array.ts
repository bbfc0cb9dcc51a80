// An image-classification dataset held in two arrays, the shape every smoothlab dataset shares.
// The arrays can live in SharedArrayBuffers, so that DataLoader worker threads read them without
// a copy; `sharedBytes` and `sharedLabels` allocate such arrays.
import type { DatasetSpec } from '../../data/dataset_spec.js';
import type { ImageClassificationDataset, ImageSample } from './types.js';

/** A zeroed Uint8Array of `length` bytes in a SharedArrayBuffer (worker threads can read it without a copy). */
export function sharedBytes(length: number): Uint8Array {
  return new Uint8Array(new SharedArrayBuffer(length));
}

/** Labels as an Int32Array in a SharedArrayBuffer: a copy of `values`, or the array itself when it already is one. */
export function sharedLabels(values: ArrayLike<number>): Int32Array {
  if (values instanceof Int32Array && values.buffer instanceof SharedArrayBuffer) return values;
  const labels = new Int32Array(new SharedArrayBuffer(4 * values.length));
  labels.set(values);
  return labels;
}

/** What ImageArrayDataset needs: images back to back (HWC each), one label per image (bytes are widened), the size and class names. */
export interface ImageArrays {
  images: Uint8Array;
  labels: Int32Array | Uint8Array;
  height: number;
  width: number;
  channels: number;
  classes: readonly string[];
}

/** Checks the arrays against each other; `where` names the source in errors. */
export function checkImageArrays(arrays: ImageArrays, where: string): void {
  const { images, labels, height, width, channels, classes } = arrays;
  if (!(images instanceof Uint8Array)) throw new TypeError(`${where}: images must be a Uint8Array`);
  if (!(labels instanceof Int32Array) && !(labels instanceof Uint8Array)) throw new TypeError(`${where}: labels must be an Int32Array (or a Uint8Array)`);
  if (![height, width, channels].every((d) => Number.isInteger(d) && d > 0)) {
    throw new TypeError(`${where}: height, width and channels must be positive integers, got ${height} x ${width} x ${channels}`);
  }
  if (!Array.isArray(classes) || classes.length === 0) throw new TypeError(`${where}: classes must be a non-empty array of names`);
  const size = height * width * channels;
  if (images.length !== labels.length * size) {
    throw new TypeError(`${where}: ${labels.length} labels need ${labels.length} x ${height} x ${width} x ${channels} = ${labels.length * size} image bytes, got ${images.length}`);
  }
  const bad = labels.findIndex((l) => l < 0 || l >= classes.length || !Number.isInteger(l));
  if (bad >= 0) throw new RangeError(`${where}: label ${labels[bad]} at index ${bad} is not a class index (0..${classes.length - 1})`);
}

/** A new dataset of the examples of `ds` at `indices`, in that order (copied into shared memory). */
export function selectExamples(ds: ImageClassificationDataset, indices: ArrayLike<number>): ImageArrayDataset {
  const size = ds.height * ds.width * ds.channels;
  const images = sharedBytes(indices.length * size);
  const labels = new Int32Array(new SharedArrayBuffer(4 * indices.length));
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.length) throw new RangeError(`selectExamples: index ${i} is out of range for a dataset of ${ds.length} examples`);
    images.set(ds.images.subarray(i * size, (i + 1) * size), k * size);
    labels[k] = ds.labels[i];
  }
  return new ImageArrayDataset({ images, labels, height: ds.height, width: ds.width, channels: ds.channels, classes: ds.classes });
}

/** A dataset over arrays already in memory (a test set, a subset, images made by code). */
export class ImageArrayDataset implements ImageClassificationDataset {
  /** Number of examples. */
  readonly length: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel. */
  readonly channels: number;
  /** Class names, indexed by label. */
  readonly classes: readonly string[];
  /** All images back to back, HWC each. */
  readonly images: Uint8Array;
  /** All labels, one per image. */
  readonly labels: Int32Array;

  /** Wraps the arrays after checking them against each other (images are not copied; byte labels are widened into shared memory). */
  constructor(arrays: ImageArrays) {
    checkImageArrays(arrays, this.constructor.name);
    this.images = arrays.images;
    this.labels = arrays.labels instanceof Int32Array ? arrays.labels : sharedLabels(arrays.labels);
    this.height = arrays.height;
    this.width = arrays.width;
    this.channels = arrays.channels;
    this.classes = arrays.classes;
    this.length = arrays.labels.length;
  }

  /** Example i (0 <= i < length): a copy of its pixels and its label. */
  get(i: number): ImageSample {
    if (!Number.isInteger(i)) throw new TypeError(`get: index must be an integer, got ${i}`);
    if (i < 0 || i >= this.length) throw new RangeError(`get: index ${i} is out of range for a dataset of ${this.length} examples`);
    const size = this.height * this.width * this.channels;
    return { image: this.images.slice(i * size, (i + 1) * size), label: this.labels[i] };
  }

  /** A worker thread rebuilds the dataset over the same arrays (in shared memory; copied there once if not). */
  workerSpec(): DatasetSpec {
    const { height, width, channels, classes } = this;
    let images = this.images;
    if (!(images.buffer instanceof SharedArrayBuffer)) {
      images = sharedBytes(this.images.length);
      images.set(this.images);
    }
    return { module: import.meta.url, name: 'ImageArrayDataset', args: [{ images, labels: sharedLabels(this.labels), height, width, channels, classes: [...classes] }] };
  }
}
