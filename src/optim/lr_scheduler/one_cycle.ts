// The 1cycle policy (Smith & Topin 2017, "Super-Convergence"), as torch.optim.lr_scheduler.OneCycleLR
// in PyTorch 1.13: warm up from maxLr / divFactor to maxLr over pctStart of the steps, then anneal
// to initialLr / finalDivFactor, while momentum (beta1 for Adam-type optimizers) moves the opposite
// way between maxMomentum and baseMomentum. Stepped once per batch; not chainable.
import type { SchedulerFields } from '../optimizer.js';
import { type AnyOptimizer, LRScheduler, type SchedulerOptions } from './lr_scheduler.js';

/** Options of OneCycleLR (torch's, camelCased; give totalSteps, or epochs and stepsPerEpoch). */
export interface OneCycleLROptions extends SchedulerOptions {
  /** Peak learning rate, one for all groups or one per group. */
  maxLr: number | number[];
  /** Steps in the cycle; takes precedence over epochs x stepsPerEpoch. */
  totalSteps?: number;
  /** Epochs to train for (with stepsPerEpoch, when totalSteps is not given). */
  epochs?: number;
  /** Batches per epoch (with epochs). */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent increasing the learning rate (default 0.3). */
  pctStart?: number;
  /** 'cos' (default) or 'linear' annealing. */
  annealStrategy?: 'cos' | 'linear';
  /** Cycle momentum (or beta1) inversely to the learning rate (default true). */
  cycleMomentum?: boolean;
  /** Momentum at the peak learning rate (default 0.85). */
  baseMomentum?: number | number[];
  /** Momentum at the start and end of the cycle (default 0.95). */
  maxMomentum?: number | number[];
  /** initialLr = maxLr / divFactor (default 25). */
  divFactor?: number;
  /** minLr = initialLr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Use the paper's three phases (up, down to initialLr, then down to minLr) instead of fastai's two. */
  threePhase?: boolean;
}

type LrKey = 'initialLr' | 'maxLr' | 'minLr';
type MomentumKey = 'maxMomentum' | 'baseMomentum';

/** One phase of the cycle: it ends at step `endStep` and anneals between the named group fields. */
export interface OneCyclePhase {
  endStep: number;
  startLr: LrKey;
  endLr: LrKey;
  startMomentum: MomentumKey;
  endMomentum: MomentumKey;
}

function perGroup(name: string, optimizer: AnyOptimizer, value: number | number[]): number[] {
  if (!Array.isArray(value)) return optimizer.paramGroups.map(() => value);
  if (value.length !== optimizer.paramGroups.length) {
    throw new RangeError(`OneCycleLR: expected ${optimizer.paramGroups.length} values for ${name}, got ${value.length}`);
  }
  return [...value];
}

const positiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** The 1cycle learning-rate (and momentum) policy: torch.optim.lr_scheduler.OneCycleLR. */
export class OneCycleLR extends LRScheduler {
  /** Steps in the whole cycle; step() past it throws, as in PyTorch. */
  totalSteps: number;
  /** The phases of the cycle. */
  schedulePhases: OneCyclePhase[];
  /** 'cos' or 'linear'. */
  annealStrategy: 'cos' | 'linear';
  /** Whether momentum / beta1 is cycled. */
  cycleMomentum: boolean;
  /** True when the optimizer has betas (Adam, AdamW): beta1 is cycled instead of momentum. */
  useBeta1: boolean;

  /** Drives `optimizer`'s learning rates (and momentum) along one cycle. */
  constructor(optimizer: AnyOptimizer, options: OneCycleLROptions) {
    const {
      maxLr, totalSteps, epochs, stepsPerEpoch, pctStart = 0.3, annealStrategy = 'cos', cycleMomentum = true,
      baseMomentum = 0.85, maxMomentum = 0.95, divFactor = 25, finalDivFactor = 1e4, threePhase = false, lastEpoch = -1, verbose = false,
    } = options ?? ({} as OneCycleLROptions);
    super(optimizer, { lastEpoch, verbose });
    let total: number;
    if (totalSteps === undefined && epochs === undefined && stepsPerEpoch === undefined) {
      throw new TypeError('OneCycleLR: You must define either totalSteps OR (epochs AND stepsPerEpoch)');
    } else if (totalSteps !== undefined) {
      if (!positiveInteger(totalSteps)) throw new RangeError(`OneCycleLR: Expected positive integer totalSteps, but got ${totalSteps}`);
      total = totalSteps;
    } else {
      if (!positiveInteger(epochs)) throw new RangeError(`OneCycleLR: Expected positive integer epochs, but got ${epochs}`);
      if (!positiveInteger(stepsPerEpoch)) throw new RangeError(`OneCycleLR: Expected positive integer stepsPerEpoch, but got ${stepsPerEpoch}`);
      total = epochs * stepsPerEpoch;
    }
    this.totalSteps = total;
    this.schedulePhases = threePhase
      ? [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: 2 * pctStart * total - 2, startLr: 'maxLr', endLr: 'initialLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
        { endStep: total - 1, startLr: 'initialLr', endLr: 'minLr', startMomentum: 'maxMomentum', endMomentum: 'maxMomentum' },
      ]
      : [
        { endStep: pctStart * total - 1, startLr: 'initialLr', endLr: 'maxLr', startMomentum: 'maxMomentum', endMomentum: 'baseMomentum' },
        { endStep: total - 1, startLr: 'maxLr', endLr: 'minLr', startMomentum: 'baseMomentum', endMomentum: 'maxMomentum' },
      ];
    if (!(typeof pctStart === 'number' && pctStart >= 0 && pctStart <= 1)) {
      throw new RangeError(`OneCycleLR: Expected float between 0 and 1 pctStart, but got ${pctStart}`);
    }
    if (annealStrategy !== 'cos' && annealStrategy !== 'linear') {
      throw new RangeError(`OneCycleLR: annealStrategy must by one of 'cos' or 'linear', instead got ${String(annealStrategy)}`);
    }
    this.annealStrategy = annealStrategy;

    const maxLrs = perGroup('maxLr', optimizer, maxLr);
    if (lastEpoch === -1) {
      optimizer.paramGroups.forEach((group, i) => {
        group.initialLr = maxLrs[i] / divFactor;
        group.maxLr = maxLrs[i];
        group.minLr = group.initialLr / finalDivFactor;
      });
    }
    this.cycleMomentum = cycleMomentum;
    this.useBeta1 = 'betas' in optimizer.defaults;
    if (cycleMomentum) {
      if (!('momentum' in optimizer.defaults) && !this.useBeta1) {
        throw new TypeError('OneCycleLR: optimizer must support momentum with `cycleMomentum` option enabled');
      }
      const maxMomentums = perGroup('maxMomentum', optimizer, maxMomentum);
      const baseMomentums = perGroup('baseMomentum', optimizer, baseMomentum);
      if (lastEpoch === -1) {
        optimizer.paramGroups.forEach((group, i) => {
          if (this.useBeta1) group.betas = [maxMomentums[i], ...(group.betas as number[]).slice(1)];
          else group.momentum = maxMomentums[i];
          group.maxMomentum = maxMomentums[i];
          group.baseMomentum = baseMomentums[i];
        });
      }
    }
    // PyTorch sets initialLr before the base constructor reads it into baseLrs; here it comes after.
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.initialStep();
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === 'linear') return (end - start) * pct + start;
    const cosOut = Math.cos(Math.PI * pct) + 1;
    return end + (start - end) / 2.0 * cosOut;
  }

  protected override getLr(): number[] {
    const stepNum = this.lastEpoch;
    if (stepNum > this.totalSteps) {
      throw new RangeError(`Tried to step ${stepNum + 1} times. The specified number of total steps is ${this.totalSteps}`);
    }
    const phases = this.schedulePhases;
    return this.optimizer.paramGroups.map((group) => {
      const fields = group as SchedulerFields;
      let startStep = 0;
      let lr = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i];
        const endStep = phase.endStep;
        if (stepNum <= endStep || i === phases.length - 1) {
          const pct = (stepNum - startStep) / (endStep - startStep);
          lr = this.anneal(fields[phase.startLr]!, fields[phase.endLr]!, pct);
          if (this.cycleMomentum) {
            const momentum = this.anneal(fields[phase.startMomentum]!, fields[phase.endMomentum]!, pct);
            if (this.useBeta1) group.betas = [momentum, ...(group.betas as number[]).slice(1)];
            else group.momentum = momentum;
          }
          break;
        }
        startStep = phase.endStep;
      }
      return lr;
    });
  }
}
