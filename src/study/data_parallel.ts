// The study as one rank of a data-parallel job (smoothlab study --nproc-per-node N, or smoothlab
// launch -- study): which rank this process is, the Gloo group it joins, each rank's share of the
// training and test images, and the sums that turn each rank's counts into the whole data's, so
// that histories and validation scores are those of one process seeing everything.
import { availableParallelism } from 'node:os';
import { DataLoader } from '../data/dataloader.js';
import { DistributedSampler } from '../data/distributed_sampler.js';
import { deriveSeed } from '../data/generator.js';
import { DEFAULT_TIMEOUT_MS, destroyProcessGroup, initProcessGroup } from '../torch/distributed/process_group.js';
import { allReduce, barrier } from '../torch/distributed/collectives.js';
import { tensor } from '../torch/creation.js';
import type { Device } from '../torch/dtype.js';
import type { Metric } from '../train/batches.js';
import type { ChannelStats } from '../vision/datasets/stats.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';
import type { StudyConfig } from './config.js';
import { evalBatchSize, loaderOptions, testTransform, trainTransform } from './data.js';
import type { StudyRank } from './rank_env.js';

export { type StudyRank, rankFromEnv } from './rank_env.js';

/** Libtorch threads of each rank: the given number, or the machine's cores shared out between the local ranks. */
export function threadsPerRank(config: StudyConfig, localWorldSize: number): number {
  return config.threads > 0 ? config.threads : Math.max(1, Math.floor(availableParallelism() / localWorldSize));
}

/** Joins the ranks' Gloo group (env://, PyTorch's 30-minute timeout for each collective). */
export async function joinRanks(me: StudyRank): Promise<void> {
  try {
    await initProcessGroup({ backend: 'gloo', initMethod: 'env://', timeoutMs: DEFAULT_TIMEOUT_MS });
  } catch (error) {
    throw new Error(`rank ${me.rank} could not join the study's ${me.worldSize} ranks: ${(error as Error).message}`, { cause: error });
  }
}

/** Leaves the group. */
export function leaveRanks(): void {
  destroyProcessGroup();
}

/** Resolves once every rank has got here; awaited off the JS thread (timers and signals keep running). */
export async function allRanksHere(): Promise<void> {
  await barrier().wait();
}

/** Each number summed over the ranks (float64: counts stay exact). */
export function sumAcrossRanks(values: readonly number[]): number[] {
  const t = tensor(Float64Array.from(values));
  try {
    allReduce(t).waitSync();
    return Array.from(t.toTypedArray<'float64'>());
  } finally {
    t.dispose();
  }
}

type CountState = Record<string, number[]>;

/** A metric whose state is counts, e.g. MulticlassAccuracy. */
export interface CountingMetric {
  update(preds: Parameters<Metric['update']>[0], target: Parameters<Metric['update']>[1]): void;
  compute(): number;
  reset(): void;
  stateDict(): CountState;
  loadStateDict(state: CountState): void;
}

/**
 * A counting metric (MulticlassAccuracy) whose compute() sees every rank's counts: each rank
 * updates it with its own batches, and compute() (a collective: every rank calls it) sums them.
 */
export class RankSummedMetric implements Metric {
  /** Wraps `metric`, which keeps this rank's counts. */
  constructor(readonly metric: CountingMetric) {}

  /** Counts this rank's batch. */
  update(preds: Parameters<Metric['update']>[0], target: Parameters<Metric['update']>[1]): void {
    this.metric.update(preds, target);
  }

  /** Clears this rank's counts. */
  reset(): void {
    this.metric.reset();
  }

  /** The metric over every rank's counts (a collective: every rank calls it). */
  compute(): number {
    const local = this.metric.stateDict();
    const keys = Object.keys(local).sort();
    const summed = sumAcrossRanks(keys.flatMap((k) => local[k]));
    let at = 0;
    const total = Object.fromEntries(keys.map((k) => [k, summed.slice(at, (at += local[k].length))]));
    this.metric.loadStateDict(total);
    try {
      return this.metric.compute();
    } finally {
      this.metric.loadStateDict(local);
    }
  }
}

/** Rank `rank`'s contiguous share of `n` test images: every image once over all ranks (no padding, unlike DistributedSampler). */
export function shardOf(n: number, rank: number, worldSize: number): Int32Array {
  const start = Math.floor((rank * n) / worldSize);
  const end = Math.floor(((rank + 1) * n) / worldSize);
  return Int32Array.from({ length: end - start }, (_, i) => start + i);
}

/**
 * One rank's loaders: training on its DistributedSampler share in batches of batchSize / worldSize
 * (the global batch b is batch b of one process reading the sampler's permutation), testing on its
 * shard. Augmentation seeds differ per rank, so no two ranks draw the same crops and flips.
 */
export function rankLoaders(config: StudyConfig, me: StudyRank, device: Device, train: ImageClassificationDataset, test: ImageClassificationDataset, stats: ChannelStats, seed: number) {
  const common = loaderOptions(config, device);
  const sampler = new DistributedSampler(train, { numReplicas: me.worldSize, rank: me.rank, shuffle: true, seed: deriveSeed(seed, 1), dropLast: config.dropLast });
  return {
    train: new DataLoader({
      ...common, dataset: train, batchSize: config.batchSize / me.worldSize, sampler, dropLast: config.dropLast,
      seed: deriveSeed(seed, 1, me.rank), transform: trainTransform(config, stats),
    }),
    test: new DataLoader({ ...common, dataset: test, batchSize: evalBatchSize(config), sampler: shardOf(test.length, me.rank, me.worldSize), seed: 0, transform: testTransform(stats) }),
  };
}
