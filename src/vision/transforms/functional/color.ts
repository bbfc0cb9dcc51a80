// Colour kernels of torchvision 0.14's functional_tensor: grayscale, brightness, saturation,
// contrast and sharpness, all built on one blend, ratio * img + (1 - ratio) * other, computed in
// float32, clamped to the type's bound and (for uint8) truncated. The float32 steps are replayed
// with fround so that uint8 results equal torchvision's exactly.
import { type Image, allocBytes, allocFloats, checkImage, emptyLike, isUint8 } from '../image.js';
import { clampTruncU8, clampUnit, f32, sumF32 } from './numeric.js';
import { blendTables, mapBytes } from './bytes.js';

// ITU-R 601-2 luma weights as torchvision writes them (0.2989, not 0.299), rounded to float32.
const WR = f32(0.2989);
const WG = f32(0.587);
const WB = f32(0.114);
// Their float32 products with every byte, so that a uint8 luma is two additions per pixel.
const LR = Float64Array.from({ length: 256 }, (_, v) => f32(WR * v));
const LG = Float64Array.from({ length: 256 }, (_, v) => f32(WG * v));
const LB = Float64Array.from({ length: 256 }, (_, v) => f32(WB * v));
// round(t / 13) for every 3x3 sum t (weights 1 and 5) of bytes: at most 13 * 255.
const DIV13 = Uint8Array.from({ length: 13 * 255 + 1 }, (_, t) => Math.round(t / 13));

// Scratch tables of blendBytes, reused: kernels are synchronous and never re-entered.
const SCRATCH_A = new Float64Array(256);
const SCRATCH_B = new Float64Array(256);
const SCRATCH_LUT = new Uint8Array(256);

/** f32(ratio * v) for every byte v, written into `t`: one side of a uint8 blend as a table. */
function scaledBytes(ratio: number, t: Float64Array): Float64Array {
  const r = f32(ratio);
  for (let v = 0; v < 256; v++) t[v] = f32(r * v);
  return t;
}

// ratio * a + (1 - ratio) * b for two byte arrays (b one plane shared by all channels when shorter).
function blendBytes(a: Uint8Array, b: Uint8Array, ratio: number, out: Uint8Array, plane: number): void {
  const ta = scaledBytes(ratio, SCRATCH_A);
  // (1.0 - ratio) is a Python float subtraction, rounded to float32 only when it meets the tensor.
  const tb = scaledBytes(1 - ratio, SCRATCH_B);
  if (b.length === a.length) {
    blendTables(a, b, out, ta, tb);
    return;
  }
  for (let start = 0; start < a.length; start += plane) blendTables(a.subarray(start, start + plane), b, out.subarray(start, start + plane), ta, tb);
}

function checkFactor(name: string, factor: number): void {
  if (typeof factor !== 'number' || !(factor >= 0)) throw new RangeError(`${name}: factor must be a non-negative number, got ${factor}`);
}

function checkColorChannels(img: Image, where: string): void {
  if (img.channels !== 1 && img.channels !== 3) throw new TypeError(`${where}: expects 1 or 3 channels, got ${img.channels}`);
}

// The luma of pixel p (r at p, g at p + plane, b at p + 2 * plane), as the float32 torchvision sums.
function luma(d: ArrayLike<number>, p: number, plane: number): number {
  return f32(f32(f32(WR * d[p]) + f32(WG * d[p + plane])) + f32(WB * d[p + 2 * plane]));
}

/** Luma of an RGB image, 1 channel or repeated to `numOutputChannels` (torchvision's rgb_to_grayscale). */
export function rgbToGrayscale<I extends Image>(img: I, numOutputChannels: 1 | 3 = 1): I {
  checkImage(img, 'rgbToGrayscale');
  checkColorChannels(img, 'rgbToGrayscale');
  if (numOutputChannels !== 1 && numOutputChannels !== 3) throw new RangeError(`rgbToGrayscale: numOutputChannels must be 1 or 3, got ${numOutputChannels}`);
  const plane = img.height * img.width;
  const out = emptyLike(img, { channels: numOutputChannels }) as I;
  if (img.channels === 1) out.data.set(img.data);
  else if (isUint8(img)) {
    const d = img.data;
    const o = out.data;
    // `.to(img.dtype)`: a uint8 image truncates its luma.
    for (let p = 0; p < plane; p++) o[p] = f32(f32(LR[d[p]] + LG[d[p + plane]]) + LB[d[p + 2 * plane]]) | 0;
  } else {
    const d = img.data;
    const o = out.data;
    for (let p = 0; p < plane; p++) o[p] = luma(d, p, plane);
  }
  if (numOutputChannels === 3) {
    out.data.copyWithin(plane, 0, plane);
    out.data.copyWithin(2 * plane, 0, plane);
  }
  return out;
}

/**
 * ratio * img + (1 - ratio) * other, clamped and cast back (torchvision's _blend). `other` is an
 * image of the same size, a single plane shared by all channels, or a constant.
 */
export function blend<I extends Image>(img: I, other: ArrayLike<number> | number, ratio: number, otherIsPlane = false): I {
  const out = emptyLike(img) as I;
  const d = img.data;
  const o = out.data;
  const r = f32(ratio);
  // (1.0 - ratio) is a Python float subtraction, rounded to float32 only when it meets the tensor.
  const q = f32(1 - ratio);
  const plane = img.height * img.width;
  const clamp = isUint8(img) ? clampTruncU8 : clampUnit;
  if (typeof other === 'number') {
    const rest = f32(q * other);
    if (isUint8(img)) {
      // A 256-entry table: the result depends on the byte alone.
      const lut = SCRATCH_LUT;
      for (let v = 0; v < 256; v++) lut[v] = clampTruncU8(f32(f32(r * v) + rest));
      mapBytes(d as Uint8Array, o as Uint8Array, lut);
    } else {
      for (let i = 0; i < d.length; i++) o[i] = clamp(f32(f32(r * d[i]) + rest));
    }
    return out;
  }
  if (isUint8(img) && other instanceof Uint8Array) {
    blendBytes(img.data, other, ratio, out.data as Uint8Array, plane);
    return out;
  }
  for (let i = 0; i < d.length; i++) {
    const b = other[otherIsPlane ? i % plane : i];
    o[i] = clamp(f32(f32(r * d[i]) + f32(q * b)));
  }
  return out;
}

/** Multiplies brightness by `factor` (0 gives black, 1 the original); torchvision's adjust_brightness. */
export function adjustBrightness<I extends Image>(img: I, factor: number): I {
  checkImage(img, 'adjustBrightness');
  checkFactor('adjustBrightness', factor);
  checkColorChannels(img, 'adjustBrightness');
  return blend(img, 0, factor);
}

/** Blends with the grayscale image (0 gives gray, 1 the original); a 1-channel image is returned as is. */
export function adjustSaturation<I extends Image>(img: I, factor: number): I {
  checkImage(img, 'adjustSaturation');
  checkFactor('adjustSaturation', factor);
  checkColorChannels(img, 'adjustSaturation');
  // torchvision returns the input itself for grayscale ("match PIL behaviour").
  if (img.channels === 1) return img;
  if (isUint8(img)) {
    // One pass: each pixel's luma, then its three channels blended with it.
    const ta = scaledBytes(factor, SCRATCH_A);
    const tb = scaledBytes(1 - factor, SCRATCH_B);
    const d = img.data;
    const out = emptyLike(img) as I;
    const o = out.data as Uint8Array;
    const plane = img.height * img.width;
    for (let p = 0; p < plane; p++) {
      const r = d[p];
      const g = d[p + plane];
      const b = d[p + 2 * plane];
      const gray = tb[f32(f32(LR[r] + LG[g]) + LB[b]) | 0];
      o[p] = clampTruncU8(f32(ta[r] + gray));
      o[p + plane] = clampTruncU8(f32(ta[g] + gray));
      o[p + 2 * plane] = clampTruncU8(f32(ta[b] + gray));
    }
    return out;
  }
  return blend(img, rgbToGrayscale(img).data, factor, true);
}

/** Blends with the mean luma (0 gives a flat gray image, 1 the original); torchvision's adjust_contrast. */
export function adjustContrast<I extends Image>(img: I, factor: number): I {
  checkImage(img, 'adjustContrast');
  checkFactor('adjustContrast', factor);
  checkColorChannels(img, 'adjustContrast');
  const gray = img.channels === 3 ? rgbToGrayscale(img).data : img.data;
  // torch.mean is a float32 sum over n: integer lumas add exactly in any order while the sum stays
  // under 2^24 (uint8 images below 65,793 pixels: CIFAR, 224 x 224 crops); float lumas need
  // libtorch's own summation order.
  let sum = 0;
  if (isUint8(img) && gray.length * 255 < 2 ** 24) for (let i = 0; i < gray.length; i++) sum += gray[i];
  else sum = sumF32(gray);
  const mean = f32(f32(sum) / gray.length);
  return blend(img, mean, factor);
}

/**
 * Blends with a 3x3 smoothed image (weights 1, centre 5, over 13; the border kept), as
 * torchvision's adjust_sharpness: 0 gives the smoothed image, 1 the original, 2 a sharpened one.
 */
export function adjustSharpness<I extends Image>(img: I, factor: number): I {
  checkImage(img, 'adjustSharpness');
  checkFactor('adjustSharpness', factor);
  checkColorChannels(img, 'adjustSharpness');
  const { height: h, width: w } = img;
  if (h <= 2 || w <= 2) return img;
  if (isUint8(img)) {
    // One pass per channel, fused: the smoothed value of each interior pixel goes straight into
    // the blend; border pixels blend with themselves, as torchvision keeps them in the degenerate
    // image. The 3x3 sum slides along the row: one new column of three per pixel.
    const ta = scaledBytes(factor, SCRATCH_A);
    const tb = scaledBytes(1 - factor, SCRATCH_B);
    const d = img.data;
    const out = emptyLike(img) as I;
    const o = out.data as Uint8Array;
    const plane = h * w;
    for (let c = 0; c < img.channels; c++) {
      const base = c * plane;
      for (let x = 0; x < w; x++) {
        const top = base + x;
        const bottom = base + plane - w + x;
        o[top] = clampTruncU8(f32(ta[d[top]] + tb[d[top]]));
        o[bottom] = clampTruncU8(f32(ta[d[bottom]] + tb[d[bottom]]));
      }
      for (let y = 1; y < h - 1; y++) {
        const row = base + y * w;
        o[row] = clampTruncU8(f32(ta[d[row]] + tb[d[row]]));
        o[row + w - 1] = clampTruncU8(f32(ta[d[row + w - 1]] + tb[d[row + w - 1]]));
        let c0 = d[row - w] + d[row] + d[row + w];
        let c1 = d[row - w + 1] + d[row + 1] + d[row + w + 1];
        for (let p = row + 1, end = row + w - 1; p < end; p++) {
          const c2 = d[p - w + 1] + d[p + 1] + d[p + w + 1];
          const center = d[p];
          // The exact value is an integer over 13 (weights 1, centre 5), never within 1/26 of a
          // rounding tie, so integer arithmetic gives torch.round of libtorch's float32 convolution.
          o[p] = clampTruncU8(f32(ta[center] + tb[DIV13[c0 + c1 + c2 + 4 * center]]));
          c0 = c1;
          c1 = c2;
        }
      }
    }
    return out;
  }
  const d = img.data;
  const degenerate = allocFloats(d.length);
  degenerate.set(d);
  const k1 = f32(1 / 13);
  const k5 = f32(5 / 13);
  for (let c = 0; c < img.channels; c++) {
    const base = c * h * w;
    for (let y = 1; y < h - 1; y++) {
      for (let x = 1; x < w - 1; x++) {
        const p = base + y * w + x;
        const s = d[p - w - 1] + d[p - w] + d[p - w + 1] + d[p - 1] + d[p + 1] + d[p + w - 1] + d[p + w] + d[p + w + 1];
        degenerate[p] = f32(f32(k1 * s) + f32(k5 * d[p]));
      }
    }
  }
  return blend(img, degenerate, factor);
}
