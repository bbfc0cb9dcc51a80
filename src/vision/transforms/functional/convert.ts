// Conversions between what datasets hold and what a network eats: HWC bytes -> CHW image
// (ToImage), uint8 <-> float32 with or without scaling (torchvision's convert_image_dtype),
// per-channel normalization and its inverse, and erasing a rectangle (RandomErasing's kernel).
import { type HWCImage, type Image, type ImageDType, allocBytes, allocFloats, checkImage, cloneImage, isUint8 } from '../image.js';
import { f32 } from './numeric.js';
import { words } from './bytes.js';

// x / 255 in float32 for every byte (torchvision's convert_image_dtype of uint8 to float).
const UNIT = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** HWC bytes (a dataset sample) -> a CHW uint8 image; torchvision's ToImage / pil_to_tensor. */
export function toImage(img: HWCImage): Image<Uint8Array> {
  const { data, channels: c, height: h, width: w } = img ?? ({} as HWCImage);
  if (!(data instanceof Uint8Array)) throw new TypeError(`toImage: expected HWC bytes in a Uint8Array, got ${data === undefined ? 'no data' : (data as object).constructor.name}`);
  if (![c, h, w].every((v) => Number.isInteger(v) && v > 0) || data.length !== c * h * w) {
    throw new TypeError(`toImage: ${data.length} bytes do not make a ${h} x ${w} x ${c} image`);
  }
  const out = allocBytes(data.length);
  const plane = h * w;
  if (c === 1) out.set(data);
  else if (c === 3) {
    const src = words(data);
    if (src !== null && plane % 4 === 0) {
      // Four pixels per step: three words in (r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3), one word
      // out per plane.
      const dst = words(out)!;
      const q = plane >> 2;
      for (let k = 0, s = 0; k < q; k++, s += 3) {
        const w0 = src[s];
        const w1 = src[s + 1];
        const w2 = src[s + 2];
        dst[k] = (w0 & 0xff) | ((w0 >>> 16) & 0xff00) | ((w1 & 0xff0000) >>> 0) | ((w2 & 0xff00) << 16);
        dst[k + q] = ((w0 >>> 8) & 0xff) | ((w1 << 8) & 0xff00) | ((w1 >>> 8) & 0xff0000) | ((w2 & 0xff0000) << 8);
        dst[k + 2 * q] = ((w0 >>> 16) & 0xff) | (w1 & 0xff00) | ((w2 << 16) & 0xff0000) | (w2 & 0xff000000);
      }
    } else {
      for (let p = 0, s = 0; p < plane; p++, s += 3) {
        out[p] = data[s];
        out[p + plane] = data[s + 1];
        out[p + 2 * plane] = data[s + 2];
      }
    }
  } else {
    for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[ch * plane + p] = data[p * c + ch];
  }
  return { data: out, channels: c, height: h, width: w };
}

/** A CHW image (or batch) back to HWC bytes, e.g. for writing a PNG; uint8 images only. */
export function toHWC(img: Image<Uint8Array>): HWCImage {
  checkImage(img, 'toHWC');
  if (!isUint8(img)) throw new TypeError('toHWC: expects a uint8 image; use toDtype(img, "uint8", { scale: true }) first');
  const { channels: c, height: h, width: w } = img;
  const plane = h * w;
  const out = new Uint8Array(img.data.length);
  for (let p = 0; p < plane; p++) for (let ch = 0; ch < c; ch++) out[p * c + ch] = img.data[ch * plane + p];
  return { layout: 'HWC', data: out, channels: c, height: h, width: w };
}

/**
 * Converts the element type. With `scale`, uint8 [0, 255] maps to float32 [0, 1] (x / 255) and
 * back (x * 255.999, truncated: torchvision's convert_image_dtype); without it values are only
 * cast. Accepts a batch. Float to uint8 clamps to 0..255 first, where a C cast would wrap.
 */
export function toDtype(img: Image, dtype: ImageDType, { scale = false }: { scale?: boolean } = {}): Image {
  checkImage(img, 'toDtype', { batch: true });
  if (dtype !== 'uint8' && dtype !== 'float32') throw new TypeError(`toDtype: dtype must be 'uint8' or 'float32', got ${JSON.stringify(dtype)}`);
  const from = isUint8(img) ? 'uint8' : 'float32';
  if (from === dtype) return img;
  const d = img.data;
  if (dtype === 'float32') {
    const out = allocFloats(d.length);
    if (scale) {
      // image.to(float32) / 255.0, one float32 division per value, via a table.
      for (let i = 0; i < d.length; i++) out[i] = UNIT[d[i]];
    } else out.set(d);
    return { ...img, data: out };
  }
  const out = allocBytes(d.length);
  // max + 1 - eps: only exactly 1.0 becomes 255, and every byte gets an equal share of [0, 1].
  const k = scale ? f32(255.999) : 1;
  for (let i = 0; i < d.length; i++) {
    const v = f32(d[i] * k);
    out[i] = v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
  }
  return { ...img, data: out };
}

function checkStats(img: Image, mean: readonly number[], std: readonly number[], where: string): void {
  if (!Array.isArray(mean) || !Array.isArray(std) || mean.length !== img.channels || std.length !== img.channels) {
    throw new TypeError(`${where}: mean and std need one value per channel (${img.channels}), got ${JSON.stringify(mean)} and ${JSON.stringify(std)}`);
  }
  if (std.some((s) => f32(s) === 0)) throw new RangeError(`${where}: std ${JSON.stringify(std)} has a zero (after rounding to float32): division by zero`);
}

/** (x - mean) / std per channel on a float32 image or batch; torchvision's normalize. */
export function normalize(img: Image, mean: readonly number[], std: readonly number[]): Image<Float32Array> {
  checkImage(img, 'normalize', { batch: true });
  if (isUint8(img)) throw new TypeError('normalize: expects a float32 image; put ToDtype("float32", { scale: true }) before Normalize');
  checkStats(img, mean, std, 'normalize');
  const out = allocFloats(img.data.length);
  const plane = img.height * img.width;
  const d = img.data;
  for (let start = 0, c = 0; start < d.length; start += plane, c = (c + 1) % img.channels) {
    const m = f32(mean[c]);
    const s = f32(std[c]);
    for (let i = start; i < start + plane; i++) out[i] = f32(f32(d[i] - m) / s);
  }
  return { ...img, data: out };
}

/**
 * normalize(toDtype(img, 'float32', { scale: true }), mean, std) in one pass, bit for bit: on
 * bytes each channel's result is a 256-entry table. Compose uses it for that pair of steps.
 */
export function scaleNormalize(img: Image<Uint8Array>, mean: readonly number[], std: readonly number[]): Image<Float32Array> {
  checkImage(img, 'scaleNormalize', { batch: true });
  if (!isUint8(img)) throw new TypeError('scaleNormalize: expects a uint8 image');
  checkStats(img, mean, std, 'scaleNormalize');
  const d = img.data;
  const out = allocFloats(d.length);
  const plane = img.height * img.width;
  const lut = new Float32Array(256 * img.channels);
  for (let c = 0; c < img.channels; c++) {
    const m = f32(mean[c]);
    const s = f32(std[c]);
    for (let v = 0; v < 256; v++) lut[c * 256 + v] = f32(f32(UNIT[v] - m) / s);
  }
  for (let start = 0, c = 0; start < d.length; start += plane, c = (c + 1) % img.channels) {
    const base = c * 256;
    for (let i = start; i < start + plane; i++) out[i] = lut[base + d[i]];
  }
  return { ...img, data: out };
}

/** x * std + mean per channel: undoes normalize() for showing images; accepts a batch (e.g. a batch tensor's data). */
export function denormalize(img: Image, mean: readonly number[], std: readonly number[]): Image<Float32Array> {
  checkImage(img, 'denormalize', { batch: true });
  if (isUint8(img)) throw new TypeError('denormalize: expects a float32 image');
  checkStats(img, mean, std, 'denormalize');
  const out = allocFloats(img.data.length);
  const plane = img.height * img.width;
  const d = img.data;
  for (let start = 0, c = 0; start < d.length; start += plane, c = (c + 1) % img.channels) {
    const m = f32(mean[c]);
    const s = f32(std[c]);
    for (let i = start; i < start + plane; i++) out[i] = f32(f32(d[i] * s) + m);
  }
  return { ...img, data: out };
}

/**
 * Sets the h x w rectangle at (i, j) to `value`: one number, one per channel, or a C x h x w
 * array (RandomErasing's random values). A copy unless `inplace`. torchvision's erase.
 */
export function erase<I extends Image>(img: I, i: number, j: number, h: number, w: number, value: number | readonly number[] | Float32Array, { inplace = false } = {}): I {
  checkImage(img, 'erase');
  const { channels: c, height: H, width: W } = img;
  if (![i, j, h, w].every(Number.isInteger) || i < 0 || j < 0 || h < 0 || w < 0 || i + h > H || j + w > W) {
    throw new RangeError(`erase: rectangle (${i}, ${j}) + ${h} x ${w} is not inside the ${H} x ${W} image`);
  }
  const values = typeof value === 'number' ? [value] : value;
  const perPixel = values.length === c * h * w && values.length !== c && values.length !== 1;
  if (!perPixel && values.length !== 1 && values.length !== c) {
    throw new TypeError(`erase: value must be a number, ${c} numbers, or ${c} x ${h} x ${w} numbers, got ${values.length}`);
  }
  const out = inplace ? img : (cloneImage(img) as I);
  const o = out.data;
  const u8 = isUint8(img);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const v = perPixel ? values[(ch * h + y) * w + x] : values[values.length === 1 ? 0 : ch];
        // Assigning a float into a uint8 tensor truncates, as torch's copy does.
        o[(ch * H + i + y) * W + j + x] = u8 ? Math.trunc(v) & 0xff : v;
      }
    }
  }
  return out;
}
