// The study's configuration: one typed object (airbench-style), saved with every run together with
// the git revision and the versions that produced it. Its fields, units and rules are those of
// STUDY_SCHEMA (schema.ts); this file checks a config against them and their relations.
import { type Field, type StudyConfig, type StudyField, DATASETS, MODELS, schemaFields } from './schema.js';

export type { StudyConfig, StudyField } from './schema.js';
/** Built-in datasets the study can train on. */
export type DatasetName = (typeof DATASETS)[number];
export type { DatasetChoice } from './schema.js';
/** Models the study can train. */
export type ModelName = (typeof MODELS)[number];

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// What is wrong with one number of a field, or null.
function rangeRule(spec: Field<unknown>, v: unknown, integer: boolean): string | null {
  if (!isNumber(v)) return integer ? 'must be an integer' : 'must be a number';
  if (integer && !Number.isInteger(v)) return 'must be an integer';
  if (spec.min !== undefined && spec.below !== undefined && !(v >= spec.min && v < spec.below)) return `must be in [${spec.min}, ${spec.below})`;
  if (spec.min !== undefined && v < spec.min) return `must be >= ${spec.min}`;
  if (spec.max !== undefined && v > spec.max) return `must be <= ${spec.max}`;
  if (spec.below !== undefined && v >= spec.below) return `must be < ${spec.below}`;
  return null;
}

/** What is wrong with a field's value by its kind, or null; `bad` receives the offending element. */
export function kindRule(spec: Field<unknown>, value: unknown, bad: (v: unknown) => void): string | null {
  switch (spec.kind) {
    case 'string': return typeof value === 'string' && value !== '' ? null : 'must be a non-empty string';
    case 'choice': return spec.choices!.includes(value as string) ? null : `must be one of ${spec.choices!.join(', ')}`;
    case 'boolean': return typeof value === 'boolean' ? null : 'must be true or false';
    case 'number': return rangeRule(spec, value, false);
    case 'integer': return rangeRule(spec, value, true);
    case 'numbers':
    case 'pair': {
      if (!Array.isArray(value)) return 'must be a list of numbers';
      if (spec.kind === 'pair' && value.length !== 2) return 'must be two numbers';
      for (const v of value) {
        const rule = rangeRule(spec, v, false);
        if (rule) {
          bad(v);
          return rule;
        }
      }
      return null;
    }
  }
}

/** Thrown by validateConfig; `field` is the config field at fault. */
export class ConfigError extends RangeError {
  /** `mentions`: other fields the rule names (the command line shows them as flags too). */
  constructor(readonly field: StudyField, rule: string, value: unknown, readonly mentions: readonly StudyField[] = []) {
    super(`${field} ${rule}, got ${JSON.stringify(value)}`);
    this.name = 'ConfigError';
  }
}

/** The first field of `values` that breaks its spec, as [field, rule, the value to show], or null. */
export function firstFieldError<K extends string>(fields: [K, Field<unknown>][], values: Record<string, unknown>): [K, string, unknown] | null {
  for (const [key, spec] of fields) {
    const value = values[key];
    if (value === undefined) {
      if (spec.optional) continue;
      return [key, 'is required', value];
    }
    let shown: unknown = value;
    const rule = kindRule(spec, value, (v) => (shown = v)) ?? spec.check?.(value) ?? null;
    if (rule) return [key, rule, shown];
  }
  return null;
}

/** Checks every field against the schema and the relations between fields; throws ConfigError naming the field. */
export function validateConfig(c: StudyConfig): StudyConfig {
  const values = c as unknown as Record<string, unknown>;
  const bad = firstFieldError(schemaFields(), values);
  if (bad) throw new ConfigError(...bad);
  const fail = (field: StudyField, rule: string, mentions: StudyField[] = []) => {
    throw new ConfigError(field, rule, values[field], mentions);
  };
  if (c.model === 'coursenet' && c.stem !== 'imagenet') fail('stem', 'applies to resnets only; coursenet has its own stem');
  if (c.freezeBackbone && c.pretrained === undefined) fail('freezeBackbone', 'needs pretrained weights to keep: give --pretrained FILE too');
  if (c.dataUrl !== undefined && !c.dataset.startsWith('cifar')) fail('dataUrl', 'applies to cifar10 and cifar100 only');
  if (c.dataRoot !== undefined && c.dataset.startsWith('folder:')) fail('dataRoot', 'applies to the built-in datasets; a folder dataset names its folder itself (folder:PATH)');
  if ((c.loss === 'ce' || c.loss === 'ols') && (c.epsilons.length !== 1 || c.epsilons[0] !== 0)) fail('epsilons', `must be 0 with loss '${c.loss}' (one run per seed; ${c.loss === 'ols' ? 'its soft labels are learned' : 'no smoothing'})`);
  if (c.dataMd5 !== undefined && c.dataUrl === undefined) fail('dataMd5', 'checks a dataUrl archive; give dataUrl too');
  if (c.nprocPerNode !== undefined && c.batchSize % c.nprocPerNode !== 0) {
    fail('batchSize', `must be divisible by nprocPerNode (${c.nprocPerNode}): each rank trains on an equal share of every batch`, ['nprocPerNode']);
  }
  for (const key of ['masterPort', 'syncBatchnorm'] as const) {
    if (c[key] !== undefined && c.nprocPerNode === undefined) fail(key, 'applies to data-parallel studies; give nprocPerNode too', ['nprocPerNode']);
  }
  if (c.nprocPerNode !== undefined) {
    // The ranks reduce over Gloo, which takes CPU tensors ('auto' means cpu here: studyDevice).
    if (c.device.startsWith('cuda')) fail('device', 'must be cpu or auto with nprocPerNode: data-parallel ranks train on the CPU (Gloo)', ['nprocPerNode']);
    // Every rank validates a share of the test images: an empty one would make no collectives.
    if (c.valLimit > 0 && c.valLimit < c.nprocPerNode) fail('valLimit', `must be 0 (all) or at least nprocPerNode (${c.nprocPerNode}): every rank validates a share of the test images`, ['nprocPerNode']);
  }
  // Its soft labels are learned from each epoch's predictions: one process must see all of them.
  if (c.loss === 'ols' && c.nprocPerNode !== undefined) fail('loss', "'ols' learns its soft labels in one process; it cannot run with nprocPerNode", ['nprocPerNode']);
  return c;
}

/** The seeds a study runs: seed, seed + 1, ..., seed + seeds - 1. */
export function seedList(c: Pick<StudyConfig, 'seed' | 'seeds'>): number[] {
  return Array.from({ length: c.seeds }, (_, i) => c.seed + i);
}
