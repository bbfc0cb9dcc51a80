// Hue rotation as torchvision 0.14's functional_tensor does it: uint8 -> float32 / 255,
// _rgb2hsv, h = (h + factor) mod 1, _hsv2rgb, and * 255 truncated back to bytes. Each tensor op
// of those functions rounds to float32 once, so each step below is one fround; the one-hot
// einsum that picks the output channel adds exact zeros, so it is a plain selection here.
import { type Image, checkImage, emptyLike, isUint8 } from '../image.js';
import { f32 } from './numeric.js';

/** One RGB pixel (float32 values) to [h, s, v] in float32, as torchvision's _rgb2hsv. */
export function rgbToHsvPixel(r: number, g: number, b: number): [number, number, number] {
  const maxc = Math.max(r, g, b);
  const minc = Math.min(r, g, b);
  const eqc = maxc === minc;
  const cr = f32(maxc - minc);
  const s = f32(cr / (eqc ? 1 : maxc));
  const divisor = eqc ? 1 : cr;
  const rc = f32(f32(maxc - r) / divisor);
  const gc = f32(f32(maxc - g) / divisor);
  const bc = f32(f32(maxc - b) / divisor);
  // The three masks are exclusive, so h is exactly one of the three terms (the others are +-0).
  let h: number;
  if (maxc === r) h = f32(bc - gc);
  else if (maxc === g) h = f32(f32(2 + rc) - bc);
  else h = f32(f32(4 + gc) - rc);
  // torch.fmod(h / 6 + 1, 1): the remainder is exact; the division and the sum are not.
  return [f32(f32(h / 6) + 1) % 1, s, maxc];
}

/** One HSV pixel (float32 values) to [r, g, b], as torchvision's _hsv2rgb. */
export function hsvToRgbPixel(h: number, s: number, v: number): [number, number, number] {
  const h6 = f32(h * 6);
  const i = Math.floor(h6);
  const fr = f32(h6 - i);
  const clamp = (x: number) => (x <= 0 ? 0 : x >= 1 ? 1 : x);
  const p = clamp(f32(v * f32(1 - s)));
  const q = clamp(f32(v * f32(1 - f32(s * fr))));
  const t = clamp(f32(v * f32(1 - f32(s * f32(1 - fr)))));
  // i.to(int32) % 6: a C remainder after truncation (h is in [0, 1], so i is 0..6).
  switch (((i | 0) % 6 + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/**
 * Rotates the hue by `hueFactor` turns (in [-0.5, 0.5]; 0 keeps the image) through HSV;
 * a 1-channel image is returned as is. torchvision's adjust_hue on a tensor.
 */
export function adjustHue<I extends Image>(img: I, hueFactor: number): I {
  checkImage(img, 'adjustHue');
  if (typeof hueFactor !== 'number' || !(hueFactor >= -0.5 && hueFactor <= 0.5)) {
    throw new RangeError(`adjustHue: hueFactor must be in [-0.5, 0.5], got ${hueFactor}`);
  }
  if (img.channels !== 1 && img.channels !== 3) throw new TypeError(`adjustHue: expects 1 or 3 channels, got ${img.channels}`);
  // torchvision returns the input itself for grayscale ("match PIL behaviour").
  if (img.channels === 1) return img;
  const plane = img.height * img.width;
  const d = img.data;
  const out = emptyLike(img) as I;
  const o = out.data;
  const factor = f32(hueFactor);
  const bytes = isUint8(img);
  for (let p = 0; p < plane; p++) {
    let r = d[p];
    let g = d[p + plane];
    let b = d[p + 2 * plane];
    if (bytes) {
      r = f32(r / 255);
      g = f32(g / 255);
      b = f32(b / 255);
    }
    const [h, s, v] = rgbToHsvPixel(r, g, b);
    // (h + factor) % 1.0 is torch.remainder: fmod, plus 1 when negative (rounded in float32).
    let hh = f32(h + factor) % 1;
    if (hh < 0) hh = f32(hh + 1);
    const [ro, go, bo] = hsvToRgbPixel(hh, s, v);
    if (bytes) {
      // (x * 255.0).to(uint8): a C cast, truncation; x is in [0, 1].
      o[p] = f32(ro * 255);
      o[p + plane] = f32(go * 255);
      o[p + 2 * plane] = f32(bo * 255);
    } else {
      o[p] = ro;
      o[p + plane] = go;
      o[p + 2 * plane] = bo;
    }
  }
  return out;
}
