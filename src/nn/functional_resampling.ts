// nn.functional.pad and nn.functional.interpolate, with torch.nn.functional's arguments, checks and
// messages (PyTorch 1.13); the kernels are ATen's. nn.functional re-exports them.
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';

/** How pad fills: a constant, the mirror image without the edge ('reflect'), the edge repeated, or wrapping around. */
export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

/**
 * Pads the last dimensions: `pad` lists (before, after) pairs starting from the last dimension, as
 * in PyTorch ([left, right, top, bottom] pads width then height). `value` is only for 'constant' (default 0).
 */
export function pad(input: Tensor, pad: number[], { mode = 'constant', value = null }: { mode?: PadMode; value?: number | null } = {}): Tensor {
  return new Tensor(native.pad(input.handle, pad, mode, value));
}

/** interpolate's sampling modes; linear, bilinear, bicubic and trilinear need 3-d, 4-d, 4-d and 5-d input. */
export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear';

/** Options of interpolate, as torch.nn.functional.interpolate's keywords (give size or scaleFactor). */
export interface InterpolateOptions {
  /** The output's spatial size (one number for every dimension, or one per dimension). */
  size?: number | number[] | null;
  /** Multiplier of the spatial size (the output size is floor(size * scale)). */
  scaleFactor?: number | number[] | null;
  mode?: InterpolateMode;
  /** Align the corner pixels' centres of input and output (the interpolating modes only; default false). */
  alignCorners?: boolean | null;
  /** Sample with the output size's own scale rather than scaleFactor (changes non-integer scales). */
  recomputeScaleFactor?: boolean | null;
}

const NEEDS: Partial<Record<InterpolateMode, number>> = { linear: 3, bilinear: 4, bicubic: 4, trilinear: 5 };

/** Resamples (N, C, ...spatial) input to a new spatial size. */
export function interpolate(
  input: Tensor,
  { size = null, scaleFactor = null, mode = 'nearest', alignCorners = null, recomputeScaleFactor = null }: InterpolateOptions = {},
): Tensor {
  const nearest = mode === 'nearest' || mode === 'nearest-exact';
  if (!nearest && !(mode in NEEDS)) throw new TypeError(`interpolate: unknown mode ${JSON.stringify(mode)}`);
  if (nearest && alignCorners !== null) {
    throw new RangeError('align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic | trilinear');
  }
  const shape = input.shape;
  const spatial = shape.slice(2);
  const dim = spatial.length;
  let outputSize: number[] | null = null;
  let scales: number[] = [];
  if (size !== null && scaleFactor !== null) throw new RangeError('only one of size or scale_factor should be defined');
  if (size !== null) {
    outputSize = typeof size === 'number' ? Array(dim).fill(size) : size;
    if (outputSize.length !== dim) {
      throw new RangeError(`Input and output must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] ` +
        `and output size of [${outputSize.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and output size in (o1, o2, ...,oK) format.`);
    }
  } else if (scaleFactor !== null) {
    scales = typeof scaleFactor === 'number' ? Array(dim).fill(scaleFactor) : scaleFactor;
    if (scales.length !== dim) {
      throw new RangeError(`Input and scale_factor must have the same number of spatial dimensions, but got input with spatial dimensions of [${spatial.join(', ')}] ` +
        `and scale_factor of shape [${scales.join(', ')}]. Please provide input tensor in (N, C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format.`);
    }
  } else {
    throw new RangeError('either size or scale_factor should be defined');
  }
  if (recomputeScaleFactor === true) {
    if (size !== null) throw new RangeError('recompute_scale_factor is not meaningful with an explicit size.');
    outputSize = spatial.map((s, i) => Math.floor(s * scales[i]));
    scales = [];
  }
  const needs = NEEDS[mode];
  if (needs !== undefined && input.ndim !== needs && input.ndim >= 3 && input.ndim <= 5) {
    throw new RangeError(`Got ${input.ndim}D input, but ${mode} mode needs ${needs}D input`);
  }
  if (input.ndim < 3 || input.ndim > 5) {
    throw new RangeError(`Input Error: Only 3D, 4D and 5D input Tensors supported (got ${input.ndim}D) for the modes: ` +
      `nearest | linear | bilinear | bicubic | trilinear | area | nearest-exact (got ${mode})`);
  }
  return new Tensor(native.interpolate(input.handle, outputSize, scales, mode, alignCorners ?? false));
}
