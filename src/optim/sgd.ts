// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay,
// step for step as torch.optim.SGD's single-tensor path in PyTorch 1.13 (its CPU default). Note
// PyTorch's momentum form, v = mu * v + g; p -= lr * v (lr outside the buffer, unlike Sutskever et al.).
import type { Tensor } from '../torch/tensor.js';
import { fusedSgdStep } from './fused.js';
import { type ParamGroup, type Params, Optimizer, checkOption } from './optimizer.js';

/** Hyperparameters of SGD (torch.optim.SGD's, camelCased). */
export interface SGDOptions {
  /** Learning rate (required, as in PyTorch). */
  lr: number;
  /** Momentum factor; 0 is plain SGD. */
  momentum: number;
  /** Dampening for momentum: the gradient enters the buffer scaled by 1 - dampening. */
  dampening: number;
  /** L2 penalty added to the gradient (coupled weight decay). */
  weightDecay: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). */
  nesterov: boolean;
  /** Maximize the objective instead of minimizing it. */
  maximize: boolean;
  /** One native pass per parameter (src/optim/fused.ts), bit for bit the op-by-op update; the default. */
  fused: boolean;
}

/** SGD's per-parameter state: the momentum buffer (null while momentum is 0, as in PyTorch). */
export type SGDState = { momentumBuffer: Tensor | null };

/** Stochastic gradient descent, optionally with (Nesterov) momentum: torch.optim.SGD. */
export class SGD extends Optimizer<SGDOptions, SGDState> {
  /** Optimizes `params` (tensors or parameter groups) with the given defaults. */
  constructor(params: Params<SGDOptions>, { lr, momentum = 0, dampening = 0, weightDecay = 0, nesterov = false, maximize = false, fused = true }:
    Partial<SGDOptions> & { lr: number }) {
    super(params, { lr, momentum, dampening, weightDecay, nesterov, maximize, fused });
  }

  protected override validateGroup(g: ParamGroup<SGDOptions>): void {
    checkOption(typeof g.lr === 'number' && g.lr >= 0, 'SGD', 'lr', g.lr, 'must be a number >= 0');
    checkOption(g.momentum >= 0, 'SGD', 'momentum', g.momentum, 'must be >= 0');
    checkOption(g.weightDecay >= 0, 'SGD', 'weightDecay', g.weightDecay, 'must be >= 0');
    checkOption(Number.isFinite(g.dampening), 'SGD', 'dampening', g.dampening, 'must be a finite number');
    checkOption(!g.nesterov || (g.momentum > 0 && g.dampening === 0), 'SGD', 'nesterov', g.nesterov,
      'Nesterov momentum requires a momentum and zero dampening');
    checkOption(g.fused === undefined || typeof g.fused === 'boolean', 'SGD', 'fused', g.fused, 'must be a boolean');
  }

  protected override updateGroup(group: ParamGroup<SGDOptions>): void {
    const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
    this.eachGradient(group, (param, grad) => {
      const state = this.stateOf(param, () => ({ momentumBuffer: null }));
      if ((group.fused ?? true) && fusedSgdStep(param, grad, state, group, (buf) => this.keepState(state, 'momentumBuffer', buf))) return;
      let dP = maximize ? grad.neg() : grad;
      if (weightDecay !== 0) dP = dP.add(param, { alpha: weightDecay });
      if (momentum !== 0) {
        let buf = state.momentumBuffer;
        if (buf === null) {
          buf = dP.clone();
          this.keepState(state, 'momentumBuffer', buf);
        } else {
          buf.mul_(momentum).add_(dP, { alpha: 1 - dampening });
        }
        dP = nesterov ? dP.add(buf, { alpha: momentum }) : buf;
      }
      param.add_(dP, { alpha: -lr });
    });
  }
}
