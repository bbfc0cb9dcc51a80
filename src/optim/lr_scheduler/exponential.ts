// Exponential decay: multiply the learning rate by gamma every step (torch's ExponentialLR).
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of ExponentialLR. */
export interface ExponentialLROptions extends SchedulerOptions {
  /** Factor applied at every step. */
  gamma: number;
}

/** Decays each group's lr by gamma at every step. */
export class ExponentialLR extends LRScheduler {
  /** Multiplicative factor of the decay. */
  gamma: number;

  /** Drives `optimizer`'s learning rates down geometrically. */
  constructor(optimizer: AnyOptimizer, { gamma, lastEpoch, verbose }: ExponentialLROptions) {
    super(optimizer, { lastEpoch, verbose });
    if (!Number.isFinite(gamma)) throw new RangeError(`ExponentialLR: invalid gamma ${gamma} (a finite number)`);
    this.gamma = gamma;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => base * this.gamma ** this.lastEpoch);
  }
}
