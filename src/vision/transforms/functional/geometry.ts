// Flips, crops and padding of CHW images (torchvision 0.14's hflip, vflip, crop, pad). Pure index
// arithmetic: values are copied, never recomputed, so any element type works the same.
import { type Image, allocLike, checkImage, emptyLike, isUint8 } from '../image.js';

/** How pad() fills the border: torchvision's padding modes. */
export type PaddingMode = 'constant' | 'edge' | 'reflect' | 'symmetric';

const PADDING_MODES: readonly PaddingMode[] = ['constant', 'edge', 'reflect', 'symmetric'];

const BATCH = { batch: true };

// Rows of bytes whose width is a multiple of 4, mirrored a 32-bit word at a time: each word's
// bytes swapped, the words taken in reverse order (a quarter of the element accesses).
function hflipWords(d: Uint8Array, o: Uint8Array, w: number): void {
  const src = new Uint32Array(d.buffer, d.byteOffset, d.length >> 2);
  const dst = new Uint32Array(o.buffer, o.byteOffset, o.length >> 2);
  const words = w >> 2;
  for (let row = 0; row < src.length; row += words) {
    for (let k = 0, end = row + words - 1; k < words; k++) {
      const v = src[end - k];
      dst[row + k] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v & 0xff00) << 8) | (v << 24);
    }
  }
}

/** Mirrors left to right; accepts a batch (N x C x H x W in `data`). */
export function hflip<I extends Image>(img: I): I {
  checkImage(img, 'hflip', BATCH);
  const { width: w } = img;
  const d = img.data;
  const out = { ...img, data: allocLike(d, d.length) } as I;
  const o = out.data;
  if (d instanceof Uint8Array && w % 4 === 0 && d.byteOffset % 4 === 0) {
    hflipWords(d, o as Uint8Array, w);
    return out;
  }
  for (let row = 0; row < d.length; row += w) {
    for (let x = 0, end = row + w - 1; x < w; x++) o[row + x] = d[end - x];
  }
  return out;
}

/** Mirrors top to bottom; accepts a batch. */
export function vflip<I extends Image>(img: I): I {
  checkImage(img, 'vflip', BATCH);
  const { width: w, height: h } = img;
  const d = img.data;
  const out = { ...img, data: allocLike(d, d.length) } as I;
  const plane = w * h;
  for (let p = 0; p < img.data.length; p += plane) {
    for (let y = 0; y < h; y++) out.data.set(img.data.subarray(p + (h - 1 - y) * w, p + (h - y) * w), p + y * w);
  }
  return out;
}

/** Parses torchvision's padding argument: n, [n], [left/right, top/bottom] or [left, top, right, bottom]. */
export function parsePadding(padding: number | readonly number[], where = 'pad'): [left: number, top: number, right: number, bottom: number] {
  const p = typeof padding === 'number' ? [padding] : padding;
  if (!Array.isArray(p) || ![1, 2, 4].includes(p.length) || !p.every((v) => Number.isInteger(v))) {
    throw new TypeError(`${where}: padding must be an integer or 1, 2 or 4 integers, got ${JSON.stringify(padding)}`);
  }
  if (p.length === 1) return [p[0], p[0], p[0], p[0]];
  if (p.length === 2) return [p[0], p[1], p[0], p[1]];
  return [p[0], p[1], p[2], p[3]];
}

// Where output coordinate i (in the padded axis) reads from an input axis of length n, or -1 for fill.
function sourceIndex(i: number, n: number, mode: PaddingMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'constant':
      return -1;
    case 'edge':
      return i < 0 ? 0 : n - 1;
    case 'reflect':
      // Mirror without repeating the edge: -1 -> 1, n -> n - 2.
      return i < 0 ? -i : 2 * (n - 1) - i;
    default:
      // symmetric: mirror repeating the edge: -1 -> 0, n -> n - 1.
      return i < 0 ? -i - 1 : 2 * n - 1 - i;
  }
}

function checkFill(img: Image, fill: number | readonly number[], where: string): number[] {
  const values = typeof fill === 'number' ? new Array<number>(img.channels).fill(fill) : [...fill];
  if (values.length === 1) while (values.length < img.channels) values.push(values[0]);
  if (values.length !== img.channels || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new TypeError(`${where}: fill must be a number or one number per channel (${img.channels}), got ${JSON.stringify(fill)}`);
  }
  if (isUint8(img) && !values.every((v) => v >= 0 && v <= 255)) throw new RangeError(`${where}: fill ${JSON.stringify(fill)} is outside 0..255 for a uint8 image`);
  return values;
}

/**
 * Pads (or, with negative amounts, crops) the borders; `fill` is used by the constant mode
 * (a number, or one per channel). torchvision's pad.
 */
export function pad<I extends Image>(img: I, padding: number | readonly number[], { fill = 0, paddingMode = 'constant' }: { fill?: number | readonly number[]; paddingMode?: PaddingMode } = {}): I {
  checkImage(img, 'pad');
  if (!PADDING_MODES.includes(paddingMode)) throw new TypeError(`pad: paddingMode must be one of ${PADDING_MODES.join(', ')}, got ${JSON.stringify(paddingMode)}`);
  const [left, top, right, bottom] = parsePadding(padding);
  const fills = checkFill(img, fill, 'pad');
  // Negative padding crops first (torchvision does the same for every mode).
  let src: Image = img;
  if (Math.min(left, top, right, bottom) < 0) {
    src = crop(img, Math.max(-top, 0), Math.max(-left, 0), img.height - Math.max(-top, 0) - Math.max(-bottom, 0), img.width - Math.max(-left, 0) - Math.max(-right, 0));
  }
  const [l, t, r, b] = [left, top, right, bottom].map((v) => Math.max(v, 0));
  const { channels: c, height: h, width: w } = src;
  if (paddingMode === 'reflect' && (Math.max(l, r) >= w || Math.max(t, b) >= h)) {
    throw new RangeError(`pad: reflect padding (${[left, top, right, bottom].join(', ')}) must be smaller than the image (${h} x ${w})`);
  }
  if (paddingMode === 'symmetric' && (Math.max(l, r) > w || Math.max(t, b) > h)) {
    throw new RangeError(`pad: symmetric padding (${[left, top, right, bottom].join(', ')}) cannot exceed the image (${h} x ${w})`);
  }
  const oh = h + t + b;
  const ow = w + l + r;
  const out = emptyLike(src, { height: oh, width: ow }) as I;
  const xs = Int32Array.from({ length: ow }, (_, x) => sourceIndex(x - l, w, paddingMode));
  const d = src.data;
  const o = out.data;
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < oh; y++) {
      const sy = sourceIndex(y - t, h, paddingMode);
      const row = (ch * oh + y) * ow;
      if (sy < 0) {
        o.fill(fills[ch], row, row + ow);
        continue;
      }
      const srow = (ch * h + sy) * w;
      for (let x = 0; x < ow; x++) o[row + x] = xs[x] < 0 ? fills[ch] : d[srow + xs[x]];
    }
  }
  return out;
}

/** The height x width window at (top, left); parts outside the image are 0, as in torchvision's crop. */
export function crop<I extends Image>(img: I, top: number, left: number, height: number, width: number): I {
  checkImage(img, 'crop');
  if (![top, left, height, width].every(Number.isInteger) || height <= 0 || width <= 0) {
    throw new TypeError(`crop: top, left, height and width must be integers with a positive size, got ${top}, ${left}, ${height}, ${width}`);
  }
  const { channels: c, height: h, width: w } = img;
  const out = emptyLike(img, { height, width }) as I;
  const d = img.data;
  const o = out.data;
  const x0 = Math.max(0, -left);
  const x1 = Math.min(width, w - left);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < height; y++) {
      const sy = top + y;
      if (sy < 0 || sy >= h || x1 <= x0) continue;
      const srow = (ch * h + sy) * w + left;
      o.set(d.subarray(srow + x0, srow + x1), (ch * height + y) * width + x0);
    }
  }
  return out;
}

// Python's round() of a float64: half to even.
const pyRound = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/**
 * The centre height x width window (a number for a square); an image smaller than the crop is
 * first padded with zeros, the odd pixel going right and bottom. torchvision's F.center_crop.
 */
export function centerCrop<I extends Image>(img: I, outputSize: number | readonly [number] | readonly [number, number]): I {
  checkImage(img, 'centerCrop');
  const s = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize.length === 1 ? [outputSize[0], outputSize[0]] : [...outputSize];
  if (s.length !== 2 || !s.every((v) => Number.isInteger(v) && v > 0)) {
    throw new TypeError(`centerCrop: outputSize must be a positive integer or [height, width], got ${JSON.stringify(outputSize)}`);
  }
  const [ch, cw] = s;
  let x: I = img;
  if (cw > x.width || ch > x.height) {
    const dw = Math.max(cw - x.width, 0);
    const dh = Math.max(ch - x.height, 0);
    x = pad(x, [dw >> 1, dh >> 1, (dw + 1) >> 1, (dh + 1) >> 1]);
    if (x.width === cw && x.height === ch) return x;
  }
  return crop(x, pyRound((x.height - ch) / 2), pyRound((x.width - cw) / 2), ch, cw);
}
