// ColorJitter (torchvision 0.14): brightness, contrast, saturation and hue factors drawn as
// torchvision's get_params draws them (torch.randperm(4) for the order, then one uniform_ per
// enabled factor), applied with the functional kernels in that order.
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { adjustBrightness, adjustContrast, adjustSaturation } from './functional/color.js';
import { adjustHue } from './functional/hsv.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

/** A jitter amount: a number (a range around the identity factor) or [min, max]. */
export type JitterArg = number | readonly [number, number];

/** Options of ColorJitter (torchvision's names; every jitter is off by default). */
export interface ColorJitterOptions {
  /** Brightness factor range: b for [max(0, 1 - b), 1 + b], or [min, max] with min >= 0. */
  brightness?: JitterArg;
  /** Contrast factor range, as brightness. */
  contrast?: JitterArg;
  /** Saturation factor range, as brightness. */
  saturation?: JitterArg;
  /** Hue shift range in turns: h in [0, 0.5] for [-h, h], or [min, max] within [-0.5, 0.5]. */
  hue?: JitterArg;
}

// torchvision's _check_input: the [min, max] range, or null when it is the identity (no draw).
function checkJitter(value: JitterArg, name: string, center: number, bound: [number, number], clipFirstOnZero: boolean): [number, number] | null {
  let range: [number, number];
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`ColorJitter: ${name} must be a finite number or [min, max], got ${value}`);
    if (value < 0) throw new RangeError(`ColorJitter: ${name} must be non-negative when a single number, got ${value}`);
    range = [center - value, center + value];
    if (clipFirstOnZero) range[0] = Math.max(range[0], 0);
  } else if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    range = [value[0], value[1]];
  } else {
    throw new TypeError(`ColorJitter: ${name} must be a number or [min, max], got ${JSON.stringify(value)}`);
  }
  // Checked for single numbers too (torchvision 0.14 checks only pairs, so hue 0.7 fails later, in adjust_hue).
  if (!(bound[0] <= range[0] && range[0] <= range[1] && range[1] <= bound[1])) {
    throw new RangeError(`ColorJitter: ${name} must give a range [min, max] within [${bound[0]}, ${bound[1]}], got ${JSON.stringify(value)} (range ${JSON.stringify(range)})`);
  }
  return range[0] === center && range[1] === center ? null : range;
}

/** Randomly changes brightness, contrast, saturation and hue, in a random order (torchvision's ColorJitter). */
export class ColorJitter implements Transform<Image, Image> {
  /** Brightness factor range, or null when off. */
  readonly brightness: readonly [number, number] | null;
  /** Contrast factor range, or null when off. */
  readonly contrast: readonly [number, number] | null;
  /** Saturation factor range, or null when off. */
  readonly saturation: readonly [number, number] | null;
  /** Hue shift range, or null when off. */
  readonly hue: readonly [number, number] | null;

  /** A ColorJitter with the given ranges (all off by default, as in torchvision). */
  constructor({ brightness = 0, contrast = 0, saturation = 0, hue = 0 }: ColorJitterOptions = {}) {
    this.brightness = checkJitter(brightness, 'brightness', 1, [0, Infinity], true);
    this.contrast = checkJitter(contrast, 'contrast', 1, [0, Infinity], true);
    this.saturation = checkJitter(saturation, 'saturation', 1, [0, Infinity], true);
    this.hue = checkJitter(hue, 'hue', 0, [-0.5, 0.5], false);
  }

  /**
   * torchvision's get_params: the order (torch.randperm(4); 0 brightness, 1 contrast,
   * 2 saturation, 3 hue), then a float32 uniform_ for each enabled factor (null when off).
   */
  static getParams(brightness: readonly [number, number] | null, contrast: readonly [number, number] | null, saturation: readonly [number, number] | null, hue: readonly [number, number] | null, generator: Generator): { order: Int32Array; brightness: number | null; contrast: number | null; saturation: number | null; hue: number | null } {
    const order = generator.randperm(4);
    const draw = (r: readonly [number, number] | null) => (r === null ? null : generator.uniform(r[0], r[1]));
    const b = draw(brightness);
    const c = draw(contrast);
    const s = draw(saturation);
    const h = draw(hue);
    return { order, brightness: b, contrast: c, saturation: s, hue: h };
  }

  /** Draws the factors and applies the enabled adjustments in the drawn order. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'ColorJitter');
    const p = ColorJitter.getParams(this.brightness, this.contrast, this.saturation, this.hue, generator);
    let x = img;
    for (const fn of p.order) {
      if (fn === 0 && p.brightness !== null) x = adjustBrightness(x, p.brightness);
      else if (fn === 1 && p.contrast !== null) x = adjustContrast(x, p.contrast);
      else if (fn === 2 && p.saturation !== null) x = adjustSaturation(x, p.saturation);
      else if (fn === 3 && p.hue !== null) x = adjustHue(x, p.hue);
    }
    return x;
  }

  /** Rebuilt in workers from the ranges. */
  toSpec(): TransformSpec {
    // The parsed ranges rebuild the same transform; an off jitter is 0 again.
    const arg = (r: readonly [number, number] | null) => (r === null ? 0 : [r[0], r[1]]);
    return { module: import.meta.url, name: 'ColorJitter', options: { brightness: arg(this.brightness), contrast: arg(this.contrast), saturation: arg(this.saturation), hue: arg(this.hue) } };
  }
}
