// Reduce the learning rate when a metric stops improving (torch's ReduceLROnPlateau, PyTorch 1.13):
// after `patience` steps without an improvement beyond `threshold`, every group's lr is multiplied
// by `factor` (not below its minLr), then `cooldown` steps pass before bad steps count again.
// As in PyTorch 1.13 it is not an LRScheduler: it is stepped with the metric, has no schedule of
// its own, and leaves initialLr alone.
import { Tensor } from '../../torch/tensor.js';
import { checkOption } from '../optimizer.js';
import { type AnyOptimizer, type SchedulerStateDict, formatLr } from './lr_scheduler.js';

/** Options of ReduceLROnPlateau (torch's, camelCased, with its defaults). */
export interface ReduceLROnPlateauOptions {
  /** 'min' (default): the metric should decrease (a loss); 'max': it should increase (an accuracy). */
  mode?: 'min' | 'max';
  /** Factor on the lr at each reduction, below 1 (default 0.1). */
  factor?: number;
  /** Steps without improvement tolerated before a reduction (default 10). */
  patience?: number;
  /** How much better than the best a metric must be to count as an improvement (default 1e-4). */
  threshold?: number;
  /** 'rel' (default): better than best * (1 -+ threshold); 'abs': better than best -+ threshold. */
  thresholdMode?: 'rel' | 'abs';
  /** Steps after a reduction during which bad steps are not counted (default 0). */
  cooldown?: number;
  /** The lowest lr, one for all groups or one per group (default 0). */
  minLr?: number | number[];
  /** A reduction smaller than eps is skipped (default 1e-8). */
  eps?: number;
  /** Print every reduction, as PyTorch does with verbose=True. */
  verbose?: boolean;
}

/** Multiplies the learning rates by `factor` once the metric passed to step() has stopped improving. */
export class ReduceLROnPlateau {
  /** The optimizer whose groups' `lr` this scheduler lowers (not part of the state dict). */
  readonly optimizer: AnyOptimizer;
  /** Factor on the lr at each reduction. */
  factor: number;
  /** The lowest lr of each group. */
  minLrs: number[];
  /** Bad steps tolerated before a reduction. */
  patience: number;
  /** Whether each reduction is printed. */
  verbose: boolean;
  /** Steps without counting bad steps after a reduction. */
  cooldown: number;
  /** Cooldown steps left. */
  cooldownCounter = 0;
  /** Whether lower ('min') or higher ('max') metrics are better. */
  mode: 'min' | 'max';
  /** The improvement a metric needs over the best, relative or absolute. */
  threshold: number;
  /** Whether threshold is relative ('rel') or absolute ('abs'). */
  thresholdMode: 'rel' | 'abs';
  /** The best metric so far (modeWorse before the first step). */
  best: number;
  /** Steps since the last improvement (reset by a reduction and during cooldown). */
  numBadEpochs = 0;
  /** The worst possible metric of the mode: Infinity for 'min', -Infinity for 'max'. */
  modeWorse: number;
  /** The smallest reduction that is applied. */
  eps: number;
  /** Calls of step(). */
  lastEpoch = 0;
  /** Each group's lr after the last step(); PyTorch 1.13 sets it at the first step, 2.x at construction, as here. */
  lastLr: number[];

  /** Watches a metric for `optimizer`. */
  constructor(optimizer: AnyOptimizer, { mode = 'min', factor = 0.1, patience = 10, threshold = 1e-4, thresholdMode = 'rel', cooldown = 0,
    minLr = 0, eps = 1e-8, verbose = false }: ReduceLROnPlateauOptions = {}) {
    const where = 'ReduceLROnPlateau';
    checkOption(typeof factor === 'number' && factor < 1, where, 'factor', factor, 'Factor should be < 1.0');
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new TypeError(`${where}: ${String(optimizer)} is not an Optimizer`);
    }
    const groups = optimizer.paramGroups.length;
    if (Array.isArray(minLr)) {
      if (minLr.length !== groups) throw new RangeError(`${where}: expected ${groups} minLrs, got ${minLr.length}`);
    }
    const minLrs = Array.isArray(minLr) ? [...minLr] : optimizer.paramGroups.map(() => minLr);
    minLrs.forEach((m, i) => checkOption(typeof m === 'number' && m >= 0, where, `minLr[${i}]`, m, 'must be a number >= 0'));
    checkOption(Number.isInteger(patience) && patience >= 0, where, 'patience', patience, 'must be an integer >= 0');
    checkOption(Number.isInteger(cooldown) && cooldown >= 0, where, 'cooldown', cooldown, 'must be an integer >= 0');
    checkOption(typeof threshold === 'number' && Number.isFinite(threshold), where, 'threshold', threshold, 'must be a finite number');
    checkOption(typeof eps === 'number' && eps >= 0, where, 'eps', eps, 'must be a number >= 0');
    this.optimizer = optimizer;
    this.factor = factor;
    this.minLrs = minLrs;
    this.patience = patience;
    this.verbose = verbose;
    this.cooldown = cooldown;
    this.mode = mode;
    this.threshold = threshold;
    this.thresholdMode = thresholdMode;
    this.eps = eps;
    this.modeWorse = this.initIsBetter();
    this.best = this.modeWorse;
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  // PyTorch's _init_is_better: checks mode and thresholdMode and returns the mode's worst value.
  private initIsBetter(): number {
    checkOption(this.mode === 'min' || this.mode === 'max', 'ReduceLROnPlateau', 'mode', this.mode, "must be 'min' or 'max'");
    checkOption(this.thresholdMode === 'rel' || this.thresholdMode === 'abs', 'ReduceLROnPlateau', 'thresholdMode', this.thresholdMode,
      "must be 'rel' or 'abs'");
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether the scheduler is in its cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Whether metric `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    const { mode, threshold } = this;
    if (mode === 'min' && this.thresholdMode === 'rel') return a < best * (1 - threshold);
    if (mode === 'min') return a < best - threshold;
    if (this.thresholdMode === 'rel') return a > best * (threshold + 1);
    return a > best + threshold;
  }

  /**
   * Records `metrics` (a number or a one-element tensor, e.g. the validation loss) and reduces the
   * learning rates when it has not improved for more than `patience` steps. `epoch` sets the step
   * count instead of adding one (PyTorch deprecates it).
   */
  step(metrics: number | Tensor, epoch?: number): void {
    const current = metrics instanceof Tensor ? metrics.item() : metrics;
    if (typeof current !== 'number') throw new TypeError(`ReduceLROnPlateau.step: metrics must be a number or a one-element Tensor, got ${typeof metrics}`);
    const at = epoch ?? this.lastEpoch + 1;
    this.lastEpoch = at;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad steps during the cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr(at);
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(epoch: number): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const oldLr = group.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr <= this.eps) return;
      group.lr = newLr;
      if (this.verbose) {
        const epochStr = Number.isInteger(epoch) ? String(epoch).padStart(5, '0') : epoch.toFixed(2);
        console.log(`Epoch ${epochStr}: reducing learning rate of group ${i} to ${formatLr(newLr)}.`);
      }
    });
  }

  /** The learning rate of each group as the last step() left it. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /**
   * The scheduler's fields except the optimizer, deep-copied. `best` and `modeWorse` may be
   * ±Infinity: train.saveCheckpoint keeps them, plain JSON.stringify writes null.
   */
  stateDict(): SchedulerStateDict {
    const out: SchedulerStateDict = {};
    for (const [k, v] of Object.entries(this)) if (k !== 'optimizer') out[k] = structuredClone(v);
    return out;
  }

  /** Restores a stateDict(); modeWorse follows from the restored mode, as in PyTorch. */
  loadStateDict(stateDict: SchedulerStateDict): void {
    const unknown = Object.keys(stateDict).filter((k) => k === 'optimizer' || !Object.hasOwn(this, k));
    if (unknown.length > 0) throw new TypeError(`ReduceLROnPlateau.loadStateDict: unknown keys ${unknown.join(', ')}`);
    for (const [k, v] of Object.entries(stateDict)) (this as unknown as Record<string, unknown>)[k] = structuredClone(v);
    this.modeWorse = this.initIsBetter();
    // A best of ±Infinity (no step yet) comes back as null from plain JSON.
    if (this.best === null) this.best = this.modeWorse;
  }
}
