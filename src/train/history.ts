// The record of a training run: per-epoch losses and scores, the learning rate at every step, and
// the best epoch; written beside the checkpoints as JSON and CSV after every epoch.
import { join } from 'node:path';
import { writeFileAtomic } from '../utils/atomic_write.js';

/** One epoch's numbers. Scores are the metric's value (accuracy in [0, 1] for the study). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  trainScore: number;
  valLoss: number | null;
  valScore: number | null;
  /**
   * The learning rate the epoch trained with (first parameter group, its last step): the notebook's
   * lLearnRate, read before the scheduler steps; with a per-step schedule, the rate of its last batch.
   */
  lr: number;
  seconds: number;
  /** Training images per second, data loading included. */
  imagesPerSecond: number;
  /**
   * With a GradScaler: the epoch's steps whose loss was inf or NaN (float16 overflow; the scaler
   * skips their update), which trainLoss leaves out. Absent without a scaler.
   */
  nonFiniteSteps?: number;
}

/** Everything fit() measured. */
export interface History {
  epochs: EpochRecord[];
  /** Learning rate of the first parameter group used at each optimizer step. */
  lr: number[];
  /** Epoch with the best validation score so far (the train score without validation), or -1. */
  bestEpoch: number;
  bestScore: number | null;
}

/** An empty history. */
export function emptyHistory(): History {
  return { epochs: [], lr: [], bestEpoch: -1, bestScore: null };
}

const COLUMNS: (keyof EpochRecord)[] = ['epoch', 'trainLoss', 'trainScore', 'valLoss', 'valScore', 'lr', 'seconds', 'imagesPerSecond'];

/** The per-epoch table as CSV, one row per epoch (nonFiniteSteps as a last column when the run had a GradScaler). */
export function historyToCsv(history: History): string {
  const columns: (keyof EpochRecord)[] = history.epochs.some((r) => r.nonFiniteSteps !== undefined) ? [...COLUMNS, 'nonFiniteSteps'] : COLUMNS;
  const rows = history.epochs.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : String(r[c]))).join(','));
  return `${[columns.join(','), ...rows].join('\n')}\n`;
}


/** Writes history.json and history.csv into `dir`, each atomically. */
export function writeHistory(dir: string, history: History): void {
  writeFileAtomic(join(dir, 'history.json'), `${JSON.stringify(history, null, 2)}\n`);
  writeFileAtomic(join(dir, 'history.csv'), historyToCsv(history));
}
