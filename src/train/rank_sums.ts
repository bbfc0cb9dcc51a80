// The sums of a data-parallel run: each rank trains and validates on its share, and the epoch's
// loss sums, sample counts and the metric's counts are summed over the ranks in one collective, so
// that the history holds the numbers of one process that saw all the data.
import type { Metric } from './batches.js';
import { type EpochProgress, metricState } from './interrupted.js';

/**
 * Sums each number over the ranks (every rank calls it at the same points, with as many numbers);
 * awaited, so the event loop keeps running while the collective waits for the other ranks.
 */
export type ReduceSums = (values: number[]) => Promise<number[]>;

type Counts = Record<string, number[]>;

// The metric's state as counts (MulticlassAccuracy's support, hits, predicted), which sum over ranks.
function countsOf(metric: Metric): Counts {
  const state = typeof metric.stateDict === 'function' ? metric.stateDict() : undefined;
  const isCounts = state !== null && typeof state === 'object' && typeof metric.loadStateDict === 'function' &&
    Object.values(state).every((v) => Array.isArray(v) && v.every((x) => typeof x === 'number'));
  if (!isCounts) throw new TypeError('fit/evaluate: with reduceSums, the metric must keep its state as counts (stateDict(): arrays of numbers, and loadStateDict), e.g. MulticlassAccuracy');
  return state as Counts;
}

/**
 * `sums` and the metric's value over every rank: the metric's counts travel in the same call as
 * `sums`, and the metric is left holding the total.
 */
export async function overRanks(metric: Metric, sums: number[], reduceSums: ReduceSums): Promise<{ sums: number[]; score: number }> {
  const local = countsOf(metric);
  const keys = Object.keys(local).sort();
  const total = await reduceSums([...sums, ...keys.flatMap((k) => local[k])]);
  let at = sums.length;
  metric.loadStateDict!(Object.fromEntries(keys.map((k) => [k, total.slice(at, (at += local[k].length))])) as never);
  return { sums: total.slice(0, sums.length), score: metric.compute() };
}

/**
 * An interrupted epoch's progress summed over the ranks, which stopped after the same step: rank 0
 * saves it, and on resume the others start the epoch's sums from nothing (fit). Leaves the metric
 * holding the total.
 */
export async function progressOverRanks(progress: EpochProgress, metric: Metric, reduceSums: ReduceSums): Promise<EpochProgress> {
  const { sums: [lossSum, samples, nonFiniteSamples] } = await overRanks(metric, [progress.lossSum, progress.samples, progress.nonFiniteSamples ?? 0], reduceSums);
  return { ...progress, lossSum, samples, nonFiniteSamples, metric: metricState(metric) };
}
