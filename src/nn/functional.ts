// nn.functional: the stateless layers and losses, with torch.nn.functional's names and defaults.
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';

/** A size given once for both spatial dimensions, or as [height, width]. */
export type Size2d = number | [number, number];

/** A size of the one dimension of conv1d, as a number or a 1-tuple. */
export type Size1d = number | [number];

const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);
const single = (v: Size1d): [number] => (typeof v === 'number' ? [v] : v);

/** How a loss reduces over the batch. */
export type Reduction = 'mean' | 'sum' | 'none';

/** 2-d convolution of NCHW input with an (out, in / groups, kH, kW) weight. */
export function conv2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  { stride = 1, padding = 0, dilation = 1, groups = 1 }: { stride?: Size2d; padding?: Size2d; dilation?: Size2d; groups?: number } = {},
): Tensor {
  return new Tensor(native.conv2d(input.handle, weight.handle, bias?.handle ?? null, pair(stride), pair(padding), pair(dilation), groups));
}

/** 1-d convolution of (N, C, L) input with an (out, in / groups, k) weight. */
export function conv1d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  { stride = 1, padding = 0, dilation = 1, groups = 1 }: { stride?: Size1d; padding?: Size1d; dilation?: Size1d; groups?: number } = {},
): Tensor {
  return new Tensor(native.conv1d(input.handle, weight.handle, bias?.handle ?? null, single(stride), single(padding), single(dilation), groups));
}

/** Options of convTranspose2d, as torch.nn.functional.conv_transpose2d's keywords. */
export interface ConvTranspose2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  /** Extra rows / columns on one side of the output, to pick among the sizes a strided input maps to. */
  outputPadding?: Size2d;
  groups?: number;
  dilation?: Size2d;
}

/** 2-d transposed convolution ("deconvolution") of NCHW input with an (in, out / groups, kH, kW) weight. */
export function convTranspose2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 }: ConvTranspose2dOptions = {},
): Tensor {
  return new Tensor(native.convTranspose2d(input.handle, weight.handle, bias?.handle ?? null,
    pair(stride), pair(padding), pair(outputPadding), groups, pair(dilation)));
}

/** input @ weight^T + bias. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  return new Tensor(native.linear(input.handle, weight.handle, bias?.handle ?? null));
}

/**
 * Batch normalization. In training mode the batch statistics normalize and, when given, the running
 * statistics are updated in place with `momentum` and the unbiased batch variance (PyTorch's rule).
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null,
  { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 }:
  { weight?: Tensor | null; bias?: Tensor | null; training?: boolean; momentum?: number; eps?: number } = {},
): Tensor {
  // One value per channel has variance 0 and makes the unbiased running variance NaN (n - 1 = 0).
  if (training) verifyBatchSize(input.shape, `torch.Size([${input.shape.join(', ')}])`);
  return new Tensor(native.batchNorm(input.handle, runningMean?.handle ?? null, runningVar?.handle ?? null,
    weight?.handle ?? null, bias?.handle ?? null, training, momentum, eps));
}

// torch.nn.functional._verify_batch_size, with the size printed as Python prints it there.
function verifyBatchSize(size: number[], shown: string): void {
  const values = size.slice(2).reduce((a, b) => a * b, size[0]);
  if (values === 1) throw new RangeError(`Expected more than 1 value per channel when training, got input size ${shown}`);
}

/** Normalizes over the trailing `normalizedShape` dimensions, then scales by weight and shifts by bias. */
export function layerNorm(
  input: Tensor, normalizedShape: number | number[],
  { weight = null, bias = null, eps = 1e-5 }: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  return new Tensor(native.layerNorm(input.handle, normalizedShape, weight?.handle ?? null, bias?.handle ?? null, eps));
}

/** Normalizes (N, C, ...) input over groups of C / numGroups channels, then applies per-channel weight and bias. */
export function groupNorm(
  input: Tensor, numGroups: number,
  { weight = null, bias = null, eps = 1e-5 }: { weight?: Tensor | null; bias?: Tensor | null; eps?: number } = {},
): Tensor {
  const [n, c, ...rest] = input.shape;
  const size = [n * Math.floor(c / numGroups), numGroups, ...rest];
  verifyBatchSize(size, `[${size.join(', ')}]`);
  return new Tensor(native.groupNorm(input.handle, numGroups, weight?.handle ?? null, bias?.handle ?? null, eps));
}

/** Options of embedding, as torch.nn.functional.embedding's keywords. */
export interface EmbeddingOptions {
  /** This row gets no gradient (negative counts from the end); null for none. */
  paddingIdx?: number | null;
  /** Rows looked up are first rescaled in place to this norm at most. */
  maxNorm?: number | null;
  /** The p of the maxNorm norm. */
  normType?: number;
  /** Scales each row's gradient by the inverse frequency of its index in the batch. */
  scaleGradByFreq?: boolean;
}

/** The rows of `weight` (num, dim) at the int64 indices of `input`. */
export function embedding(
  input: Tensor, weight: Tensor,
  { paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false }: EmbeddingOptions = {},
): Tensor {
  const rows = weight.shape[0];
  let padding = -1;
  if (paddingIdx !== null) {
    if (!Number.isInteger(paddingIdx) || paddingIdx >= rows || paddingIdx < -rows) {
      throw new RangeError(`embedding: paddingIdx must be within num_embeddings (${rows}), got ${paddingIdx}`);
    }
    padding = paddingIdx < 0 ? rows + paddingIdx : paddingIdx;
  }
  if (maxNorm !== null) native.embeddingRenorm_(weight.handle, input.handle, maxNorm, normType);
  return new Tensor(native.embedding(input.handle, weight.handle, padding, scaleGradByFreq));
}

/** max(x, 0). */
export function relu(input: Tensor): Tensor {
  return input.relu();
}

/** How gelu computes Phi(x): exactly with erf ('none') or with the tanh approximation. */
export type GeluApproximate = 'none' | 'tanh';

/** x * Phi(x), Phi the standard normal CDF (Hendrycks and Gimpel 2016). */
export function gelu(input: Tensor, { approximate = 'none' }: { approximate?: GeluApproximate } = {}): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') throw new TypeError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  return new Tensor(native.gelu(input.handle, approximate));
}

/** x * sigmoid(x) (also called swish); `inplace` overwrites and returns the input. */
export function silu(input: Tensor, inplace = false): Tensor {
  if (!inplace) return new Tensor(native.silu(input.handle));
  native.silu_(input.handle);
  return input;
}

/** x for x >= 0, negativeSlope * x below; `inplace` overwrites and returns the input. */
export function leakyRelu(input: Tensor, negativeSlope = 0.01, inplace = false): Tensor {
  if (!inplace) return new Tensor(native.leakyRelu(input.handle, negativeSlope));
  native.leakyRelu_(input.handle, negativeSlope);
  return input;
}

/** 2-d max pooling; stride defaults to the kernel size. */
export function maxPool2d(
  input: Tensor, kernelSize: Size2d,
  { stride, padding = 0, dilation = 1, ceilMode = false }: { stride?: Size2d; padding?: Size2d; dilation?: Size2d; ceilMode?: boolean } = {},
): Tensor {
  return new Tensor(native.maxPool2d(input.handle, pair(kernelSize), pair(stride ?? kernelSize), pair(padding), pair(dilation), ceilMode));
}

/** 2-d average pooling; stride defaults to the kernel size. */
export function avgPool2d(
  input: Tensor, kernelSize: Size2d,
  { stride, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }:
  { stride?: Size2d; padding?: Size2d; ceilMode?: boolean; countIncludePad?: boolean; divisorOverride?: number | null } = {},
): Tensor {
  return new Tensor(native.avgPool2d(input.handle, pair(kernelSize), pair(stride ?? kernelSize), pair(padding), ceilMode, countIncludePad, divisorOverride));
}

/** Average pooling to a fixed output size. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: Size2d): Tensor {
  return new Tensor(native.adaptiveAvgPool2d(input.handle, pair(outputSize)));
}

function checkP(p: number, where: string): void {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${where}: dropout probability has to be between 0 and 1, but got ${p}`);
}

/** Zeroes elements with probability p and scales the rest by 1 / (1 - p) while training. */
export function dropout(input: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, 'dropout');
  return new Tensor(native.dropout(input.handle, p, training));
}

/** Zeroes whole channels of NCHW input with probability p while training. */
export function dropout2d(input: Tensor, p = 0.5, training = true): Tensor {
  checkP(p, 'dropout2d');
  return new Tensor(native.dropout2d(input.handle, p, training));
}

/** Options of crossEntropy, as torch.nn.functional.cross_entropy's keywords. */
export interface CrossEntropyOptions {
  /** Per-class weights (C). */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing (class-index targets only). */
  ignoreIndex?: number;
  reduction?: Reduction;
  /** eps: the target becomes (1 - eps) * onehot + eps / C. */
  labelSmoothing?: number;
}

/**
 * Cross-entropy of logits (N, C, ...) against class indices (N, ...) or class probabilities
 * (N, C, ...), with PyTorch's label smoothing.
 */
export function crossEntropy(
  input: Tensor, target: Tensor,
  { weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 }: CrossEntropyOptions = {},
): Tensor {
  if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) throw new RangeError(`crossEntropy: labelSmoothing must be in [0, 1], got ${labelSmoothing}`);
  return new Tensor(native.crossEntropy(input.handle, target.handle, weight?.handle ?? null, reduction, ignoreIndex, labelSmoothing));
}

/** Negative log-likelihood of log-probabilities (N, C, ...) at class indices (N, ...). */
export function nllLoss(
  input: Tensor, target: Tensor,
  { weight = null, ignoreIndex = -100, reduction = 'mean' }: Omit<CrossEntropyOptions, 'labelSmoothing'> = {},
): Tensor {
  return new Tensor(native.nllLoss(input.handle, target.handle, weight?.handle ?? null, reduction, ignoreIndex));
}

/** One-hot int64 encoding of class indices; numClasses -1 infers max + 1. */
export function oneHot(target: Tensor, numClasses = -1): Tensor {
  return new Tensor(native.oneHot(target.handle, numClasses));
}

/** softmax along dim. */
export function softmax(input: Tensor, dim: number): Tensor {
  return input.softmax(dim);
}

/** log(softmax) along dim. */
export function logSoftmax(input: Tensor, dim: number): Tensor {
  return input.logSoftmax(dim);
}

export {
  mseLoss, l1Loss, smoothL1Loss, binaryCrossEntropy, binaryCrossEntropyWithLogits, klDiv, type KlDivReduction, type BceWithLogitsOptions,
} from './functional_losses.js';
export { pad, interpolate, type PadMode, type InterpolateMode, type InterpolateOptions } from './functional_resampling.js';
