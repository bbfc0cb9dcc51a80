// Schedulers one after another, switching at milestones (torch's SequentialLR, PyTorch 1.13): the
// usual "LinearLR warm-up, then CosineAnnealingLR". As in PyTorch, the scheduler that takes over at
// a milestone is restarted with step(0), its closed form at step 0.
import { type AnyOptimizer, LRScheduler, type SchedulerOptions, type SchedulerStateDict } from './lr_scheduler.js';

/** Options of SequentialLR. */
export interface SequentialLROptions extends Pick<SchedulerOptions, 'lastEpoch'> {
  /** The schedulers, in order; all must drive `optimizer`. */
  schedulers: LRScheduler[];
  /** The steps at which the next scheduler takes over (one fewer than schedulers). */
  milestones: number[];
}

// Python's bisect_right on a sorted list: the number of elements <= x.
function bisectRight(sorted: number[], x: number): number {
  let i = 0;
  while (i < sorted.length && sorted[i] <= x) i++;
  return i;
}

/** Runs `schedulers` in sequence, handing over at `milestones`. */
export class SequentialLR extends LRScheduler {
  /** The chained schedulers (their state dicts are nested in this one's). */
  readonly schedulers: LRScheduler[];
  /** Steps at which the next scheduler takes over. */
  milestones: number[];

  /** Chains `schedulers` on `optimizer`. */
  constructor(optimizer: AnyOptimizer, { schedulers, milestones, lastEpoch = -1 }: SequentialLROptions) {
    super(optimizer, { lastEpoch });
    if (!Array.isArray(schedulers) || schedulers.length === 0 || !schedulers.every((s) => s instanceof LRScheduler)) {
      throw new TypeError('SequentialLR: schedulers must be a non-empty array of schedulers');
    }
    schedulers.forEach((s, i) => {
      if (s.optimizer !== optimizer) {
        throw new RangeError('SequentialLR: Sequential Schedulers expects all schedulers to belong to the same optimizer, but ' +
          `got schedulers at index ${i} to be different than the optimizer passed in.`);
      }
    });
    if (!Array.isArray(milestones) || milestones.length !== schedulers.length - 1) {
      throw new RangeError('SequentialLR: Sequential Schedulers expects number of schedulers provided to be one more than the number of ' +
        `milestone points, but got number of schedulers ${schedulers.length} and the number of milestones to be equal to ${milestones?.length}`);
    }
    this.schedulers = schedulers;
    this.milestones = [...milestones];
    this.lastEpoch = lastEpoch + 1;
    // Undo what constructing the schedulers did: restore the initial rates, rewind each by one step,
    // and take the first scheduler's initial step again.
    for (const group of optimizer.paramGroups) group.lr = group.initialLr!;
    for (const s of schedulers) s.lastEpoch -= 1;
    schedulers[0].initialStep();
    this.lastLr = schedulers[0].getLastLr();
  }

  /** Advances the active scheduler (restarting the next one at its milestone). */
  override step(): void {
    this.lastEpoch += 1;
    const idx = bisectRight(this.milestones, this.lastEpoch);
    const scheduler = this.schedulers[idx];
    if (idx > 0 && this.milestones[idx - 1] === this.lastEpoch) scheduler.step(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }

  protected override getLr(): number[] {
    return this.getLastLr();
  }

  /** This scheduler's fields with each chained scheduler's state dict under `schedulers`. */
  override stateDict(): SchedulerStateDict {
    return {
      lastEpoch: this.lastEpoch, milestones: [...this.milestones], lastLr: [...this.lastLr],
      schedulers: this.schedulers.map((s) => s.stateDict()),
    };
  }

  /** Restores a stateDict() of a SequentialLR over schedulers of the same kinds. */
  override loadStateDict(stateDict: SchedulerStateDict): void {
    const { schedulers, ...own } = stateDict as { schedulers?: SchedulerStateDict[] } & SchedulerStateDict;
    if (!Array.isArray(schedulers) || schedulers.length !== this.schedulers.length) {
      throw new TypeError(`SequentialLR.loadStateDict: expected ${this.schedulers.length} scheduler state dicts`);
    }
    super.loadStateDict(own);
    schedulers.forEach((s, i) => this.schedulers[i].loadStateDict(s));
  }
}
