// The soft-label matrix of an online-label-smoothing run after each epoch, kept in the run's folder
// (soft-labels.json, epoch -> C x C rows) so that a resumed run still reports the epochs it did
// before the interruption. Written after the epoch's checkpoint: a kill between the two loses that
// epoch's matrix from the figure only, never from training.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OnlineLabelSmoothing } from '../nn/online_label_smoothing.js';
import { writeFileAtomic } from '../utils/atomic_write.js';
import { readJson } from './read_json.js';

const FILE = 'soft-labels.json';

/** Adds the loss's current soft labels as epoch `epoch` to runDir/soft-labels.json. */
export function recordSoftLabels(runDir: string, epoch: number, loss: OnlineLabelSmoothing): void {
  const path = join(runDir, FILE);
  const kept = existsSync(path) ? readJson(path, 'delete it: only the soft-label figure reads it') as Record<string, number[][]> : {};
  const c = loss.numClasses;
  const values = Array.from(loss.soft_labels.toTypedArray() as Float32Array);
  kept[String(epoch)] = Array.from({ length: c }, (_, i) => values.slice(i * c, (i + 1) * c));
  writeFileAtomic(path, JSON.stringify(kept));
}

/** The soft labels after each epoch, in epoch order (an epoch without a record is skipped). */
export function readSoftLabels(runDir: string): number[][][] {
  const path = join(runDir, FILE);
  if (!existsSync(path)) return [];
  const kept = readJson(path, 'delete it: only the soft-label figure reads it') as Record<string, number[][]>;
  return Object.keys(kept).map(Number).sort((a, b) => a - b).map((e) => kept[String(e)]);
}
