// The scheduler base class, as PyTorch 1.13's _LRScheduler: it records each group's initialLr,
// takes one step at construction (lastEpoch -1 -> 0), and on every step() computes the new rates
// with the subclass's chainable getLr() (or, for the deprecated step(epoch), its closed form).
// Subclasses set their fields and then call initialStep() last, because getLr() reads them.
import type { Optimizer } from '../optimizer.js';

/** Any optimizer a scheduler can drive. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOptimizer = Optimizer<any, any>;

/** Options every scheduler has. */
export interface SchedulerOptions {
  /** The index of the last epoch (or batch) when resuming; -1 starts the schedule. */
  lastEpoch?: number;
  /** Print every change of learning rate, as PyTorch does with verbose=True. */
  verbose?: boolean;
}

/** A scheduler's state: its own fields (JSON-serializable), as torch's scheduler state_dict(). */
export type SchedulerStateDict = Record<string, unknown>;

/** A learning rate as Python's '{:.4e}' prints it (the exponent has a sign and at least two digits). */
export function formatLr(lr: number): string {
  return lr.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** The base class of the learning-rate schedulers (torch.optim.lr_scheduler._LRScheduler). */
export abstract class LRScheduler {
  /** The optimizer whose groups' `lr` this scheduler sets (not part of the state dict). */
  readonly optimizer: AnyOptimizer;
  /** Each group's initialLr when the scheduler was created. */
  baseLrs: number[];
  /** Steps taken since the start of the schedule: 0 after construction. */
  lastEpoch: number;
  /** Whether each change of learning rate is printed. */
  verbose: boolean;
  /** Calls of step(), including the one at construction (PyTorch's _step_count). */
  stepCount = 0;
  /** The rates the last step() set (what getLastLr() returns). */
  lastLr: number[] = [];

  /** Attaches to `optimizer`; subclasses call initialStep() at the end of their constructor. */
  constructor(optimizer: AnyOptimizer, { lastEpoch = -1, verbose = false }: SchedulerOptions = {}) {
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new TypeError(`${new.target.name}: ${String(optimizer)} is not an Optimizer`);
    }
    if (!Number.isInteger(lastEpoch) || lastEpoch < -1) throw new RangeError(`${new.target.name}: invalid lastEpoch ${lastEpoch} (an integer >= -1)`);
    this.optimizer = optimizer;
    if (lastEpoch === -1) {
      for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    } else {
      optimizer.paramGroups.forEach((group, i) => {
        if (group.initialLr === undefined) {
          throw new RangeError(`${new.target.name}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
        }
      });
    }
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr!);
    this.lastEpoch = lastEpoch;
    this.verbose = verbose;
  }

  /** Resets the step count and takes the first step (PyTorch's _initial_step). */
  initialStep(): void {
    this.stepCount = 0;
    this.step();
  }

  /** The learning rate of each group as the last step() set it. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** The rates for lastEpoch, computed from the current ones (the chainable form). */
  protected abstract getLr(): number[];

  /** The rates for lastEpoch computed from baseLrs alone, where a closed form exists. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /**
   * Advances the schedule by one step (call it after optimizer.step()) and sets each group's lr.
   * `epoch` jumps to that step with the closed form where there is one; PyTorch deprecates it.
   */
  step(epoch?: number): void {
    this.stepCount += 1;
    let values: number[];
    if (epoch === undefined) {
      this.lastEpoch += 1;
      values = this.getLr();
    } else {
      this.lastEpoch = epoch;
      values = this.closedFormLr() ?? this.getLr();
    }
    this.optimizer.paramGroups.forEach((group, i) => {
      group.lr = values[i];
      if (!this.verbose) return;
      const prefix = epoch === undefined ? 'Adjusting'
        : `Epoch ${Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2)}: adjusting`;
      console.log(`${prefix} learning rate of group ${i} to ${formatLr(values[i])}.`);
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** The scheduler's fields except the optimizer, deep-copied: JSON-serializable. */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer' && typeof v !== 'function') out[k] = structuredClone(v);
    return out;
  }

  /** Restores a stateDict() of a scheduler of the same kind (the optimizer's own state dict holds initialLr and the like). */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const unknown = Object.keys(stateDict).filter((k) => k === 'optimizer' || !Object.hasOwn(this, k));
    if (unknown.length > 0) throw new TypeError(`${this.constructor.name}.loadStateDict: unknown keys ${unknown.join(', ')}`);
    for (const [k, v] of Object.entries(stateDict)) (this as unknown as Record<string, unknown>)[k] = structuredClone(v);
  }
}
