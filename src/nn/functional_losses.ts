// nn.functional's regression, binary and divergence losses, with torch.nn.functional's names,
// defaults and checks (PyTorch 1.13). nn.functional re-exports them.
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';
import type { Reduction } from './functional.js';

const size = (shape: number[]) => `torch.Size([${shape.join(', ')}])`;
const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

/** The broadcast of two shapes (torch's _infer_size), or a TypeError naming both. */
function broadcastShape(a: number[], b: number[], where: string): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new TypeError(`${where}: the size of ${size(a)} and ${size(b)} must match or be 1 in each dimension`);
    return x === 1 ? y : x;
  });
}

// torch.nn.functional broadcasts input and target explicitly before the elementwise losses (their
// backward kernels expect equal shapes); the expanded views are released once the op holds them.
function broadcastLoss(input: Tensor, target: Tensor, where: string, op: (i: Tensor, t: Tensor) => Tensor): Tensor {
  const a = input.shape;
  const b = target.shape;
  if (same(a, b)) return op(input, target);
  const shape = broadcastShape(a, b, where);
  const i = input.expand(shape);
  const t = target.expand(shape);
  try {
    return op(i, t);
  } finally {
    i.dispose();
    t.dispose();
  }
}

/** Mean (or sum) of the squared differences (torch.nn.functional.mse_loss). */
export function mseLoss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  return broadcastLoss(input, target, 'mseLoss', (i, t) => new Tensor(native.mseLoss(i.handle, t.handle, reduction)));
}

/** Mean (or sum) of the absolute differences (torch.nn.functional.l1_loss). */
export function l1Loss(input: Tensor, target: Tensor, { reduction = 'mean' }: { reduction?: Reduction } = {}): Tensor {
  return broadcastLoss(input, target, 'l1Loss', (i, t) => new Tensor(native.l1Loss(i.handle, t.handle, reduction)));
}

/** Huber-like loss: 0.5 d^2 / beta where |d| < beta, |d| - 0.5 beta elsewhere (beta 0 is l1Loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, { reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}): Tensor {
  return broadcastLoss(input, target, 'smoothL1Loss', (i, t) =>
    new Tensor(beta === 0 ? native.l1Loss(i.handle, t.handle, reduction) : native.smoothL1Loss(i.handle, t.handle, reduction, beta)));
}

/** Binary cross-entropy of probabilities `input` against targets in [0, 1] of the same shape. */
export function binaryCrossEntropy(
  input: Tensor, target: Tensor, { weight = null, reduction = 'mean' }: { weight?: Tensor | null; reduction?: Reduction } = {},
): Tensor {
  if (!same(target.shape, input.shape)) {
    throw new RangeError(`Using a target size (${size(target.shape)}) that is different to the input size (${size(input.shape)}) is deprecated. ` +
      'Please ensure they have the same size.');
  }
  if (weight === null || same(weight.shape, target.shape)) {
    return new Tensor(native.binaryCrossEntropy(input.handle, target.handle, weight?.handle ?? null, reduction));
  }
  const expanded = weight.expand(broadcastShape(target.shape, weight.shape, 'binaryCrossEntropy'));
  try {
    return new Tensor(native.binaryCrossEntropy(input.handle, target.handle, expanded.handle, reduction));
  } finally {
    expanded.dispose();
  }
}

/** Options of binaryCrossEntropyWithLogits, as torch.nn.functional's keywords. */
export interface BceWithLogitsOptions {
  /** Rescales each element's loss (broadcast to the input). */
  weight?: Tensor | null;
  reduction?: Reduction;
  /** Weight of the positive term per class (broadcast along the last dimension): > 1 favours recall. */
  posWeight?: Tensor | null;
}

/** Binary cross-entropy of logits, computed stably through log-sigmoid. */
export function binaryCrossEntropyWithLogits(
  input: Tensor, target: Tensor, { weight = null, reduction = 'mean', posWeight = null }: BceWithLogitsOptions = {},
): Tensor {
  if (!same(target.shape, input.shape)) throw new RangeError(`Target size (${size(target.shape)}) must be the same as input size (${size(input.shape)})`);
  return new Tensor(native.binaryCrossEntropyWithLogits(input.handle, target.handle, weight?.handle ?? null, posWeight?.handle ?? null, reduction));
}

/** klDiv's reductions: 'batchmean' divides the sum by the batch size, the true KL divergence per sample. */
export type KlDivReduction = Reduction | 'batchmean';

/**
 * Kullback-Leibler divergence of the target distribution from `input`, which holds log-probabilities
 * (the target holds probabilities, or log-probabilities with `logTarget`). PyTorch's default 'mean'
 * averages over elements, not samples; 'batchmean' is the mathematically right one.
 */
export function klDiv(
  input: Tensor, target: Tensor, { reduction = 'mean', logTarget = false }: { reduction?: KlDivReduction; logTarget?: boolean } = {},
): Tensor {
  if (reduction !== 'batchmean') return new Tensor(native.klDiv(input.handle, target.handle, reduction, logTarget));
  const sum = new Tensor(native.klDiv(input.handle, target.handle, 'sum', logTarget));
  if (input.ndim === 0) return sum;
  try {
    return sum.div(input.shape[0]);
  } finally {
    sum.dispose();
  }
}
