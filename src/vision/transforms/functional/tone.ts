// Tone kernels of torchvision 0.14's functional_tensor: invert, posterize, solarize, autocontrast
// and equalize. Each maps a pixel through a per-channel table, so the uint8 paths build a
// 256-entry lookup table and apply it.
import { type Image, checkImage, emptyLike, isUint8, maxValue } from '../image.js';
import { clampTruncU8, clampUnit, f32 } from './numeric.js';
import { mapBytes, words } from './bytes.js';

function checkColorChannels(img: Image, where: string): void {
  if (img.channels !== 1 && img.channels !== 3) throw new TypeError(`${where}: expects 1 or 3 channels, got ${img.channels}`);
}

function requireUint8(img: Image, where: string): asserts img is Image<Uint8Array> {
  if (!isUint8(img)) throw new TypeError(`${where}: only uint8 images are supported (as in torchvision), got float32`);
}

// Scratch tables, reused: kernels are synchronous and never re-entered.
const LUT = new Uint8Array(256);
const HIST = new Int32Array(256);

/** bound - pixel (255 for uint8, 1 for float32); torchvision's invert. */
export function invert<I extends Image>(img: I): I {
  checkImage(img, 'invert');
  checkColorChannels(img, 'invert');
  const bound = maxValue(img);
  const out = emptyLike(img) as I;
  const d = img.data;
  const o = out.data;
  const [wi, wo] = isUint8(img) ? [words(img.data), words(out.data as Uint8Array)] : [null, null];
  if (wi !== null && wo !== null) {
    // 255 - x is x with every bit flipped, four bytes at a time.
    for (let j = 0; j < wi.length; j++) wo[j] = ~wi[j];
    return out;
  }
  for (let i = 0; i < d.length; i++) o[i] = bound - d[i];
  return out;
}

/** Keeps the `bits` highest bits of every byte (0..8); torchvision's posterize (uint8 only). */
export function posterize<I extends Image>(img: I, bits: number): I {
  checkImage(img, 'posterize');
  requireUint8(img, 'posterize');
  checkColorChannels(img, 'posterize');
  if (!Number.isInteger(bits) || bits < 0 || bits > 8) throw new RangeError(`posterize: bits must be an integer in 0..8, got ${bits}`);
  // -(2 ** (8 - bits)) as a byte mask: torchvision's `img & mask` on uint8.
  const mask = -(2 ** (8 - bits)) & 0xff;
  const out = emptyLike(img) as I;
  const d = img.data;
  const o = out.data;
  const [wi, wo] = [words(img.data), words(out.data as Uint8Array)];
  if (wi !== null && wo !== null) {
    const m = mask * 0x01010101;
    for (let j = 0; j < wi.length; j++) wo[j] = wi[j] & m;
    return out;
  }
  for (let i = 0; i < d.length; i++) o[i] = d[i] & mask;
  return out;
}

/** Inverts every pixel at or above `threshold`; torchvision's solarize. */
export function solarize<I extends Image>(img: I, threshold: number): I {
  checkImage(img, 'solarize');
  checkColorChannels(img, 'solarize');
  const bound = maxValue(img);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) throw new TypeError(`solarize: threshold must be a number, got ${threshold}`);
  if (threshold > bound) throw new RangeError(`solarize: threshold ${threshold} is above the image's bound ${bound}`);
  // A byte meets a Python float threshold in float32 (the comparison's common type).
  const t = f32(threshold);
  if (isUint8(img)) {
    for (let v = 0; v < 256; v++) LUT[v] = v >= t ? 255 - v : v;
    const out = emptyLike(img) as I;
    mapBytes(img.data, out.data as Uint8Array, LUT);
    return out;
  }
  const out = emptyLike(img) as I;
  const d = img.data;
  const o = out.data;
  for (let i = 0; i < d.length; i++) o[i] = d[i] >= t ? f32(1 - d[i]) : d[i];
  return out;
}

// Darkest and brightest byte of a plane, four bytes per word read.
function byteRange(plane: Uint8Array): [number, number] {
  let lo = 255;
  let hi = 0;
  const w = words(plane);
  if (w !== null) {
    for (let j = 0; j < w.length; j++) {
      const v = w[j];
      const a = v & 255;
      const b = (v >>> 8) & 255;
      const c = (v >>> 16) & 255;
      const d = v >>> 24;
      lo = Math.min(lo, a, b, c, d);
      hi = Math.max(hi, a, b, c, d);
    }
    return [lo, hi];
  }
  for (let i = 0; i < plane.length; i++) {
    const v = plane[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

// torchvision's scale: bound / (max - min), which torch computes as (max - min).reciprocal() *
// bound (Tensor.__rtruediv__); a flat channel (infinite scale) keeps its values (minimum 0, scale 1).
function stretch(lo: number, hi: number, bound: number): [min: number, scale: number] {
  const inv = f32(1 / f32(hi - lo));
  return Number.isFinite(inv) ? [lo, f32(inv * bound)] : [0, 1];
}

/** Stretches each channel so that its darkest pixel becomes 0 and its brightest the bound. */
export function autocontrast<I extends Image>(img: I): I {
  checkImage(img, 'autocontrast');
  checkColorChannels(img, 'autocontrast');
  const plane = img.height * img.width;
  const out = emptyLike(img) as I;
  if (isUint8(img)) {
    const d = img.data;
    const o = out.data as Uint8Array;
    for (let c = 0; c < img.channels; c++) {
      const src = d.subarray(c * plane, (c + 1) * plane);
      const [lo, hi] = byteRange(src);
      const [min, scale] = stretch(lo, hi, 255);
      for (let v = lo; v <= hi; v++) LUT[v] = clampTruncU8(f32(f32(v - min) * scale));
      mapBytes(src, o.subarray(c * plane, (c + 1) * plane), LUT);
    }
    return out;
  }
  const d = img.data;
  const o = out.data;
  for (let c = 0; c < img.channels; c++) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = c * plane; i < (c + 1) * plane; i++) {
      if (d[i] < lo) lo = d[i];
      if (d[i] > hi) hi = d[i];
    }
    const [min, scale] = stretch(lo, hi, 1);
    for (let i = c * plane; i < (c + 1) * plane; i++) o[i] = clampUnit(f32(f32(d[i] - min) * scale));
  }
  return out;
}

/** Equalizes each channel's histogram (PIL's algorithm, as torchvision's equalize; uint8 only). */
export function equalize<I extends Image>(img: I): I {
  checkImage(img, 'equalize');
  requireUint8(img, 'equalize');
  checkColorChannels(img, 'equalize');
  const plane = img.height * img.width;
  const d = img.data;
  const out = emptyLike(img) as I;
  const o = out.data as Uint8Array;
  for (let c = 0; c < img.channels; c++) {
    const src = d.subarray(c * plane, (c + 1) * plane);
    const dst = o.subarray(c * plane, (c + 1) * plane);
    HIST.fill(0);
    const ws = words(src);
    if (ws !== null) {
      for (let j = 0; j < ws.length; j++) {
        const v = ws[j];
        HIST[v & 255]++;
        HIST[(v >>> 8) & 255]++;
        HIST[(v >>> 16) & 255]++;
        HIST[v >>> 24]++;
      }
    } else for (let i = 0; i < src.length; i++) HIST[src[i]]++;
    // step = (count of all pixels but those of the brightest level present) // 255.
    let last = 255;
    while (last > 0 && HIST[last] === 0) last--;
    const step = Math.floor((plane - HIST[last]) / 255);
    if (step === 0) {
      dst.set(src);
      continue;
    }
    // lut[v] = (cumsum up to v - 1 + step // 2) // step, clamped to 255: torchvision's pad-and-shift.
    let cum = Math.floor(step / 2);
    for (let v = 0; v < 256; v++) {
      const q = Math.floor(cum / step);
      LUT[v] = q > 255 ? 255 : q;
      cum += HIST[v];
    }
    mapBytes(src, dst, LUT);
  }
  return out;
}
