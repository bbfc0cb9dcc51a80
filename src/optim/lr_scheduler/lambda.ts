// A user-defined schedule: each group's lr is its initial lr times lrLambda(step) (torch's LambdaLR).
import { type AnyOptimizer, LRScheduler, type SchedulerOptions, type SchedulerStateDict } from './lr_scheduler.js';

/** A multiplicative factor of the initial learning rate, given the step count. */
export type LrLambda = (epoch: number) => number;

/** Options of LambdaLR. */
export interface LambdaLROptions extends SchedulerOptions {
  /** One function for every group, or one per group. */
  lrLambda: LrLambda | LrLambda[];
}

/** Sets each group's lr to its initial lr times a function of the step count. */
export class LambdaLR extends LRScheduler {
  /** The factor function of each group (not part of the state dict: functions do not serialize). */
  lrLambdas: LrLambda[];

  /** Drives `optimizer`'s learning rates by `lrLambda`. */
  constructor(optimizer: AnyOptimizer, { lrLambda, lastEpoch, verbose }: LambdaLROptions) {
    super(optimizer, { lastEpoch, verbose });
    const count = optimizer.paramGroups.length;
    if (Array.isArray(lrLambda)) {
      if (lrLambda.length !== count) throw new RangeError(`LambdaLR: Expected ${count} lrLambdas, but got ${lrLambda.length}`);
      this.lrLambdas = [...lrLambda];
    } else {
      this.lrLambdas = optimizer.paramGroups.map(() => lrLambda);
    }
    this.lrLambdas.forEach((fn, i) => {
      if (typeof fn !== 'function') throw new TypeError(`LambdaLR: lrLambda[${i}] must be a function, got ${typeof fn}`);
    });
    this.initialStep();
  }

  protected override getLr(): number[] {
    return this.baseLrs.map((base, i) => base * this.lrLambdas[i](this.lastEpoch));
  }

  /**
   * The scheduler's fields; `lrLambdas` holds one null per group, as PyTorch's state_dict() does
   * for plain functions (a resumed LambdaLR is built with its functions again).
   */
  override stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && k !== 'lrLambdas') out[k] = structuredClone(v);
    out.lrLambdas = this.lrLambdas.map(() => null);
    return out;
  }

  /** Restores a stateDict() of a LambdaLR; the functions stay those given to the constructor. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const rest = { ...stateDict };
    delete rest.lrLambdas;
    super.loadStateDict(rest);
  }
}
