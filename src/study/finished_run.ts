// A finished run as kept in its folder (runs/NAME/evaluation.json): its history and test-set
// evaluation. A damaged file is named with the remedy: delete it, and the next start evaluates the
// run again from its final checkpoint without training it again.
import type { RunHistory } from '../report/data.js';
import type { RunEvaluation } from './evaluate_run.js';
import { readJson } from './read_json.js';

/** A finished run: what evaluation.json holds. */
export interface FinishedRun {
  history: RunHistory;
  evaluation: RunEvaluation;
}

const REMEDY = 'delete it and run the same command again: the run is evaluated again from its checkpoint';

// The first part of a finished run's record that is missing or of the wrong type, or null.
function damage(value: unknown): string | null {
  const run = value as Partial<FinishedRun> | null;
  if (typeof run !== 'object' || run === null) return 'it is not an object';
  const h = run.history;
  if (typeof h !== 'object' || h === null) return 'history is missing';
  for (const key of ['trainLoss', 'valLoss', 'trainScore', 'valScore', 'lr'] as const) if (!Array.isArray(h[key])) return `history.${key} is not a list`;
  const e = run.evaluation;
  if (typeof e !== 'object' || e === null) return 'evaluation is missing';
  for (const key of ['result', 'calibration', 'confusion', 'projection'] as const) if (typeof e[key] !== 'object' || e[key] === null) return `evaluation.${key} is missing`;
  for (const key of ['accuracy', 'nll', 'ece'] as const) if (typeof e.result[key] !== 'number') return `evaluation.result.${key} is not a number`;
  return null;
}

/** Reads and checks an evaluation.json; a damaged one throws an Error naming the file and the remedy. */
export function readFinishedRun(path: string): FinishedRun {
  const value = readJson(path, REMEDY);
  const problem = damage(value);
  if (problem !== null) throw new Error(`${path} is damaged (${problem}); ${REMEDY}`);
  return value as FinishedRun;
}
