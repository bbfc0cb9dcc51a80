// Decay at given milestones: multiply the learning rate by gamma at each (torch's MultiStepLR).
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of MultiStepLR. */
export interface MultiStepLROptions extends SchedulerOptions {
  /** Steps at which to decay; a milestone listed twice decays by gamma twice, as PyTorch's Counter does. */
  milestones: number[];
  /** Factor applied at each milestone (default 0.1). */
  gamma?: number;
}

// Python's bisect_right on a sorted list: the number of elements <= x.
function bisectRight(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < sorted[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Decays each group's lr by gamma once the step count reaches each milestone. */
export class MultiStepLR extends LRScheduler {
  /** The milestones, sorted, with repeats. */
  milestones: number[];
  /** Multiplicative factor of the decay. */
  gamma: number;

  /** Drives `optimizer`'s learning rates down at the milestones. */
  constructor(optimizer: AnyOptimizer, { milestones, gamma = 0.1, lastEpoch, verbose }: MultiStepLROptions) {
    super(optimizer, { lastEpoch, verbose });
    if (!Array.isArray(milestones) || !milestones.every(Number.isInteger)) {
      throw new TypeError(`MultiStepLR: milestones must be an array of integers, got ${JSON.stringify(milestones)}`);
    }
    if (!Number.isFinite(gamma)) throw new RangeError(`MultiStepLR: invalid gamma ${gamma} (a finite number)`);
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const count = this.milestones.filter((m) => m === this.lastEpoch).length;
    if (count === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma ** count);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** bisectRight(this.milestones, this.lastEpoch));
  }
}
