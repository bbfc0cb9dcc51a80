// torch.nn.functional.interpolate on CHW images, as libtorch 1.13's CPU kernels compute it:
// 'nearest' (the legacy rule, floor(i * in / out) in float32) and 'bilinear' with
// align_corners=False (source index in float64, float32 weights). Bilinear has two kernels: the
// NCHW one sums each pair of taps as GCC's FMA contraction of t0 * w0 + t1 * w1 in the AVX2
// build; the channels-last one, which libtorch also picks for 1-channel images, sums four
// weighted taps in float64 (its vector loop, for 8 or more channels of a 1 x 1 image, is not
// replayed). The values come out in float32; torchvision's resize decides how they become bytes.
import { type Image, allocFloats, checkImage } from '../image.js';
import { f32, fmaf } from './numeric.js';

/** The interpolation modes of interpolate() and resize(). */
export type ResizeInterpolation = 'nearest' | 'bilinear';

/** Source index of each output index along one axis for 'nearest' (libtorch's nearest_idx). */
export function nearestIndices(inSize: number, outSize: number): Int32Array {
  const idx = new Int32Array(outSize);
  // libtorch special-cases these two sizes; the float32 rule would agree for 1 but not always for 2.
  if (outSize === inSize) for (let i = 0; i < outSize; i++) idx[i] = i;
  else if (outSize === 2 * inSize) for (let i = 0; i < outSize; i++) idx[i] = i >> 1;
  else {
    const scale = f32(inSize / outSize);
    for (let i = 0; i < outSize; i++) idx[i] = Math.min(Math.floor(f32(i * scale)), inSize - 1);
  }
  return idx;
}

/** The two taps and float32 weights of each output index along one axis for 'bilinear', align_corners=False. */
export interface LinearAxis {
  i0: Int32Array;
  i1: Int32Array;
  w0: Float32Array;
  w1: Float32Array;
}

/** libtorch's compute_source_index_and_lambda for every output index of one axis. */
export function linearAxis(inSize: number, outSize: number): LinearAxis {
  const axis = { i0: new Int32Array(outSize), i1: new Int32Array(outSize), w0: new Float32Array(outSize), w1: new Float32Array(outSize) };
  const scale = f32(inSize / outSize);
  for (let i = 0; i < outSize; i++) {
    if (inSize === outSize) {
      axis.i0[i] = axis.i1[i] = i;
      axis.w0[i] = 1;
      continue;
    }
    // The source index is an acc_type (float64) expression of the float32 scale.
    const src = Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.floor(src);
    axis.i0[i] = i0;
    axis.i1[i] = i0 < inSize - 1 ? i0 + 1 : i0;
    const l1 = f32(src - i0);
    axis.w1[i] = l1;
    axis.w0[i] = f32(1 - l1);
  }
  return axis;
}

/**
 * Whether an N=1 NCHW tensor of these sizes and strides is channels-last contiguous (libtorch's
 * compute_channels_last_contiguous_2d: size-1 dimensions are skipped), which picks libtorch's
 * channels-last bilinear kernel.
 */
export function isChannelsLastContiguous(sizes: readonly [number, number, number, number], strides: readonly [number, number, number, number]): boolean {
  let expected = 1;
  for (const d of [1, 3, 2, 0]) {
    if (sizes[d] === 1) continue;
    if (strides[d] !== expected) return false;
    expected *= sizes[d];
  }
  return true;
}

/**
 * Resamples every channel to outHeight x outWidth; returns float32 values (the input may be
 * uint8). `channelsLast` says whether libtorch would see the input as channels-last contiguous;
 * by default it is judged for a contiguous tensor (true for 1 channel or a 1 x 1 image).
 */
export function interpolate(img: Image, outHeight: number, outWidth: number, mode: ResizeInterpolation = 'bilinear', channelsLast?: boolean): Image<Float32Array> {
  checkImage(img, 'interpolate');
  if (![outHeight, outWidth].every((v) => Number.isInteger(v) && v > 0)) {
    throw new RangeError(`interpolate: output size must be positive integers, got ${outHeight} x ${outWidth}`);
  }
  if (mode !== 'nearest' && mode !== 'bilinear') throw new TypeError(`interpolate: mode must be 'nearest' or 'bilinear', got ${JSON.stringify(mode)}`);
  const { channels: c, height: h, width: w } = img;
  const d = img.data;
  const out = allocFloats(c * outHeight * outWidth);
  if (mode === 'nearest') {
    const ys = nearestIndices(h, outHeight);
    const xs = nearestIndices(w, outWidth);
    let o = 0;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < outHeight; y++) {
        const row = (ch * h + ys[y]) * w;
        for (let x = 0; x < outWidth; x++) out[o++] = d[row + xs[x]];
      }
    }
    return { data: out, channels: c, height: outHeight, width: outWidth };
  }
  const ya = linearAxis(h, outHeight);
  const xa = linearAxis(w, outWidth);
  // A contiguous 1-channel (or 1 x 1) NCHW tensor is also channels-last contiguous, and libtorch
  // then takes its channels-last kernel: float32 weights h * w, the four taps summed in float64.
  const cl = channelsLast ?? isChannelsLastContiguous([1, c, h, w], [c * h * w, h * w, w, 1]);
  if (cl) return bilinearChannelsLast(img, ya, xa, outHeight, outWidth);
  let o = 0;
  for (let ch = 0; ch < c; ch++) {
    const plane = ch * h * w;
    for (let y = 0; y < outHeight; y++) {
      const r0 = plane + ya.i0[y] * w;
      const r1 = plane + ya.i1[y] * w;
      const wy0 = ya.w0[y];
      const wy1 = ya.w1[y];
      for (let x = 0; x < outWidth; x++) {
        const x0 = xa.i0[x];
        const x1 = xa.i1[x];
        const wx0 = xa.w0[x];
        const wx1 = xa.w1[x];
        // Interpolate<2>: the height taps of two width interpolations; the first product of each sum is the fused one.
        const t0 = fmaf(d[r0 + x0], wx0, f32(d[r0 + x1] * wx1));
        const t1 = fmaf(d[r1 + x0], wx0, f32(d[r1 + x1] * wx1));
        out[o++] = fmaf(t0, wy0, f32(t1 * wy1));
      }
    }
  }
  return { data: out, channels: c, height: outHeight, width: outWidth };
}

// cpu_upsample_linear_channels_last's scalar loop: one float32 weight per tap (h0 * w0, ...),
// each product and the sum in float64 (acc_type), rounded to float32 once on the store.
function bilinearChannelsLast(img: Image, ya: LinearAxis, xa: LinearAxis, outHeight: number, outWidth: number): Image<Float32Array> {
  const { channels: c, height: h, width: w } = img;
  const d = img.data;
  const out = allocFloats(c * outHeight * outWidth);
  const plane = outHeight * outWidth;
  for (let y = 0; y < outHeight; y++) {
    const r0 = ya.i0[y] * w;
    const r1 = ya.i1[y] * w;
    for (let x = 0; x < outWidth; x++) {
      const w00 = f32(ya.w0[y] * xa.w0[x]);
      const w01 = f32(ya.w0[y] * xa.w1[x]);
      const w10 = f32(ya.w1[y] * xa.w0[x]);
      const w11 = f32(ya.w1[y] * xa.w1[x]);
      for (let ch = 0; ch < c; ch++) {
        const p = ch * h * w;
        out[ch * plane + y * outWidth + x] = w00 * d[p + r0 + xa.i0[x]] + w01 * d[p + r0 + xa.i1[x]] + w10 * d[p + r1 + xa.i0[x]] + w11 * d[p + r1 + xa.i1[x]];
      }
    }
  }
  return { data: out, channels: c, height: outHeight, width: outWidth };
}
