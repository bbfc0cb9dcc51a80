// nn.functional: the stateless layers and losses, with torch.nn.functional's names and defaults.
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';

/** A size given once for both spatial dimensions, or as [height, width]. */
export type Size2d = number | [number, number];

const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : v);

/** How a loss reduces over the batch. */
export type Reduction = 'mean' | 'sum' | 'none';

/** 2-d convolution of NCHW input with an (out, in / groups, kH, kW) weight. */
export function conv2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  { stride = 1, padding = 0, dilation = 1, groups = 1 }: { stride?: Size2d; padding?: Size2d; dilation?: Size2d; groups?: number } = {},
): Tensor {
  return new Tensor(native.conv2d(input.handle, weight.handle, bias?.handle ?? null, pair(stride), pair(padding), pair(dilation), groups));
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
  return new Tensor(native.batchNorm(input.handle, runningMean?.handle ?? null, runningVar?.handle ?? null,
    weight?.handle ?? null, bias?.handle ?? null, training, momentum, eps));
}

/** max(x, 0). */
export function relu(input: Tensor): Tensor {
  return input.relu();
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
