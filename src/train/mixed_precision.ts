// PyTorch's mixed-precision recipe (torch.amp's "typical mixed precision training"): the forward
// pass and the loss under autocast, backward outside it; with a GradScaler the loss is scaled
// before backward, and the scaler steps the optimizer (skipping a step whose gradients overflowed)
// and updates its scale. Without either, a plain forward pass, backward and step.
import type { AnyModule } from '../nn/module.js';
import { type AutocastOptions, autocast } from '../torch/amp/autocast_mode.js';
import type { GradScaler, ScalableOptimizer } from '../torch/amp/grad_scaler.js';
import type { Tensor } from '../torch/tensor.js';
import type { LossFn } from './batches.js';

/** How fit() runs a step: autocast for the forward pass and loss, a scaler for float16 gradients. */
export interface StepPrecision {
  /** torch.autocast's options for the forward pass and the loss (none: float32 throughout). */
  autocast?: AutocastOptions;
  /**
   * Scales the loss before backward and steps through scaler.step (float16 training). With a
   * scaler, a step whose loss is inf or NaN (float16 overflow) does not stop fit(), as it does not
   * stop PyTorch: the scaler skips its update and backs its scale off, and fit() counts it in the
   * epoch's nonFiniteSteps; only MAX_NON_FINITE_IN_A_ROW such steps in a row stop the run.
   */
  scaler?: GradScaler;
}

/** Consecutive non-finite-loss steps under a GradScaler after which fit() gives up on it ever finding a usable scale. */
export const MAX_NON_FINITE_IN_A_ROW = 100;

/** fn() under autocast when options are given, else fn() as it is. */
export function underAutocast<T>(options: AutocastOptions | undefined, fn: () => T): T {
  return options === undefined ? fn() : autocast(options, fn);
}

/** The model's output for `input` and lossFn's loss of it, both under autocast when options are given. */
export function forwardAndLoss(model: AnyModule, input: Tensor, target: Tensor, lossFn: LossFn, options: AutocastOptions | undefined): [Tensor, Tensor] {
  return underAutocast(options, () => {
    const output = model.call(input) as Tensor;
    return [output, lossFn(output, target)];
  });
}

/** Backward and optimizer step, through the scaler when there is one (scale, step, update). */
export function backwardAndStep(loss: Tensor, optimizer: ScalableOptimizer, scaler: GradScaler | undefined): void {
  if (scaler === undefined) {
    loss.backward();
    optimizer.step();
    return;
  }
  scaler.scale(loss).backward();
  // Reads one found-inf flag per device to the host, as PyTorch's GradScaler.step does: float16
  // training synchronises once per step whatever the loss readback interval.
  scaler.step(optimizer);
  scaler.update();
}
