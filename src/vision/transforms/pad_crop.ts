// The deterministic geometry transforms: CenterCrop and Pad (torchvision 0.14).
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { type PaddingMode, centerCrop, pad, parsePadding } from './functional/geometry.js';
import { type SizeArg, setupSize } from './args.js';
import { type Transform, type TransformSpec } from './transform.js';

const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

/** Throws unless fill is a finite number or an array of them (checked per image against its channels). */
function checkFillArg(fill: unknown, where: string): void {
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!(ok(fill) || (Array.isArray(fill) && fill.length > 0 && fill.every(ok)))) {
    throw new TypeError(`${where}: fill must be a number or one number per channel, got ${JSON.stringify(fill)}`);
  }
}

/** Throws unless `mode` is one of torchvision's padding modes. */
export function checkPaddingMode(mode: unknown, where: string): PaddingMode {
  if (!PADDING_MODES.includes(mode as PaddingMode)) {
    throw new TypeError(`${where}: paddingMode must be 'constant', 'edge', 'reflect' or 'symmetric', got ${JSON.stringify(mode)}`);
  }
  return mode as PaddingMode;
}

/** Crops the centre (torchvision's CenterCrop); images smaller than the crop are padded with zeros first. */
export class CenterCrop implements Transform<Image, Image> {
  /** Output [height, width]. */
  readonly size: readonly [number, number];

  /** Crops `size`: n for n x n, or [height, width]. */
  constructor(size: SizeArg) {
    this.size = setupSize(size, 'CenterCrop');
  }

  /** Crops one image (no randomness). */
  forward(img: Image, _generator?: Generator): Image {
    checkImage(img, 'CenterCrop');
    return centerCrop(img, this.size);
  }

  /** Rebuilt in workers from size. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'CenterCrop', options: this.size };
  }

  /** CenterCrop's constructor takes size positionally. */
  static async fromSpec(spec: TransformSpec): Promise<CenterCrop> {
    return new CenterCrop(spec.options as [number, number]);
  }
}

/** Options of Pad (torchvision's names and defaults). */
export interface PadOptions {
  /** Constant-mode fill: a number (0) or one per channel. */
  fill?: number | readonly number[];
  /** 'constant' (default), 'edge', 'reflect' or 'symmetric'. */
  paddingMode?: PaddingMode;
}

/** Pads the borders (torchvision's Pad); negative amounts crop. */
export class Pad implements Transform<Image, Image> {
  /** n, [left/right, top/bottom] or [left, top, right, bottom]. */
  readonly padding: number | readonly number[];
  /** Constant-mode fill. */
  readonly fill: number | readonly number[];
  /** Padding mode. */
  readonly paddingMode: PaddingMode;

  /** Pads by `padding`: n on every side, [left/right, top/bottom] or [left, top, right, bottom]. */
  constructor(padding: number | readonly number[], { fill = 0, paddingMode = 'constant' }: PadOptions = {}) {
    parsePadding(padding, 'Pad');
    checkFillArg(fill, 'Pad');
    this.padding = typeof padding === 'number' ? padding : [...padding];
    this.fill = typeof fill === 'number' ? fill : [...fill];
    this.paddingMode = checkPaddingMode(paddingMode, 'Pad');
  }

  /** Pads one image (no randomness). */
  forward(img: Image, _generator?: Generator): Image {
    checkImage(img, 'Pad');
    return pad(img, this.padding, { fill: this.fill, paddingMode: this.paddingMode });
  }

  /** Rebuilt in workers from padding and options. */
  toSpec(): TransformSpec {
    const { padding, fill, paddingMode } = this;
    return { module: import.meta.url, name: 'Pad', options: { padding, fill, paddingMode } };
  }

  /** Pad's constructor takes padding positionally. */
  static async fromSpec(spec: TransformSpec): Promise<Pad> {
    const { padding, ...options } = spec.options as PadOptions & { padding: number | number[] };
    return new Pad(padding, options);
  }
}
