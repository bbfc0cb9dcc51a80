// The fused optimizer steps (native/fused.cc): one native pass per parameter instead of the ten or
// so tensor ops of the op-by-op update, with the same float operations per element, so the two
// paths agree bit for bit on libtorch 1.13 (test/optim/fused.test.ts). The scalars are computed
// here exactly as the op-by-op update computes them, in double, so both paths round the same values.
// A kernel that does not apply (not a contiguous float32 CPU tensor, no AVX2+FMA) changes nothing and
// returns false; the caller then runs the op-by-op update.
import { emptyLike } from '../torch/creation.js';
import { native } from '../torch/native.js';
import type { Tensor } from '../torch/tensor.js';
import type { AdamOptions, AdamState } from './adam_base.js';
import type { SGDOptions, SGDState } from './sgd.js';

/** One fused Adam (L2 decay) or AdamW (`decoupled`) step of `param`; false when it does not apply. */
export function fusedAdamStep(param: Tensor, grad: Tensor, state: AdamState, group: AdamOptions, decoupled: boolean): boolean {
  const { lr, betas: [beta1, beta2], eps, weightDecay, amsgrad, maximize } = group;
  const step = state.step + 1;
  const stepSize = lr / (1 - beta1 ** step);
  const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
  const max = amsgrad ? state.maxExpAvgSq : null;
  const done = native.fusedAdamStep_(param.handle, grad.handle, state.expAvg.handle, state.expAvgSq.handle, max?.handle ?? null,
    1 - lr * weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, weightDecay, biasCorrection2Sqrt, eps, -stepSize, decoupled, maximize);
  if (done) state.step = step;
  return done;
}

/**
 * One fused SGD step of `param`; false when it does not apply. A momentum buffer the step creates
 * (the first step: the buffer is the gradient itself, as PyTorch's clone) is handed to `keepBuffer`.
 */
export function fusedSgdStep(param: Tensor, grad: Tensor, state: SGDState, group: SGDOptions, keepBuffer: (buf: Tensor) => void): boolean {
  const { lr, momentum, dampening, weightDecay, nesterov, maximize } = group;
  const fresh = momentum !== 0 && state.momentumBuffer === null ? emptyLike(param) : null;
  const buf = momentum === 0 ? null : (fresh ?? state.momentumBuffer);
  const done = native.fusedSgdStep_(param.handle, grad.handle, buf?.handle ?? null, momentum, 1 - dampening, weightDecay, -lr,
    nesterov, maximize, fresh !== null);
  if (done && fresh !== null) keepBuffer(fresh);
  return done;
}
