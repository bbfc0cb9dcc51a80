// The conversion steps of a pipeline: dataset bytes -> CHW image -> float32 -> normalized.
import type { Generator } from '../../data/generator.js';
import { type HWCImage, type Image, type ImageDType, checkImage } from './image.js';
import { normalize, scaleNormalize, toDtype, toImage } from './functional/convert.js';
import { type Transform, type TransformSpec, registerFusion } from './transform.js';

/** HWC bytes as datasets store them -> a CHW uint8 image (torchvision v2's ToImage). */
export class ToImage implements Transform<HWCImage | Image, Image> {
  /** Converts a dataset sample; a CHW image passes through unchanged. */
  forward(img: HWCImage | Image): Image {
    if ((img as HWCImage)?.layout === 'HWC') return toImage(img as HWCImage);
    checkImage(img, 'ToImage');
    return img;
  }

  /** Rebuilt in workers as is. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'ToImage' };
  }
}

/** Options of ToDtype. */
export interface ToDtypeOptions {
  /** Rescale values between the types' ranges (uint8 0..255 <-> float32 0..1); false, as in torchvision, just casts. */
  scale?: boolean;
}

/** Converts the element type (torchvision v2's ToDtype); use { scale: true } for uint8 -> [0, 1] floats. */
export class ToDtype implements Transform<Image, Image> {
  /** Target element type. */
  readonly dtype: ImageDType;
  /** Whether values are rescaled. */
  readonly scale: boolean;

  /** Converts to `dtype`, rescaling when `scale` is set. */
  constructor(dtype: ImageDType, { scale = false }: ToDtypeOptions = {}) {
    if (dtype !== 'uint8' && dtype !== 'float32') throw new TypeError(`ToDtype: dtype must be 'uint8' or 'float32', got ${JSON.stringify(dtype)}`);
    if (typeof scale !== 'boolean') throw new TypeError(`ToDtype: scale must be a boolean, got ${JSON.stringify(scale)}`);
    this.dtype = dtype;
    this.scale = scale;
  }

  /** Converts one image. */
  forward(img: Image): Image {
    return toDtype(img, this.dtype, { scale: this.scale });
  }

  /** Rebuilt in workers from dtype and scale. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'ToDtype', options: { dtype: this.dtype, scale: this.scale } };
  }

  /** ToDtype's constructor takes dtype positionally, so the spec needs its own rebuild. */
  static async fromSpec(spec: TransformSpec): Promise<ToDtype> {
    const { dtype, scale } = spec.options as { dtype: ImageDType; scale: boolean };
    return new ToDtype(dtype, { scale });
  }
}

/** (x - mean) / std per channel on float32 images (torchvision's Normalize). */
export class Normalize implements Transform<Image, Image> {
  /** Per-channel means. */
  readonly mean: readonly number[];
  /** Per-channel standard deviations. */
  readonly std: readonly number[];

  /** Normalizes with these per-channel statistics (e.g. those of channelStats()). */
  constructor(mean: readonly number[], std: readonly number[]) {
    if (!Array.isArray(mean) || !Array.isArray(std) || mean.length === 0 || mean.length !== std.length || ![...mean, ...std].every((v) => typeof v === 'number' && Number.isFinite(v))) {
      throw new TypeError(`Normalize: mean and std must be arrays of finite numbers of one length, got ${JSON.stringify(mean)} and ${JSON.stringify(std)}`);
    }
    if (std.some((s) => s === 0)) throw new RangeError(`Normalize: std ${JSON.stringify(std)} has a zero`);
    this.mean = [...mean];
    this.std = [...std];
  }

  /** Normalizes one float32 image. */
  forward(img: Image, _generator?: Generator): Image {
    return normalize(img, this.mean, this.std);
  }

  /** Rebuilt in workers from mean and std. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'Normalize', options: { mean: this.mean, std: this.std } };
  }

  /** Normalize's constructor takes mean and std positionally. */
  static async fromSpec(spec: TransformSpec): Promise<Normalize> {
    const { mean, std } = spec.options as { mean: number[]; std: number[] };
    return new Normalize(mean, std);
  }
}

// ToDtype('float32', { scale: true }) then Normalize on bytes: one table lookup per value instead
// of two passes and an intermediate float image, with the same float32 results.
class ScaleNormalize implements Transform<Image, Image> {
  constructor(private readonly toDtype: ToDtype, private readonly normalize: Normalize) {}

  forward(img: Image): Image {
    if (img.data instanceof Uint8Array) return scaleNormalize(img as Image<Uint8Array>, this.normalize.mean, this.normalize.std);
    return this.normalize.forward(this.toDtype.forward(img));
  }

  toSpec(): TransformSpec {
    throw new TypeError('ScaleNormalize is internal to Compose, whose spec lists the original steps');
  }
}

registerFusion({
  fuse: (first, second) =>
    first instanceof ToDtype && first.dtype === 'float32' && first.scale && second instanceof Normalize ? new ScaleNormalize(first, second) : null,
});
