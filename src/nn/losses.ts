// Loss modules over nn.functional, with torch.nn's options and defaults: CrossEntropyLoss (the loss
// of the label-smoothing study), NLLLoss, the regression losses, the binary cross-entropies and
// KLDivLoss (distillation). Weights are buffers under PyTorch's names ('weight', 'pos_weight').
import type { Tensor } from '../torch/tensor.js';
import {
  type CrossEntropyOptions, type KlDivReduction, type Reduction, binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy,
  klDiv, l1Loss, mseLoss, nllLoss, smoothL1Loss,
} from './functional.js';
import { Module } from './module.js';

function checkReduction<R extends string>(name: string, reduction: R, allowed: readonly R[]): R {
  if (!allowed.includes(reduction)) {
    throw new RangeError(`${name}: invalid reduction ${JSON.stringify(reduction)} (${allowed.map((r) => `'${r}'`).join(', ')})`);
  }
  return reduction;
}
const REDUCTIONS: readonly Reduction[] = ['mean', 'sum', 'none'];

/**
 * Cross-entropy of logits (N, C, ...) against class indices or class probabilities, with PyTorch's
 * label smoothing (targets (1 - eps) * onehot + eps / C). `weight`, when given, is registered as a
 * buffer as in PyTorch: the module owns it from then on (dispose the module, not the tensor).
 */
export class CrossEntropyLoss extends Module<[Tensor, Tensor], Tensor> {
  /** Per-class weights (C), or null. */
  weight: Tensor | null;
  /** Class-index targets equal to this contribute nothing. */
  readonly ignoreIndex: number;
  /** 'mean' (default), 'sum' or 'none'. */
  readonly reduction: Reduction;
  /** eps in [0, 1]. */
  readonly labelSmoothing: number;

  /** The loss with torch.nn.CrossEntropyLoss's defaults: no weights, ignoreIndex -100, 'mean', no smoothing. */
  constructor({ weight = null, ignoreIndex = -100, reduction = 'mean', labelSmoothing = 0 }: CrossEntropyOptions = {}) {
    super();
    checkReduction('CrossEntropyLoss', reduction, REDUCTIONS);
    if (!(typeof labelSmoothing === 'number' && labelSmoothing >= 0 && labelSmoothing <= 1)) {
      throw new RangeError(`CrossEntropyLoss: invalid labelSmoothing ${labelSmoothing} (must be in [0, 1])`);
    }
    if (!Number.isInteger(ignoreIndex)) throw new TypeError(`CrossEntropyLoss: invalid ignoreIndex ${ignoreIndex} (an integer)`);
    this.weight = this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
    this.reduction = reduction;
    this.labelSmoothing = labelSmoothing;
  }

  /** The loss of `input` logits against `target`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return crossEntropy(input, target, {
      weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction, labelSmoothing: this.labelSmoothing,
    });
  }

  override extraRepr(): string {
    return this.labelSmoothing === 0 ? '' : `label_smoothing=${this.labelSmoothing}`;
  }
}

/** Negative log-likelihood of log-probabilities (N, C, ...) at class indices (LogSoftmax then NLLLoss is CrossEntropyLoss). */
export class NLLLoss extends Module<[Tensor, Tensor], Tensor> {
  /** Per-class weights (C), or null; a buffer the module owns. */
  weight: Tensor | null;
  readonly ignoreIndex: number;
  readonly reduction: Reduction;

  constructor({ weight = null, ignoreIndex = -100, reduction = 'mean' }: Omit<CrossEntropyOptions, 'labelSmoothing'> = {}) {
    super();
    this.reduction = checkReduction('NLLLoss', reduction, REDUCTIONS);
    this.weight = this.registerBuffer('weight', weight);
    this.ignoreIndex = ignoreIndex;
  }

  /** The loss of log-probabilities `input` at `target`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return nllLoss(input, target, { weight: this.weight, ignoreIndex: this.ignoreIndex, reduction: this.reduction });
  }
}

/** Mean squared error (reduction 'mean'), or its sum or elementwise values. */
export class MSELoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor({ reduction = 'mean' }: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction('MSELoss', reduction, REDUCTIONS);
  }

  /** The loss of `input` against `target` (broadcast together). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/** Mean absolute error (reduction 'mean'), or its sum or elementwise values. */
export class L1Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;

  constructor({ reduction = 'mean' }: { reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction('L1Loss', reduction, REDUCTIONS);
  }

  /** The loss of `input` against `target` (broadcast together). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/** Squared error below `beta` (default 1), absolute error above: robust to outliers (Fast R-CNN). */
export class SmoothL1Loss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: Reduction;
  readonly beta: number;

  constructor({ reduction = 'mean', beta = 1 }: { reduction?: Reduction; beta?: number } = {}) {
    super();
    this.reduction = checkReduction('SmoothL1Loss', reduction, REDUCTIONS);
    this.beta = beta;
  }

  /** The loss of `input` against `target` (broadcast together). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/** Binary cross-entropy of probabilities (after a sigmoid) against targets in [0, 1]. */
export class BCELoss extends Module<[Tensor, Tensor], Tensor> {
  /** Per-element weights, broadcast to the target; a buffer the module owns. */
  weight: Tensor | null;
  readonly reduction: Reduction;

  constructor({ weight = null, reduction = 'mean' }: { weight?: Tensor | null; reduction?: Reduction } = {}) {
    super();
    this.reduction = checkReduction('BCELoss', reduction, REDUCTIONS);
    this.weight = this.registerBuffer('weight', weight);
  }

  /** The loss of probabilities `input` against `target` (same shape). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/** Sigmoid and binary cross-entropy in one, computed stably from logits; `posWeight` weighs positives per class. */
export class BCEWithLogitsLoss extends Module<[Tensor, Tensor], Tensor> {
  /** Per-element weights; a buffer the module owns. */
  weight: Tensor | null;
  /** Per-class weights of the positive term; a buffer the module owns. */
  pos_weight: Tensor | null;
  readonly reduction: Reduction;

  constructor({ weight = null, reduction = 'mean', posWeight = null }: { weight?: Tensor | null; reduction?: Reduction; posWeight?: Tensor | null } = {}) {
    super();
    this.reduction = checkReduction('BCEWithLogitsLoss', reduction, REDUCTIONS);
    this.weight = this.registerBuffer('weight', weight);
    this.pos_weight = this.registerBuffer('pos_weight', posWeight);
  }

  /** The loss of logits `input` against `target` (same shape). */
  override forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { weight: this.weight, reduction: this.reduction, posWeight: this.pos_weight });
  }
}

/**
 * KL divergence of the target distribution from log-probabilities `input` (knowledge distillation:
 * student log-softmax against teacher softmax). Use reduction 'batchmean' for the per-sample KL;
 * PyTorch's default 'mean' divides by the element count.
 */
export class KLDivLoss extends Module<[Tensor, Tensor], Tensor> {
  readonly reduction: KlDivReduction;
  /** The target holds log-probabilities. */
  readonly logTarget: boolean;

  constructor({ reduction = 'mean', logTarget = false }: { reduction?: KlDivReduction; logTarget?: boolean } = {}) {
    super();
    this.reduction = checkReduction<KlDivReduction>('KLDivLoss', reduction, ['mean', 'sum', 'none', 'batchmean']);
    this.logTarget = logTarget;
  }

  /** The divergence of `target` from log-probabilities `input`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
