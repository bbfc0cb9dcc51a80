// Reading the JSON files of a run folder: a damaged one is named, with what to do about it.
import { readFileSync } from 'node:fs';
import { parseState } from '../utils/state_json.js';

/** Parses the JSON file at `path` (non-finite numbers restored); a bad file throws an Error naming it and the remedy. */
export function readJson(path: string, remedy: string): unknown {
  try {
    return parseState(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); ${remedy}`);
  }
}
