// The run folder's config.json: the full config with the git revision and the versions that
// produced the run. A folder holding a different study is refused rather than mixed into, unless
// no run of it has trained yet (a start that failed early must not block the corrected command).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../report/write.js';
import { version as libtorchVersion } from '../torch/runtime.js';
import type { StudyConfig } from './config.js';
import { readJson } from './read_json.js';

// Fields that change how a run is executed, not what it computes: they may differ on resume.
const EXECUTION_ONLY: (keyof StudyConfig)[] = ['workers', 'device', 'threads', 'out', 'download', 'dataRoot', 'dataUrl', 'dataMd5', 'memoryFormat', 'masterPort'];

function gitRevision(): string | null {
  try {
    const root = new URL('../../../', import.meta.url);
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null; // not a git checkout (an npm install)
  }
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

const essence = (c: StudyConfig) => JSON.stringify(Object.fromEntries(Object.entries(c).filter(([k]) => !EXECUTION_ONLY.includes(k as keyof StudyConfig)).sort()));

/** Whether any run in the study folder `dir` has a checkpoint or an evaluation. */
export function hasTrainedRuns(dir: string): boolean {
  const runs = join(dir, 'runs');
  if (!existsSync(runs)) return false;
  return readdirSync(runs).some((run) => ['last.safetensors', 'evaluation.json'].some((f) => existsSync(join(runs, run, f))));
}

/** Throws when `config.out` holds trained runs of a study with another configuration; writes nothing. */
export function checkRunFolder(config: StudyConfig): void {
  const path = join(config.out, 'config.json');
  if (!existsSync(path) || !hasTrainedRuns(config.out)) return;
  const saved = readJson(path, 'delete the run folder to start over') as { config?: StudyConfig };
  if (typeof saved?.config !== 'object' || saved.config === null) {
    throw new Error(`${path} is damaged (it holds no "config" object); delete the run folder to start over`);
  }
  // No precision in config.json means fp32.
  if (essence({ ...saved.config, precision: saved.config.precision ?? 'fp32' }) !== essence(config)) {
    throw new Error(`${config.out} holds a study with another configuration (see ${path}); choose another --out or delete that folder`);
  }
}

/** Writes config.out/config.json (checkRunFolder first); returns what it holds. */
export function prepareRunFolder(config: StudyConfig, facts: Record<string, unknown> = {}): Record<string, unknown> {
  checkRunFolder(config);
  const record = {
    config,
    ...facts,
    gitRevision: gitRevision(),
    smoothlab: packageVersion(),
    libtorch: libtorchVersion,
    node: process.version,
    startedAt: new Date().toISOString(),
  };
  writeFileAtomic(join(config.out, 'config.json'), `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
