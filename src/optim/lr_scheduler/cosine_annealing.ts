// Cosine annealing (Loshchilov & Hutter 2017, SGDR without restarts): torch's CosineAnnealingLR,
// in PyTorch's recursive (chainable) form, which keeps following the cosine past tMax.
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of CosineAnnealingLR. */
export interface CosineAnnealingLROptions extends SchedulerOptions {
  /** Steps from the initial rate down to etaMin (PyTorch's T_max). */
  tMax: number;
  /** The lowest learning rate (default 0). */
  etaMin?: number;
}

/** Anneals each group's lr from its initial value to etaMin along half a cosine over tMax steps. */
export class CosineAnnealingLR extends LRScheduler {
  /** Half-period of the cosine, in steps. */
  tMax: number;
  /** The lowest learning rate. */
  etaMin: number;

  /** Drives `optimizer`'s learning rates along a cosine. */
  constructor(optimizer: AnyOptimizer, { tMax, etaMin = 0, lastEpoch, verbose }: CosineAnnealingLROptions) {
    super(optimizer, { lastEpoch, verbose });
    if (!(typeof tMax === 'number' && tMax > 0)) throw new RangeError(`CosineAnnealingLR: invalid tMax ${tMax} (a number > 0)`);
    if (!Number.isFinite(etaMin)) throw new RangeError(`CosineAnnealingLR: invalid etaMin ${etaMin} (a finite number)`);
    this.tMax = tMax;
    this.etaMin = etaMin;
    this.initialStep();
  }

  protected override getLr(): number[] {
    const { lastEpoch: t, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + (base - etaMin) * (1 + Math.cos(t * Math.PI / tMax)) / 2);
    }
    if ((t - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map((g, i) => g.lr + (this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / tMax)) / 2);
    }
    return groups.map((g) => (1 + Math.cos(Math.PI * t / tMax)) / (1 + Math.cos(Math.PI * (t - 1) / tMax)) * (g.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((base) => this.etaMin + (base - this.etaMin) * (1 + Math.cos(Math.PI * this.lastEpoch / this.tMax)) / 2);
  }
}
