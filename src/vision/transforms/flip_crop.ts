// Random flips and crops, drawing from the generator exactly as torchvision draws from torch.
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { type PaddingMode, crop, hflip, pad, parsePadding, vflip } from './functional/geometry.js';
import { f32 } from './functional/numeric.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

function checkProbability(where: string, p: number): number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`${where}: p must be a probability in [0, 1], got ${p}`);
  return p;
}

/** Flips left-right with probability p (torchvision's RandomHorizontalFlip, p = 0.5). */
export class RandomHorizontalFlip implements Transform<Image, Image> {
  /** Probability of a flip. */
  readonly p: number;

  /** Flips with probability `p`. */
  constructor({ p = 0.5 }: { p?: number } = {}) {
    this.p = checkProbability('RandomHorizontalFlip', p);
  }

  /** One draw, `torch.rand(1) < p` (compared in float32), then maybe a flip. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'RandomHorizontalFlip');
    return generator.rand() < f32(this.p) ? hflip(img) : img;
  }

  /** Rebuilt in workers from p. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'RandomHorizontalFlip', options: { p: this.p } };
  }
}

/** Flips top-bottom with probability p (torchvision's RandomVerticalFlip, p = 0.5). */
export class RandomVerticalFlip implements Transform<Image, Image> {
  /** Probability of a flip. */
  readonly p: number;

  /** Flips with probability `p`. */
  constructor({ p = 0.5 }: { p?: number } = {}) {
    this.p = checkProbability('RandomVerticalFlip', p);
  }

  /** One draw, then maybe a flip. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'RandomVerticalFlip');
    return generator.rand() < f32(this.p) ? vflip(img) : img;
  }

  /** Rebuilt in workers from p. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'RandomVerticalFlip', options: { p: this.p } };
  }
}

/** Options of RandomCrop (torchvision's names and defaults). */
export interface RandomCropOptions {
  /** Border added first: n, [left/right, top/bottom] or [left, top, right, bottom]; none by default. */
  padding?: number | readonly number[] | null;
  /** Pad images smaller than the crop up to its size. */
  padIfNeeded?: boolean;
  /** Constant-mode fill: a number or one per channel. */
  fill?: number | readonly number[];
  /** 'constant' (default), 'edge', 'reflect' or 'symmetric'. */
  paddingMode?: PaddingMode;
}

/** Pads (optionally) and crops `size` at a uniformly random position (torchvision's RandomCrop). */
export class RandomCrop implements Transform<Image, Image> {
  /** Output [height, width]. */
  readonly size: readonly [number, number];
  /** Padding applied before cropping, or null. */
  readonly padding: number | readonly number[] | null;
  /** Whether small images are padded up to the crop size. */
  readonly padIfNeeded: boolean;
  /** Constant-mode fill. */
  readonly fill: number | readonly number[];
  /** Padding mode. */
  readonly paddingMode: PaddingMode;

  /** Crops `size` (n for n x n, or [height, width]); CIFAR's classic is RandomCrop(32, { padding: 4 }). */
  constructor(size: number | readonly [number, number] | readonly [number], options: RandomCropOptions = {}) {
    const s = typeof size === 'number' ? [size, size] : size.length === 1 ? [size[0], size[0]] : [size[0], (size as readonly [number, number])[1]];
    if (!s.every((v) => Number.isInteger(v) && v > 0)) throw new TypeError(`RandomCrop: size must be a positive integer or [height, width], got ${JSON.stringify(size)}`);
    const { padding = null, padIfNeeded = false, fill = 0, paddingMode = 'constant' } = options;
    if (padding !== null) parsePadding(padding, 'RandomCrop');
    if (!['constant', 'edge', 'reflect', 'symmetric'].includes(paddingMode)) {
      throw new TypeError(`RandomCrop: paddingMode must be 'constant', 'edge', 'reflect' or 'symmetric', got ${JSON.stringify(paddingMode)}`);
    }
    this.size = [s[0], s[1]];
    this.padding = padding;
    this.padIfNeeded = padIfNeeded;
    this.fill = fill;
    this.paddingMode = paddingMode;
  }

  /** Pads (padding, then padIfNeeded: width, then height), then crops where getParams says. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'RandomCrop');
    const opts = { fill: this.fill, paddingMode: this.paddingMode };
    let x = this.padding !== null ? pad(img, this.padding, opts) : img;
    const [th, tw] = this.size;
    if (this.padIfNeeded && x.width < tw) x = pad(x, [tw - x.width, 0], opts);
    if (this.padIfNeeded && x.height < th) x = pad(x, [0, th - x.height], opts);
    const [i, j, h, w] = RandomCrop.getParams(x, this.size, generator);
    return h === x.height && w === x.width ? x : crop(x, i, j, h, w);
  }

  /**
   * torchvision's get_params on the padded image: [top, left, height, width] with top drawn by
   * randint(0, h - th + 1), then left; no draw when the image already has the crop's size.
   */
  static getParams(img: Image, outputSize: readonly [number, number], generator: Generator): [number, number, number, number] {
    const { height: h, width: w } = img;
    const [th, tw] = outputSize;
    if (h < th || w < tw) throw new RangeError(`RandomCrop: crop size ${th} x ${tw} is larger than the (padded) image ${h} x ${w}`);
    if (h === th && w === tw) return [0, 0, h, w];
    const i = generator.randint(0, h - th + 1);
    const j = generator.randint(0, w - tw + 1);
    return [i, j, th, tw];
  }

  /** Rebuilt in workers from size and options. */
  toSpec(): TransformSpec {
    const { size, padding, padIfNeeded, fill, paddingMode } = this;
    return { module: import.meta.url, name: 'RandomCrop', options: { size, padding, padIfNeeded, fill, paddingMode } };
  }

  /** RandomCrop's constructor takes size positionally. */
  static async fromSpec(spec: TransformSpec): Promise<RandomCrop> {
    const { size, ...options } = spec.options as RandomCropOptions & { size: [number, number] };
    return new RandomCrop(size, options);
  }
}
