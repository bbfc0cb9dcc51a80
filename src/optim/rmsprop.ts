// RMSprop (Hinton's lecture 6e; the centered variant from Graves 2013), op for op as PyTorch 1.13's
// _single_tensor_rmsprop (its CPU default), so the same libtorch kernels see the same operands in
// the same order. As in PyTorch, eps is added after the square root (TensorFlow adds it inside).
import { zerosLike } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { type ParamGroup, type Params, Optimizer, checkOption } from './optimizer.js';

/** Hyperparameters of RMSprop (torch.optim.RMSprop's, camelCased). */
export interface RMSpropOptions {
  /** Learning rate. */
  lr: number;
  /** Smoothing constant of the running averages. */
  alpha: number;
  /** Added to the denominator (after the square root) for numerical stability. */
  eps: number;
  /** L2 penalty added to the gradient. */
  weightDecay: number;
  /** Momentum factor; 0 keeps no momentum buffer. */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment. */
  centered: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
}

/** RMSprop's per-parameter state (PyTorch's step, square_avg, momentum_buffer, grad_avg); null where PyTorch has no entry. */
export type RMSpropState = {
  /** Steps taken for this parameter (a plain number in PyTorch's RMSprop too). */
  step: number;
  /** Running average of the squared gradient. */
  squareAvg: Tensor;
  /** The momentum buffer (momentum > 0 only). */
  momentumBuffer: Tensor | null;
  /** Running average of the gradient (centered only). */
  gradAvg: Tensor | null;
};

/** RMSprop; PyTorch's defaults lr 1e-2, alpha 0.99, eps 1e-8, weightDecay 0, momentum 0, centered false. */
export class RMSprop extends Optimizer<RMSpropOptions, RMSpropState> {
  /** Optimizes `params` (tensors or parameter groups) with the given defaults. */
  constructor(params: Params<RMSpropOptions>, { lr = 1e-2, alpha = 0.99, eps = 1e-8, weightDecay = 0, momentum = 0, centered = false,
    maximize = false }: Partial<RMSpropOptions> = {}) {
    super(params, { lr, alpha, eps, weightDecay, momentum, centered, maximize });
  }

  protected override validateGroup(g: ParamGroup<RMSpropOptions>): void {
    checkOption(typeof g.lr === 'number' && g.lr >= 0, 'RMSprop', 'lr', g.lr, 'must be a number >= 0');
    checkOption(g.eps >= 0, 'RMSprop', 'eps', g.eps, 'must be >= 0');
    checkOption(g.momentum >= 0, 'RMSprop', 'momentum', g.momentum, 'must be >= 0');
    checkOption(g.weightDecay >= 0, 'RMSprop', 'weightDecay', g.weightDecay, 'must be >= 0');
    checkOption(g.alpha >= 0, 'RMSprop', 'alpha', g.alpha, 'must be >= 0');
  }

  protected override updateGroup(group: ParamGroup<RMSpropOptions>): void {
    const { lr, alpha, eps, weightDecay, momentum, centered, maximize } = group;
    this.eachGradient(group, (param, gradient) => {
      const state = this.stateOf(param, () => ({
        step: 0, squareAvg: zerosLike(param), momentumBuffer: momentum > 0 ? zerosLike(param) : null, gradAvg: centered ? zerosLike(param) : null,
      }));
      // A group switched to momentum or centered after its first step (PyTorch would fail on the
      // missing key), or a state dict that lacks the entry: start that buffer from zero.
      if (momentum > 0 && (state.momentumBuffer ?? null) === null) this.keepState(state, 'momentumBuffer', zerosLike(param));
      if (centered && (state.gradAvg ?? null) === null) this.keepState(state, 'gradAvg', zerosLike(param));
      state.step += 1;

      let grad = maximize ? gradient.neg() : gradient;
      if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });
      const { squareAvg } = state;
      squareAvg.mul_(alpha).addcmul_(grad, grad, { value: 1 - alpha });
      let avg: Tensor;
      if (centered) {
        const gradAvg = state.gradAvg!;
        gradAvg.mul_(alpha).add_(grad, { alpha: 1 - alpha });
        // PyTorch's square_avg.addcmul(grad_avg, grad_avg, value=-1).sqrt_(); the addon has no
        // out-of-place addcmul, and clone + addcmul_ runs the same kernel on the same operands.
        avg = squareAvg.clone().addcmul_(gradAvg, gradAvg, { value: -1 }).sqrt_();
      } else {
        avg = squareAvg.sqrt();
      }
      avg.add_(eps);
      if (momentum > 0) {
        const buf = state.momentumBuffer!;
        buf.mul_(momentum).addcdiv_(grad, avg);
        param.add_(buf, { alpha: -lr });
      } else {
        param.addcdiv_(grad, avg, { value: -lr });
      }
    });
  }
}
