// What Adam and AdamW share: options, state, and the update, op for op as PyTorch 1.13's
// _single_tensor_adam / _single_tensor_adamw (non-capturable branch), so that the same libtorch kernels see the same
// operands in the same order and the parameters agree bit for bit. Only the weight decay differs:
// Adam adds weightDecay * p to the gradient (L2), AdamW shrinks p by lr * weightDecay first
// (decoupled weight decay, Loshchilov & Hutter 2019).
import { zerosLike } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { fusedAdamStep } from './fused.js';
import { type ParamGroup, type Params, Optimizer, checkOption } from './optimizer.js';

/** Hyperparameters of Adam and AdamW (torch.optim.Adam's, camelCased). */
export interface AdamOptions {
  /** Learning rate. */
  lr: number;
  /** Decay rates of the first and second moment averages (beta1 is what OneCycleLR cycles). */
  betas: [number, number];
  /** Added to the denominator for numerical stability. */
  eps: number;
  /** Weight decay: L2 penalty for Adam, decoupled decay for AdamW. */
  weightDecay: number;
  /** The AMSGrad variant (Reddi et al. 2018): normalize by the running maximum of the second moment. */
  amsgrad: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
  /**
   * One native pass per parameter (src/optim/fused.ts), bit for bit the op-by-op update; the default.
   * Where the fused kernel does not apply (not float32 on the CPU) the op-by-op update runs.
   */
  fused: boolean;
}

/** Adam's per-parameter state: the step count and the moment averages. */
export type AdamState = {
  /** Steps taken for this parameter (PyTorch keeps it as a float32 scalar tensor; exact below 2^24). */
  step: number;
  expAvg: Tensor;
  expAvgSq: Tensor;
  /** Running maximum of expAvgSq (amsgrad only). */
  maxExpAvgSq: Tensor | null;
};

/** The base of Adam and AdamW: validation, state handling and the group loop; `decoupled` picks the weight decay. */
export abstract class AdamBase extends Optimizer<AdamOptions, AdamState> {
  /** True for AdamW's decoupled weight decay, false for Adam's L2 penalty. */
  protected abstract readonly decoupled: boolean;

  /** Optimizes `params` with PyTorch's Adam defaults, except `weightDecay` (which differs between Adam and AdamW). */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions>, defaultWeightDecay: number) {
    const { lr = 1e-3, betas = [0.9, 0.999], eps = 1e-8, weightDecay = defaultWeightDecay, amsgrad = false, maximize = false, fused = true } = options;
    if (!Array.isArray(betas)) throw new TypeError(`${new.target.name}: betas must be [beta1, beta2], got ${String(betas)}`);
    super(params, { lr, betas: [betas[0], betas[1]], eps, weightDecay, amsgrad, maximize, fused });
  }

  protected override validateGroup(group: ParamGroup<AdamOptions>): void {
    validateAdam(this.constructor.name, group);
  }

  protected override updateGroup(group: ParamGroup<AdamOptions>): void {
    this.eachGradient(group, (param, grad) => {
      const state = this.stateOf(param, () => ({
        step: 0, expAvg: zerosLike(param), expAvgSq: zerosLike(param), maxExpAvgSq: group.amsgrad ? zerosLike(param) : null,
      }));
      if (group.amsgrad && state.maxExpAvgSq === null) this.keepState(state, 'maxExpAvgSq', zerosLike(param));
      // A group from a checkpoint of an older smoothlab has no `fused`: it gets the default.
      if ((group.fused ?? true) && fusedAdamStep(param, grad, state, group, this.decoupled)) return;
      adamUpdate(param, grad, state, group, this.decoupled);
    });
  }
}

function validateAdam(where: string, g: AdamOptions): void {
  checkOption(typeof g.lr === 'number' && g.lr >= 0, where, 'lr', g.lr, 'must be a number >= 0');
  checkOption(g.eps >= 0, where, 'eps', g.eps, 'must be >= 0');
  checkOption(Array.isArray(g.betas) && g.betas.length === 2, where, 'betas', g.betas, 'must be [beta1, beta2]');
  checkOption(g.betas[0] >= 0 && g.betas[0] < 1, where, 'betas[0]', g.betas[0], 'must be in [0, 1)');
  checkOption(g.betas[1] >= 0 && g.betas[1] < 1, where, 'betas[1]', g.betas[1], 'must be in [0, 1)');
  checkOption(g.weightDecay >= 0, where, 'weightDecay', g.weightDecay, 'must be >= 0');
  checkOption(g.fused === undefined || typeof g.fused === 'boolean', where, 'fused', g.fused, 'must be a boolean');
}

// One Adam / AdamW update of `param` in place (under noGrad inside tidy).
function adamUpdate(param: Tensor, gradient: Tensor, state: AdamState, group: AdamOptions, decoupled: boolean): void {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  let grad = maximize ? gradient.neg() : gradient;
  state.step += 1;
  if (decoupled) param.mul_(1 - lr * weightDecay);
  else if (weightDecay !== 0) grad = grad.add(param, { alpha: weightDecay });

  const { expAvg, expAvgSq } = state;
  expAvg.mul_(beta1).add_(grad, { alpha: 1 - beta1 });
  expAvgSq.mul_(beta2).addcmul_(grad, grad, { value: 1 - beta2 });

  const step = state.step;
  const biasCorrection1 = 1 - beta1 ** step;
  const biasCorrection2 = 1 - beta2 ** step;
  const stepSize = lr / biasCorrection1;
  const biasCorrection2Sqrt = Math.sqrt(biasCorrection2);

  let denom: Tensor;
  if (amsgrad) {
    const max = state.maxExpAvgSq!;
    max.copy_(max.maximum(expAvgSq)); // torch.maximum(max, expAvgSq, out=max)
    denom = max.sqrt().div(biasCorrection2Sqrt).add_(eps);
  } else {
    denom = expAvgSq.sqrt().div(biasCorrection2Sqrt).add_(eps);
  }
  param.addcdiv_(expAvg, denom, { value: -stepSize });
}
