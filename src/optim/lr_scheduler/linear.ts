// Linear change of the learning-rate factor from startFactor to endFactor (torch's LinearLR), the
// usual warm-up in front of another schedule (see SequentialLR).
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of LinearLR. */
export interface LinearLROptions extends SchedulerOptions {
  /** Factor on the initial lr at step 0 (default 1/3). */
  startFactor?: number;
  /** Factor reached at totalIters (default 1). */
  endFactor?: number;
  /** Steps over which the factor changes (default 5). */
  totalIters?: number;
}

/** Scales each group's lr by a factor that moves linearly from startFactor to endFactor over totalIters steps. */
export class LinearLR extends LRScheduler {
  /** Factor at step 0. */
  startFactor: number;
  /** Factor from totalIters on. */
  endFactor: number;
  /** Length of the linear change, in steps. */
  totalIters: number;

  /** Drives `optimizer`'s learning rates linearly. */
  constructor(optimizer: AnyOptimizer, { startFactor = 1 / 3, endFactor = 1, totalIters = 5, lastEpoch, verbose }: LinearLROptions = {}) {
    super(optimizer, { lastEpoch, verbose });
    if (!(startFactor >= 0 && startFactor <= 1)) {
      throw new RangeError(`LinearLR: invalid startFactor ${startFactor} (Starting multiplicative factor expected to be between 0 and 1)`);
    }
    if (!(endFactor >= 0 && endFactor <= 1)) {
      throw new RangeError(`LinearLR: invalid endFactor ${endFactor} (Ending multiplicative factor expected to be between 0 and 1)`);
    }
    if (!(Number.isInteger(totalIters) && totalIters > 0)) throw new RangeError(`LinearLR: invalid totalIters ${totalIters} (a positive integer)`);
    this.startFactor = startFactor;
    this.endFactor = endFactor;
    this.totalIters = totalIters;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr * s);
    if (t > n) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * (1 + (e - s) / (n * s + (t - 1) * (e - s))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: t, startFactor: s, endFactor: e, totalIters: n } = this;
    return this.baseLrs.map((base) => base * (s + (e - s) * Math.min(n, t) / n));
  }
}
