// Step decay: multiply the learning rate by gamma every stepSize epochs (torch's StepLR).
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of StepLR. */
export interface StepLROptions extends SchedulerOptions {
  /** Period of the decay, in steps. */
  stepSize: number;
  /** Factor applied every stepSize steps (default 0.1). */
  gamma?: number;
}

/** Decays each group's lr by gamma every stepSize steps. */
export class StepLR extends LRScheduler {
  /** Period of the decay, in steps. */
  stepSize: number;
  /** Multiplicative factor of the decay. */
  gamma: number;

  /** Drives `optimizer`'s learning rates down in steps. */
  constructor(optimizer: AnyOptimizer, { stepSize, gamma = 0.1, lastEpoch, verbose }: StepLROptions) {
    super(optimizer, { lastEpoch, verbose });
    if (!(Number.isInteger(stepSize) && stepSize > 0)) throw new RangeError(`StepLR: invalid stepSize ${stepSize} (a positive integer)`);
    if (!Number.isFinite(gamma)) throw new RangeError(`StepLR: invalid gamma ${gamma} (a finite number)`);
    this.stepSize = stepSize;
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
