// Timing smoothlab and PyTorch in turns. On a 2-core shared machine the two sides cannot run at
// once (they would steal each other's cores), and the machine's speed drifts by tens of percent
// within a minute as neighbours come and go. So the sides take short turns, round after round, and
// a ratio is the median over rounds of the two rates measured back to back: a slow spell lowers
// both rates of a round, not one side's median.
import type { Timer } from './python_side.js';

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** How one case is timed: warm-up iterations per side, then `repeats` rounds of `iters` iterations. */
export interface TurnPlan {
  warmup?: number;
  repeats: number;
  iters: number;
  /** Units counted per iteration (1 op, or the batch size in images); rates are in these units. */
  itemsPerIter?: number;
}

/** The rates (items per second) of each side in each round. */
export class Turns {
  constructor(readonly rates: number[][]) {}

  /** Side i's median rate. */
  rate(i: number): number {
    return median(this.rates[i]);
  }

  /** Median over rounds of side i's rate / side j's rate. */
  ratio(i: number, j: number): number {
    return median(this.rates[i].map((rate, round) => rate / this.rates[j][round]));
  }
}

/** Runs the sides in turns (the first of each round rotating, so no side always follows another). */
export async function takeTurns(plan: TurnPlan, sides: Timer[]): Promise<Turns> {
  const items = plan.iters * (plan.itemsPerIter ?? 1);
  if (plan.warmup) for (const side of sides) await side(plan.warmup);
  const rates: number[][] = sides.map(() => []);
  for (let r = 0; r < plan.repeats; r++) {
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      rates[i].push(items / (await sides[i](plan.iters)));
    }
  }
  return new Turns(rates);
}

/** Times a synchronous loop of n iterations. */
export function timeSync(run: (n: number) => void): Timer {
  return async (n) => {
    const start = process.hrtime.bigint();
    run(n);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
}
