// Loss modules: nn.CrossEntropyLoss, the loss of the label-smoothing study, as a Module over
// nn.functional.crossEntropy with torch.nn.CrossEntropyLoss's options and defaults.
import type { Tensor } from '../torch/tensor.js';
import { type CrossEntropyOptions, type Reduction, crossEntropy } from './functional.js';
import { Module } from './module.js';

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
    if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
      throw new RangeError(`CrossEntropyLoss: invalid reduction ${JSON.stringify(reduction)} ('mean', 'sum' or 'none')`);
    }
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
