// Online label smoothing (Zhang et al. 2020, "Delving Deep into Label Smoothing", arXiv 2011.12562):
// the soft label of class c is the mean predicted distribution of the training samples of class c
// that the model classified correctly during the previous epoch. The loss is
// alpha * CE(hard labels) + (1 - alpha) * CE(soft labels), alpha 0.5 as in the authors' code
// (zhangchbin/OnlineLabelSmoothing, cifar/scripts/train_cifar_all_methods.py: 0.5 * ce + 0.5 * soft).
// Statistics come from the training forward pass itself (train mode, before the optimizer step), as
// there. A class with no correct sample in an epoch gets the uniform label, as there; the first epoch
// is uniform too (the authors' code starts from a zero matrix, which drops the soft term in epoch 1;
// the paper and issue 18 ask for the uniform start).
import { noGrad } from '../torch/autograd.js';
import { full, zeros } from '../torch/creation.js';
import { tidy } from '../torch/memory.js';
import { where } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';
import { nllLoss, oneHot } from './functional.js';
import { Module } from './module.js';

/** Options of OnlineLabelSmoothing. */
export interface OnlineLabelSmoothingOptions {
  /** Weight of the hard-label cross-entropy; 1 - alpha weighs the soft-label term (default 0.5). */
  alpha?: number;
}

/**
 * The online-label-smoothing loss of logits (N, C) against class indices (N): a module whose buffers
 * (soft_labels, prob_sum, correct_count) are its whole state, so a checkpoint of its stateDict
 * resumes it exactly. In train mode forward() also accumulates the statistics of the epoch;
 * nextEpoch() turns them into the soft labels of the next one.
 */
export class OnlineLabelSmoothing extends Module<[Tensor, Tensor], Tensor> {
  /** Soft labels in use (C, C): row c is the target distribution of class c. */
  soft_labels: Tensor;
  /** This epoch's sum of predicted distributions of correctly classified samples, per true class (C, C). */
  prob_sum: Tensor;
  /** This epoch's number of correctly classified samples per class (C). */
  correct_count: Tensor;
  readonly numClasses: number;
  readonly alpha: number;

  /** A loss for `numClasses` classes whose first epoch's soft labels are uniform. */
  constructor(numClasses: number, { alpha = 0.5 }: OnlineLabelSmoothingOptions = {}) {
    super();
    if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new RangeError(`OnlineLabelSmoothing: invalid numClasses ${numClasses} (an integer >= 1)`);
    if (!(typeof alpha === 'number' && alpha >= 0 && alpha <= 1)) throw new RangeError(`OnlineLabelSmoothing: invalid alpha ${alpha} (must be in [0, 1])`);
    this.numClasses = numClasses;
    this.alpha = alpha;
    this.soft_labels = this.registerBuffer('soft_labels', full([numClasses, numClasses], 1 / numClasses));
    this.prob_sum = this.registerBuffer('prob_sum', zeros([numClasses, numClasses]));
    this.correct_count = this.registerBuffer('correct_count', zeros([numClasses]));
  }

  /** The loss of `input` logits at class indices `target`; in train mode, also counts the batch toward the next soft labels. */
  override forward(input: Tensor, target: Tensor): Tensor {
    if (input.ndim !== 2 || input.shape[1] !== this.numClasses) {
      throw new RangeError(`OnlineLabelSmoothing: input must be (N, ${this.numClasses}) logits, got shape [${input.shape.join(', ')}]`);
    }
    return tidy(() => {
      const logp = input.logSoftmax(1);
      if (this.training) this.accumulate(logp, target);
      const hard = nllLoss(logp, target);
      const soft = this.soft_labels.to({ dtype: logp.dtype, device: logp.device }).indexSelect(0, target).mul(logp).sum(1).mean().neg();
      return hard.mul(this.alpha).add(soft.mul(1 - this.alpha));
    });
  }

  // Adds the predicted distributions of the correctly classified samples to their true class's row:
  // (onehot * correct)^T @ p sums them without a scatter.
  private accumulate(logp: Tensor, target: Tensor): void {
    noGrad(() => tidy(() => {
      const p = logp.detach().exp().to({ dtype: 'float32', device: this.prob_sum.device });
      const t = target.to({ device: this.prob_sum.device });
      const correct = p.argmax(1).eq(t).float();
      const rows = oneHot(t, this.numClasses).float().mul(correct.unsqueeze(1));
      this.prob_sum.add_(rows.t().matmul(p));
      this.correct_count.add_(rows.sum(0));
    }));
  }

  /** Ends an epoch: each class's soft label becomes its mean correct prediction (uniform without one), and the sums restart. */
  nextEpoch(): void {
    noGrad(() => tidy(() => {
      const counted = this.correct_count.gt(0).unsqueeze(1);
      const mean = this.prob_sum.div(this.correct_count.clamp(1).unsqueeze(1));
      this.soft_labels.copy_(where(counted, mean, 1 / this.numClasses));
      this.prob_sum.zero_();
      this.correct_count.zero_();
    }));
  }

  override extraRepr(): string {
    return `num_classes=${this.numClasses}, alpha=${this.alpha}`;
  }
}
