// The study as one rank of a data-parallel job (smoothlab study --nproc-per-node N, or smoothlab
// launch -- study): which rank this process is, the Gloo group it joins, each rank's share of the
// training and test images, the sums that turn each rank's counts into the whole data's (so that
// histories and validation scores are those of one process seeing everything), how the ranks agree
// to stop, and how they wait while rank 0 works alone.
import { availableParallelism } from 'node:os';
import { DataLoader } from '../data/dataloader.js';
import { DistributedSampler } from '../data/distributed_sampler.js';
import { deriveSeed } from '../data/generator.js';
import { DEFAULT_TIMEOUT_MS, destroyProcessGroup, initProcessGroup } from '../torch/distributed/process_group.js';
import { allReduce } from '../torch/distributed/collectives.js';
import { tensor } from '../torch/creation.js';
import type { Device } from '../torch/dtype.js';
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

/** Each number summed over the ranks (float64: counts stay exact); awaited off the JS thread. */
export async function sumAcrossRanks(values: readonly number[]): Promise<number[]> {
  const t = tensor(Float64Array.from(values));
  try {
    await allReduce(t).wait();
    return Array.from(t.toTypedArray<'float64'>());
  } finally {
    t.dispose();
  }
}

/**
 * Whether every rank stops, given whether this one was asked to (its Ctrl-C): all of them then stop
 * after the same step. One all-reduce of one number per step, next to a step's many milliseconds.
 */
export async function agreeStop(stop: boolean): Promise<boolean> {
  return (await sumAcrossRanks([stop ? 1 : 0]))[0] > 0;
}

// Rank 0 alone (the data's first load or download, the analysis of each run) may work longer than
// Gloo's timeout, which bounds every collective (PyTorch's 30 minutes): a barrier would kill the
// waiting ranks. So they wait in rounds: every HEARTBEAT_MS rank 0 joins an all-reduce of how its
// work stands, and no collective waits longer than that while rank 0 is alive; a rank 0 that dies
// still fails the others at once (Gloo sees its connections close).
const HEARTBEAT_MS = 5_000;
const WORKING = 0;
const DONE = 1;
const STOPPED = 2;
const FAILED = 3;

// Rank 0's state summed with the others' zeros: every rank learns it.
async function rankZeroSays(state: number): Promise<number> {
  return (await sumAcrossRanks([state]))[0];
}

/**
 * Runs `work` on rank 0 while the other ranks wait, however long it takes; `work` must make no
 * collectives. Resolves on every rank once it has ended: to its value on rank 0, elsewhere to
 * null when it returned null (stopped), else undefined; the other ranks throw when it failed.
 */
export async function onRankZeroAlone<T>(me: StudyRank, work: () => Promise<T>): Promise<T | null | undefined> {
  if (me.rank !== 0) {
    for (;;) {
      const state = await rankZeroSays(WORKING);
      if (state === DONE) return undefined;
      if (state === STOPPED) return null;
      if (state === FAILED) throw new Error(`rank ${me.rank}: rank 0 failed while the other ranks waited for it (its error is in its output)`);
    }
  }
  const outcome: { settled?: { value: T } | { error: unknown } } = {};
  const finished = work().then((value) => void (outcome.settled = { value }), (error: unknown) => void (outcome.settled = { error }));
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([finished, new Promise((resolve) => (timer = setTimeout(resolve, HEARTBEAT_MS)))]);
    clearTimeout(timer);
    const settled = outcome.settled;
    const state = settled === undefined ? WORKING : 'error' in settled ? FAILED : settled.value === null ? STOPPED : DONE;
    await rankZeroSays(state);
    if (settled === undefined) continue;
    if ('error' in settled) throw settled.error;
    return settled.value;
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
  // Every rank validates a share: an empty one would leave its rank out of the collectives of the others.
  if (test.length < me.worldSize) throw new RangeError(`a data-parallel study needs at least one test image per rank: ${test.length} test images for ${me.worldSize} ranks`);
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
