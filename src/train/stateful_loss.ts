// A loss with state of its own (online label smoothing's soft labels and running sums): fit() puts
// it in train mode for training batches and eval mode for validation, tells it when an epoch's
// training batches are done, and keeps its state dict in every checkpoint, so that a resumed run
// continues with the very soft labels and sums an uninterrupted one would have.
import type { Tensor } from '../torch/tensor.js';

/** What fit() needs of a stateful loss (nn.OnlineLabelSmoothing has it all). */
export interface StatefulLoss {
  train(mode?: boolean): unknown;
  stateDict(): Record<string, Tensor>;
  loadStateDict(state: Record<string, Tensor>): unknown;
  /** Called once after each epoch's last training batch, before validation. */
  nextEpoch?(): void;
}

/** The loss's state for a checkpoint, or null without one. */
export function lossState(loss: StatefulLoss | undefined): Record<string, Tensor> | null {
  return loss ? loss.stateDict() : null;
}

/** Restores the loss from a checkpoint's state (nothing when either is absent). */
export function restoreLossState(loss: StatefulLoss | undefined, state: unknown): void {
  if (loss && state) loss.loadStateDict(state as Record<string, Tensor>);
}
