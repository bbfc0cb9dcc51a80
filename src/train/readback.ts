// Reading losses back to the host. A read waits for the device to finish everything queued before
// it: on the CPU that costs nothing (an op is done when it returns), on CUDA it stalls the host,
// which would otherwise run steps ahead of the GPU. So on CUDA a step's loss, and what its metric
// needs (the predicted classes, with MulticlassAccuracy, and the targets), stay on the device and
// are read every few steps: one wait, the losses in one copy, then each step's few predictions and
// labels; the steps are settled in order, with the same numbers as if each had been read at once.
import type { Device } from '../torch/dtype.js';
import { dispose, keep, tidy } from '../torch/memory.js';
import { stack } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';

/** Steps between loss reads on a CUDA device: a ResNet-18 step at batch 256 is an estimated 10 ms on
 * a recent GPU, so this updates the progress display about as often as it redraws (every 100 ms). */
export const CUDA_READ_LOSS_EVERY = 10;

/** The default interval of loss reads on `device`: every step on the CPU, CUDA_READ_LOSS_EVERY on CUDA. */
export function defaultReadLossEvery(device: Device): number {
  return device === 'cpu' ? 1 : CUDA_READ_LOSS_EVERY;
}

/** One step or batch waiting for its loss: the scalar loss, what the metric reads of the outputs, the targets (all detached), and what the caller needs to settle it. */
export interface PendingLoss<T> {
  loss: Tensor;
  preds: Tensor;
  target: Tensor;
  info: T;
}

/** Losses kept on the device and read back `every` at a time; `settle` gets each with its value, in order. */
export class LossReadback<T> {
  #pending: PendingLoss<T>[] = [];

  /** Throws a RangeError naming readLossEvery unless `every` is a positive integer. */
  constructor(readonly every: number, private readonly settle: (entry: PendingLoss<T>, loss: number) => void) {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`readLossEvery must be a positive integer, got ${every}`);
  }

  /** Keeps the entry's tensors beyond the caller's tidy() scope until flush(). */
  add(entry: PendingLoss<T>): void {
    this.#pending.push({ ...entry, loss: keep(entry.loss), preds: keep(entry.preds), target: keep(entry.target) });
  }

  /** Whether `every` entries wait: time to flush(). */
  get due(): boolean {
    return this.#pending.length >= this.every;
  }

  /** Reads the waiting losses in one copy and settles their entries in order; a throwing settle leaves none waiting. */
  flush(): void {
    const entries = this.#pending;
    if (entries.length === 0) return;
    this.#pending = [];
    try {
      const values = tidy(() => stack(entries.map((e) => e.loss.double())).toTypedArray<'float64'>());
      entries.forEach((e, i) => this.settle(e, values[i]));
    } finally {
      for (const e of entries) dispose([e.loss, e.preds, e.target]);
    }
  }

  /** Frees the waiting entries unread (after an error); the readback can be used again. */
  dispose(): void {
    for (const e of this.#pending) dispose([e.loss, e.preds, e.target]);
    this.#pending = [];
  }
}
