// What every image-classification dataset of smoothlab.vision offers, so that loaders, transforms
// and the study can take any of them. Each is a data.Dataset of ImageSamples too.

/** One example: the pixels as height x width x channels bytes, and the class index. */
export interface ImageSample {
  image: Uint8Array;
  label: number;
}

/** A finite, indexable set of labelled images of one size (torchvision's map-style Dataset). */
export interface ImageClassificationDataset {
  /** Number of examples. */
  readonly length: number;
  /** Image height in pixels. */
  readonly height: number;
  /** Image width in pixels. */
  readonly width: number;
  /** Channels per pixel (1 for grayscale, 3 for RGB). */
  readonly channels: number;
  /** Class names, indexed by label. */
  readonly classes: readonly string[];
  /** All images back to back, length * height * width * channels bytes (HWC each), for fast batching. */
  readonly images: Uint8Array;
  /** All labels, one per image: class indices, any number of classes (int64 in batches). */
  readonly labels: Int32Array;
  /** Example i (0 <= i < length), with a copy of its pixels. */
  get(i: number): ImageSample;
}
