// PyTorch's mixed-precision recipe (torch.amp's "typical mixed precision training"): the forward
// pass and the loss under autocast, backward outside it; with a GradScaler the loss is scaled
// before backward, and the scaler steps the optimizer (skipping a step whose gradients overflowed)
// and updates its scale. Without either, a plain forward pass, backward and step.
import { type AutocastOptions, autocast } from '../torch/amp/autocast_mode.js';
import type { GradScaler, GradScalerStateDict, ScalableOptimizer } from '../torch/amp/grad_scaler.js';
import type { Tensor } from '../torch/tensor.js';

/** How fit() runs a step: autocast for the forward pass and loss, a scaler for float16 gradients. */
export interface StepPrecision {
  /** torch.autocast's options for the forward pass and the loss (none: float32 throughout). */
  autocast?: AutocastOptions;
  /** Scales the loss before backward and steps through scaler.step (float16 training). */
  scaler?: GradScaler;
}

/** fn() under autocast when options are given, else fn() as it is. */
export function underAutocast<T>(options: AutocastOptions | undefined, fn: () => T): T {
  return options === undefined ? fn() : autocast(options, fn);
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

/** The scaler's state for a checkpoint (its scale and growth tracker: a resumed run scales as an uninterrupted one), or null without one. */
export function scalerState(precision: StepPrecision): Record<string, unknown> | null {
  return precision.scaler ? { ...precision.scaler.stateDict() } : null;
}

/** Restores the scaler from a checkpoint's state (nothing when either is absent). */
export function restoreScaler(precision: StepPrecision, state: unknown): void {
  if (precision.scaler && state) precision.scaler.loadStateDict(state as GradScalerStateDict);
}
