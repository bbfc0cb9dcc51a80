// torchvision 0.14's resize and resized_crop on tensors: the output size rule
// (_compute_resized_output_size: a number is the smaller edge, maxSize caps the longer one), then
// interpolate on float32 values, and for uint8 images torch.round (half to even) and a cast back.
import { type Image, allocBytes, checkImage, isUint8 } from '../image.js';
import { type ResizeInterpolation, interpolate, isChannelsLastContiguous } from './interpolate.js';
import { crop } from './geometry.js';
import { roundHalfEven } from './numeric.js';

/** The size argument of resize: the smaller edge (a number or [n]), or [height, width]. */
export type ResizeSize = number | readonly [number] | readonly [number, number];

/** Options of resize(): torchvision's F.resize arguments after size. */
export interface ResizeOptions {
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ResizeInterpolation;
  /** Cap on the longer edge when size is the smaller edge; none by default. */
  maxSize?: number | null;
  /** Only false (torchvision 0.14's default for tensors) is implemented. */
  antialias?: boolean | null;
}

/** Throws unless `size` is a positive integer, [n] or [height, width]; returns it as an array. */
export function checkResizeSize(size: unknown, where: string): number[] {
  const s = typeof size === 'number' ? [size] : size;
  if (!Array.isArray(s) || (s.length !== 1 && s.length !== 2) || !s.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new TypeError(`${where}: size must be an integer, [n] or [height, width], got ${JSON.stringify(size)}`);
  }
  if (!s.every((v) => v > 0)) throw new RangeError(`${where}: size must be positive, got ${JSON.stringify(size)}`);
  return s;
}

/** Throws unless the interpolation, maxSize and antialias options are ones resize supports. */
export function checkResizeOptions(size: readonly number[], { interpolation = 'bilinear', maxSize = null, antialias = null }: ResizeOptions, where: string): void {
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new TypeError(`${where}: interpolation must be 'nearest' or 'bilinear' (the tensor modes implemented here), got ${JSON.stringify(interpolation)}`);
  }
  if (antialias !== null && antialias !== false) {
    throw new TypeError(`${where}: antialias must be false or null (torchvision 0.14's tensor default); antialiased resizing is not implemented`);
  }
  if (maxSize === null) return;
  if (!Number.isInteger(maxSize)) throw new TypeError(`${where}: maxSize must be an integer or null, got ${JSON.stringify(maxSize)}`);
  if (size.length !== 1) throw new TypeError(`${where}: maxSize applies only when size is the smaller edge (a number or [n]), got size ${JSON.stringify(size)}`);
  if (maxSize <= size[0]) throw new RangeError(`${where}: maxSize (${maxSize}) must be larger than the smaller edge's size (${size[0]})`);
}

/** The [height, width] resize() produces for an image of height x width (torchvision's _compute_resized_output_size). */
export function resizedOutputSize(height: number, width: number, size: ResizeSize, maxSize: number | null = null): [number, number] {
  const s = checkResizeSize(size, 'resize');
  if (s.length === 2) return [s[0], s[1]];
  const [short, long] = width <= height ? [width, height] : [height, width];
  let newShort = s[0];
  // Python's int(): truncation of the float64 quotient.
  let newLong = Math.trunc((newShort * long) / short);
  if (maxSize !== null && newLong > maxSize) {
    newShort = Math.trunc((maxSize * newShort) / newLong);
    newLong = maxSize;
  }
  if (newShort <= 0) throw new RangeError(`resize: maxSize ${maxSize} leaves no pixels on the shorter edge of a ${height} x ${width} image`);
  return width <= height ? [newLong, newShort] : [newShort, newLong];
}

/**
 * Resizes to `size`: a number (or [n]) for the smaller edge keeping the aspect ratio, or
 * [height, width]. torchvision's F.resize on a tensor (antialias off); an image already of
 * that size is returned as is.
 */
export function resize<I extends Image>(img: I, size: ResizeSize, options: ResizeOptions = {}): I {
  checkImage(img, 'resize');
  const s = checkResizeSize(size, 'resize');
  checkResizeOptions(s, options, 'resize');
  const { interpolation = 'bilinear', maxSize = null } = options;
  return resizeTo(img, resizedOutputSize(img.height, img.width, size, maxSize), interpolation);
}

// F_t.resize to [oh, ow]; `channelsLast` as interpolate() takes it.
function resizeTo<I extends Image>(img: I, [oh, ow]: [number, number], interpolation: ResizeInterpolation, channelsLast?: boolean): I {
  if (oh === img.height && ow === img.width) return img;
  const values = interpolate(img, oh, ow, interpolation, channelsLast);
  if (!isUint8(img)) return values as Image as I;
  // torchvision rounds before the cast ("it is better to round before cast"); bilinear stays within 0..255.
  const out = allocBytes(values.data.length);
  const v = values.data;
  for (let i = 0; i < v.length; i++) out[i] = roundHalfEven(v[i]);
  return { ...values, data: out } as Image as I;
}

/** Crops the height x width window at (top, left), then resizes it to `size`; torchvision's F.resized_crop. */
export function resizedCrop<I extends Image>(img: I, top: number, left: number, height: number, width: number, size: ResizeSize, options: Omit<ResizeOptions, 'maxSize'> = {}): I {
  checkImage(img, 'resizedCrop');
  const s = checkResizeSize(size, 'resizedCrop');
  checkResizeOptions(s, options, 'resizedCrop');
  const { interpolation = 'bilinear' } = options;
  const cropped = crop(img, top, left, height, width);
  // torchvision's crop is a view of the image when it lies inside it. A uint8 view is copied to
  // float32 (contiguous) before interpolating; a float32 view keeps the image's strides, and
  // they decide which bilinear kernel libtorch runs.
  const { channels: c, height: H, width: W } = img;
  const view = !isUint8(img) && top >= 0 && left >= 0 && top + height <= H && left + width <= W;
  const channelsLast = view ? isChannelsLastContiguous([1, c, height, width], [c * H * W, H * W, W, 1]) : undefined;
  return resizeTo(cropped, resizedOutputSize(height, width, size), interpolation, channelsLast);
}
