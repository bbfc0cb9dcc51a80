// The run folder's config.json: the full config with the git revision and the versions that
// produced the run. A folder holding a different study is refused rather than mixed into.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../report/write.js';
import { version as libtorchVersion } from '../torch/runtime.js';
import type { StudyConfig } from './config.js';
import { readJson } from './read_json.js';

// Fields that change how a run is executed, not what it computes: they may differ on resume.
const EXECUTION_ONLY: (keyof StudyConfig)[] = ['workers', 'device', 'threads', 'out', 'download', 'dataRoot', 'memoryFormat'];

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

/** Creates config.out and writes config.json, or checks that an existing folder holds the same study; returns what config.json holds. */
export function prepareRunFolder(config: StudyConfig): Record<string, unknown> {
  const path = join(config.out, 'config.json');
  if (existsSync(path)) {
    const saved = readJson(path, 'delete the run folder to start over') as { config: StudyConfig };
    if (essence(saved.config) !== essence(config)) {
      throw new Error(`${config.out} holds a study with another configuration (see ${path}); choose another --out or delete that folder`);
    }
  }
  mkdirSync(config.out, { recursive: true });
  const record = {
    config,
    gitRevision: gitRevision(),
    smoothlab: packageVersion(),
    libtorch: libtorchVersion,
    node: process.version,
    startedAt: new Date().toISOString(),
  };
  writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
