// Preparing one batch: the code a worker thread runs, and the main thread runs too when
// numWorkers is 0, so that both give the same bytes. Each batch draws from its own generator,
// seeded from (loader seed, epoch, batch index): the result does not depend on which thread
// prepares which batch, nor on how many threads there are.
import type { HWCImage, Image } from '../vision/transforms/image.js';
import { Compose, type Transform } from '../vision/transforms/transform.js';
import { ToImage } from '../vision/transforms/convert.js';
import { Generator } from './generator.js';
import { SampleError } from './errors.js';

/** What a worker needs of an image dataset: its two arrays and its image size. */
export interface DatasetArrays {
  images: Uint8Array;
  /** One label per image (Int32Array: any number of classes; Uint8Array is read too). */
  labels: Int32Array | Uint8Array;
  height: number;
  width: number;
  channels: number;
}

/** The element type and CHW size of the transform's output, fixed by the first sample. */
export interface SampleShape {
  dtype: 'uint8' | 'float32';
  channels: number;
  height: number;
  width: number;
}

/** Where a batch is written: image and label storage for up to batchSize samples (shared memory in worker mode). */
export interface BatchSlot {
  images: Uint8Array | Float32Array;
  labels: Int32Array;
}

/** Values per sample of a shape. */
export const sampleSize = (s: SampleShape): number => s.channels * s.height * s.width;

/**
 * Whether the transform only reads its input: it starts with ToImage, which makes a new array.
 * Other transforms get a copy of each sample, so that none can write into the (shared) dataset.
 */
export function readsInputOnly(transform: Transform): boolean {
  return transform instanceof ToImage || (transform instanceof Compose && transform.transforms[0] instanceof ToImage);
}

/** Sample i of the dataset as an HWC image: a view when `copy` is false, else a copy. */
export function sampleImage(arrays: DatasetArrays, i: number, copy = true): HWCImage {
  const size = arrays.height * arrays.width * arrays.channels;
  const data = copy ? arrays.images.slice(i * size, (i + 1) * size) : arrays.images.subarray(i * size, (i + 1) * size);
  return { layout: 'HWC', data, height: arrays.height, width: arrays.width, channels: arrays.channels };
}

/** Runs the transform on sample i and checks that the result is a CHW image. */
export function transformSample(arrays: DatasetArrays, transform: Transform, i: number, generator: Generator): Image {
  const out = transform.forward(sampleImage(arrays, i, !readsInputOnly(transform)), generator) as Image & { layout?: string };
  if (out === null || typeof out !== 'object' || !(out.data instanceof Uint8Array || out.data instanceof Float32Array) || out.layout === 'HWC') {
    throw new TypeError('the transform must return a CHW image ({ data, channels, height, width }); start the pipeline with ToImage()');
  }
  return out;
}

/** The output shape of the transform, from one sample (the probe every loader runs once: its first sample). */
export function probeShape(arrays: DatasetArrays, transform: Transform, index = 0): SampleShape {
  let out: Image;
  try {
    out = transformSample(arrays, transform, index, new Generator(0));
  } catch (error) {
    throw new SampleError(index, error);
  }
  return { dtype: out.data instanceof Uint8Array ? 'uint8' : 'float32', channels: out.channels, height: out.height, width: out.width };
}

/** Fills `slot` with the transformed samples `indices`, drawing from a generator seeded with `seed`. */
export function fillBatch(arrays: DatasetArrays, transform: Transform, shape: SampleShape, indices: ArrayLike<number>, seed: number, slot: BatchSlot, generator = new Generator()): void {
  generator.manualSeed(seed);
  const size = sampleSize(shape);
  for (let k = 0; k < indices.length; k++) {
    const index = indices[k];
    try {
      const img = transformSample(arrays, transform, index, generator);
      const dtype = img.data instanceof Uint8Array ? 'uint8' : 'float32';
      if (dtype !== shape.dtype || img.channels !== shape.channels || img.height !== shape.height || img.width !== shape.width || img.data.length !== size) {
        throw new TypeError(`the transform produced a ${dtype} ${img.channels}x${img.height}x${img.width} image, but batches hold ${shape.dtype} ${shape.channels}x${shape.height}x${shape.width} ones (the first sample's)`);
      }
      slot.images.set(img.data, k * size);
    } catch (error) {
      throw new SampleError(index, error);
    }
    slot.labels[k] = arrays.labels[index];
  }
}
