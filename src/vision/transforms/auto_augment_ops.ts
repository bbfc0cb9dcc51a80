// The op vocabulary shared by AutoAugment, RandAugment and TrivialAugmentWide: torchvision 0.14's
// _apply_op, and the magnitude spaces (_augmentation_space) that turn a bin into a magnitude.
// The tables are float32 (torch.linspace), so they are rebuilt here with libtorch's linspace
// arithmetic: a magnitude like 0.1 is 0.10000000149..., which decides truncations downstream.
import { type Image } from './image.js';
import { adjustBrightness, adjustContrast, adjustSaturation, adjustSharpness } from './functional/color.js';
import { autocontrast, equalize, invert, posterize, solarize } from './functional/tone.js';
import { type Fill, type Interpolation, affine, degrees, rotate } from './functional/affine.js';
import { f32, roundHalfEven } from './functional/numeric.js';

/** The 14 image ops of the automatic augmentation policies (torchvision's names). */
export type AugmentOp =
  | 'Identity' | 'ShearX' | 'ShearY' | 'TranslateX' | 'TranslateY' | 'Rotate' | 'Brightness' | 'Color'
  | 'Contrast' | 'Sharpness' | 'Posterize' | 'Solarize' | 'AutoContrast' | 'Equalize' | 'Invert';

/** One op's magnitudes: a table indexed by bin (null for ops without a magnitude) and whether a random sign applies. */
export interface OpMagnitudes {
  readonly op: AugmentOp;
  readonly magnitudes: Float64Array | null;
  readonly signed: boolean;
}

/**
 * torch.linspace in float32 on the CPU (libtorch 1.13, AVX2): the first half counted up from
 * `start`, the second down from `end`. Whole runs of 16 go through the vectorized kernel, whose
 * two vectors of 8 count from their first element (base + k * step, the product rounded first,
 * so that element 15 of 31 is still counted from `start`); the rest is scalar, where GCC fuses
 * `start + step * i` into an FMA (one rounding). The golden tables pin all of this down.
 */
export function linspaceF32(start: number, end: number, steps: number): Float64Array {
  const s = f32(start);
  const e = f32(end);
  if (steps === 1) return Float64Array.of(s);
  const step = f32(f32(e - s) / (steps - 1));
  const half = Math.floor(steps / 2);
  // The product of two float32 values is exact in float64: rounding the sum once is the FMA.
  const at = (i: number) => (i < half ? f32(s + step * i) : f32(e - step * (steps - i - 1)));
  const out = new Float64Array(steps);
  let i = 0;
  for (; i + 16 <= steps; i += 16) {
    for (const v of [i, i + 8]) {
      const base = at(v);
      for (let k = 0; k < 8; k++) out[v + k] = f32(base + f32(k * step));
    }
  }
  for (; i < steps; i++) out[i] = at(i);
  return out;
}

// 8 - round(arange(bins) / ((bins - 1) / divisor)): the posterize bits of each bin (float32 division).
function posterizeBits(bins: number, top: number, divisor: number): Float64Array {
  const d = f32((bins - 1) / divisor);
  return Float64Array.from({ length: bins }, (_, k) => top - roundHalfEven(f32(k / d)));
}

const cache = new Map<string, readonly OpMagnitudes[]>();

function cached(key: string, build: () => OpMagnitudes[]): readonly OpMagnitudes[] {
  let space = cache.get(key);
  if (space === undefined) {
    space = Object.freeze(build());
    cache.set(key, space);
  }
  return space;
}

const entry = (op: AugmentOp, magnitudes: Float64Array | null, signed: boolean): OpMagnitudes => ({ op, magnitudes, signed });

/** AutoAugment's magnitude space for `bins` bins and an image of height x width (AutoAugment._augmentation_space). */
export function autoAugmentSpace(bins: number, height: number, width: number): readonly OpMagnitudes[] {
  return cached(`aa/${bins}/${height}/${width}`, () => [
    entry('ShearX', linspaceF32(0, 0.3, bins), true),
    entry('ShearY', linspaceF32(0, 0.3, bins), true),
    entry('TranslateX', linspaceF32(0, (150 / 331) * width, bins), true),
    entry('TranslateY', linspaceF32(0, (150 / 331) * height, bins), true),
    entry('Rotate', linspaceF32(0, 30, bins), true),
    entry('Brightness', linspaceF32(0, 0.9, bins), true),
    entry('Color', linspaceF32(0, 0.9, bins), true),
    entry('Contrast', linspaceF32(0, 0.9, bins), true),
    entry('Sharpness', linspaceF32(0, 0.9, bins), true),
    entry('Posterize', posterizeBits(bins, 8, 4), false),
    entry('Solarize', linspaceF32(255, 0, bins), false),
    entry('AutoContrast', null, false),
    entry('Equalize', null, false),
    entry('Invert', null, false),
  ]);
}

/** RandAugment's space: AutoAugment's with Identity first and without Invert, in torchvision's order. */
export function randAugmentSpace(bins: number, height: number, width: number): readonly OpMagnitudes[] {
  return cached(`ra/${bins}/${height}/${width}`, () => [
    entry('Identity', null, false),
    ...autoAugmentSpace(bins, height, width).filter((e) => e.op !== 'Invert'),
  ]);
}

/** TrivialAugmentWide's wider, size-independent space (TrivialAugmentWide._augmentation_space). */
export function trivialAugmentSpace(bins: number): readonly OpMagnitudes[] {
  return cached(`ta/${bins}`, () => [
    entry('Identity', null, false),
    entry('ShearX', linspaceF32(0, 0.99, bins), true),
    entry('ShearY', linspaceF32(0, 0.99, bins), true),
    entry('TranslateX', linspaceF32(0, 32, bins), true),
    entry('TranslateY', linspaceF32(0, 32, bins), true),
    entry('Rotate', linspaceF32(0, 135, bins), true),
    entry('Brightness', linspaceF32(0, 0.99, bins), true),
    entry('Color', linspaceF32(0, 0.99, bins), true),
    entry('Contrast', linspaceF32(0, 0.99, bins), true),
    entry('Sharpness', linspaceF32(0, 0.99, bins), true),
    entry('Posterize', posterizeBits(bins, 8, 6), false),
    entry('Solarize', linspaceF32(255, 0, bins), false),
    entry('AutoContrast', null, false),
    entry('Equalize', null, false),
  ]);
}

/** Applies one op at a signed magnitude, exactly as torchvision's _apply_op does on a tensor. */
export function applyOp<I extends Image>(img: I, op: AugmentOp, magnitude: number, interpolation: Interpolation = 'nearest', fill: Fill = null): I {
  switch (op) {
    case 'ShearX':
      // torchvision shears by atan(m) degrees about the top-left corner (official AutoAugment uses m itself; see its comment).
      return affine(img, { angle: 0, translate: [0, 0], scale: 1, shear: [degrees(Math.atan(magnitude)), 0], interpolation, fill, center: [0, 0] });
    case 'ShearY':
      return affine(img, { angle: 0, translate: [0, 0], scale: 1, shear: [0, degrees(Math.atan(magnitude))], interpolation, fill, center: [0, 0] });
    case 'TranslateX':
      // int(magnitude): truncation toward zero.
      return affine(img, { angle: 0, translate: [Math.trunc(magnitude), 0], scale: 1, shear: [0, 0], interpolation, fill });
    case 'TranslateY':
      return affine(img, { angle: 0, translate: [0, Math.trunc(magnitude)], scale: 1, shear: [0, 0], interpolation, fill });
    case 'Rotate':
      return rotate(img, magnitude, { interpolation, fill });
    case 'Brightness':
      return adjustBrightness(img, 1 + magnitude);
    case 'Color':
      return adjustSaturation(img, 1 + magnitude);
    case 'Contrast':
      return adjustContrast(img, 1 + magnitude);
    case 'Sharpness':
      return adjustSharpness(img, 1 + magnitude);
    case 'Posterize':
      return posterize(img, Math.trunc(magnitude));
    case 'Solarize':
      return solarize(img, magnitude);
    case 'AutoContrast':
      return autocontrast(img);
    case 'Equalize':
      return equalize(img);
    case 'Invert':
      return invert(img);
    case 'Identity':
      return img;
    default:
      throw new TypeError(`applyOp: unknown op ${JSON.stringify(op)}`);
  }
}
