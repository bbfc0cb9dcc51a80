// Mid-epoch checkpoints. Stopping fit() (its signal aborted, e.g. by Ctrl-C) after a step writes
// interrupted.safetensors beside last.safetensors: the model, optimizer, scheduler, scaler and RNG after
// that step, the history so far, and how far the epoch got (batches done, running loss, the
// metric's counts). Resuming continues the epoch at its next batch, so an interrupted run ends as
// an uninterrupted one would. last.safetensors stays the commit point of whole epochs: the
// interrupted file only counts when it continues the epoch after the last committed one, and it is
// removed once that epoch commits.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { dispose, tidy } from '../torch/memory.js';
import { getRngState, setRngState } from '../torch/random.js';
import type { Tensor } from '../torch/tensor.js';
import type { BatchSource, Metric, SourceState } from './batches.js';
import { loadCheckpoint, restoreScaler, saveCheckpoint, scalerState } from './checkpoint.js';
import type { History } from './history.js';
import type { FitOptions } from './fit.js';
import { lossState, restoreLossState } from './stateful_loss.js';
import { stateModule } from './state_module.js';

const INTERRUPTED = 'interrupted.safetensors';

/** How far an interrupted epoch got. */
export interface EpochProgress {
  epoch: number;
  /** Training batches of the epoch done. */
  batches: number;
  /** Sum of the batch losses times their sizes, and the number of samples, so far. */
  lossSum: number;
  samples: number;
  /** Of those, the steps and samples whose loss was non-finite, under a GradScaler (absent: none). */
  nonFiniteSteps?: number;
  nonFiniteSamples?: number;
  /** Training time of the epoch so far (s). */
  seconds: number;
  /** The learning rate of the last step. */
  epochLr: number;
  /** The metric's state after those batches (null: the metric has no stateDict). */
  metric: unknown;
  /** The epoch's training score once all its batches are done (stopped during validation), else null. */
  trainScore: number | null;
  /** The training source's own state (a DataLoader's seed and position), or null. */
  loader: SourceState | null;
}

/** Writes the interrupted epoch's state into `dir` (atomically, as every checkpoint). */
export function saveInterrupted(options: FitOptions, dir: string, progress: EpochProgress, history: History): void {
  tidy(() => {
    saveCheckpoint(join(dir, INTERRUPTED), {
      progress: progress as unknown as Record<string, unknown>,
      model: stateModule(options.model).stateDict(),
      optimizer: options.optimizer.stateDict() as unknown as Record<string, unknown>,
      scheduler: (options.scheduler?.stateDict() ?? null) as Record<string, unknown> | null,
      rng: getRngState(),
      history: history as unknown as Record<string, unknown>,
      loss: lossState(options.statefulLoss),
      scaler: scalerState(options.scaler),
    });
  });
}

/** Removes the interrupted epoch's file once that epoch is committed (or when it is stale). */
export function clearInterrupted(dir: string): void {
  rmSync(join(dir, INTERRUPTED), { force: true });
}

/**
 * Restores model, optimizer, scheduler and RNG from the interrupted epoch `epoch` when `dir` holds
 * one, and returns its progress and history; null (and a stale file removed) otherwise.
 */
export function restoreInterrupted(options: FitOptions, dir: string, epoch: number): { progress: EpochProgress; history: History } | null {
  const path = join(dir, INTERRUPTED);
  if (!existsSync(path)) return null;
  const ckpt = loadCheckpoint(path);
  try {
    const progress = ckpt.progress as EpochProgress;
    if (progress?.epoch !== epoch) {
      if (options.saveCheckpoints !== false) clearInterrupted(dir);
      return null;
    }
    stateModule(options.model).loadStateDict(ckpt.model as Record<string, Tensor>);
    options.optimizer.loadStateDict(ckpt.optimizer as Parameters<FitOptions['optimizer']['loadStateDict']>[0]);
    if (options.scheduler && ckpt.scheduler) options.scheduler.loadStateDict(ckpt.scheduler as Record<string, unknown>);
    setRngState(ckpt.rng as Tensor);
    restoreLossState(options.statefulLoss, ckpt.loss);
    restoreScaler(options.scaler, ckpt.scaler);
    return { progress, history: ckpt.history as History };
  } finally {
    dispose(ckpt);
  }
}

/** A source's state as a checkpoint can hold it (a bigint seed as its decimal string). */
export function sourceState(source: BatchSource): SourceState | null {
  const state = source.stateDict?.();
  if (state === undefined) return null;
  return { ...state, ...(typeof state.seed === 'bigint' ? { seed: String(state.seed) as unknown as number } : {}) };
}

/**
 * Positions the training source at the interrupted epoch's next batch: through loadStateDict when
 * it has one; otherwise returns how many batches fit() must skip itself.
 */
export function resumeSource(source: BatchSource, progress: EpochProgress): number {
  if (typeof source.loadStateDict === 'function') {
    const saved = progress.loader?.seed as number | string | undefined;
    const seed = typeof saved === 'string' ? BigInt(saved) : saved ?? source.stateDict?.().seed;
    source.loadStateDict({ epoch: progress.epoch, batchesYielded: progress.batches, ...(seed !== undefined ? { seed } : {}) });
    return 0;
  }
  return progress.batches;
}

/** The metric's state for a mid-epoch checkpoint (null when it keeps none). */
export function metricState(metric: Metric): unknown {
  return typeof metric.stateDict === 'function' ? metric.stateDict() : null;
}

/** Restores a metric from metricState (nothing when there is none: the resumed epoch then scores only its remaining batches). */
export function restoreMetric(metric: Metric, state: unknown): void {
  if (state !== null && state !== undefined && typeof metric.loadStateDict === 'function') metric.loadStateDict(state as never);
}
