// The distillation config's one schema (as STUDY_SCHEMA is the study's): every field's type, range,
// flag and help line. DistillConfig, validateDistillConfig, the flags of `smoothlab distill` and its
// --help are all derived from it.
import { firstFieldError } from './config.js';
import { type Field, MODELS } from './schema.js';

const field = <T>(kind: Field<T>['kind'], spec: Omit<Field<T>, 'kind'>): Field<T> => ({ kind, ...spec });
const optional = <T>(f: Field<T>): Field<T> & { optional: true } => ({ ...f, optional: true });

/** Every field of a distillation, in --help order. */
export const DISTILL_SCHEMA = {
  teachers: field<string>('string', { flag: 'teachers', metavar: 'RUN_DIR', description: "a study folder: every finished run in RUN_DIR/runs is a teacher; students go to RUN_DIR/distill" }),
  temperatures: field<number[]>('numbers', {
    flag: 'temperatures', description: 'softmax temperatures T of the soft term, comma-separated; one student per teacher and T',
    check: (v) => (v.length === 0 ? 'must list at least one value' : v.some((t) => !(t > 0)) ? 'must all be positive' : new Set(v).size !== v.length ? 'must not repeat' : null),
  }),
  beta: field<number>('number', { flag: 'beta', min: 0, max: 1, description: "weight of the teacher's soft term; 1 - beta weighs the hard-label cross-entropy" }),
  epochs: optional(field<number>('integer', { flag: 'epochs', min: 1, description: "epochs per student (default: the teachers')" })),
  studentModel: optional(field<(typeof MODELS)[number]>('choice', { flag: 'student-model', choices: MODELS, description: "the students' architecture (default: the teachers'; another one starts from fresh weights)" })),
  checkpoint: field<'last' | 'best'>('choice', { flag: 'checkpoint', choices: ['last', 'best'], description: "the teacher's weights: after its last epoch (the study's evaluation) or its best validation epoch" }),
  workers: optional(field<number>('integer', { flag: 'workers', min: 0, description: "data-loading worker threads (default: the study's)" })),
  device: optional(field<string>('string', {
    flag: 'device', metavar: 'auto|cpu|cuda|cuda:N', description: "where students train (default: the study's)",
    check: (v) => (/^(auto|cpu|cuda(:\d+)?)$/.test(v) ? null : "must be 'auto', 'cpu', 'cuda' or 'cuda:N'"),
  })),
  threads: optional(field<number>('integer', { flag: 'threads', min: 0, description: "libtorch intra-op threads (0: one per core; default: the study's)" })),
};

type Schema = typeof DISTILL_SCHEMA;
type ValueOf<F> = F extends Field<infer T> ? T : never;
type RequiredKeys = { [K in keyof Schema]: Schema[K] extends { optional: true } ? never : K }[keyof Schema];
type OptionalKeys = Exclude<keyof Schema, RequiredKeys>;

/** Everything that determines the students, as DISTILL_SCHEMA describes it. */
export type DistillConfig = { [K in RequiredKeys]: ValueOf<Schema[K]> } & { [K in OptionalKeys]?: ValueOf<Schema[K]> };

/** A distillation field's name. */
export type DistillField = keyof Schema;

/** The defaults of the required fields that have one (Müller et al. 2019 vary T; beta 0.5 mixes evenly). */
export const DISTILL_DEFAULTS: Omit<DistillConfig, 'teachers'> = { temperatures: [1, 2, 4], beta: 0.5, checkpoint: 'last' };

/** Fields that may differ when a distillation continues: where it runs, and which students (one folder each) it adds. */
export const DISTILL_FREE_ON_RESUME: readonly DistillField[] = ['teachers', 'temperatures', 'workers', 'device', 'threads'];

/** The fields with their specs, in schema order. */
export function distillFields(): [DistillField, Field<unknown>][] {
  return Object.entries(DISTILL_SCHEMA) as [DistillField, Field<unknown>][];
}

/** Thrown by validateDistillConfig; `field` is the field at fault. */
export class DistillConfigError extends RangeError {
  constructor(readonly field: DistillField, rule: string, value: unknown) {
    super(`${field} ${rule}, got ${JSON.stringify(value)}`);
    this.name = 'DistillConfigError';
  }
}

/** Checks every field against DISTILL_SCHEMA; throws DistillConfigError naming the field. */
export function validateDistillConfig(c: DistillConfig): DistillConfig {
  const bad = firstFieldError(distillFields(), c as unknown as Record<string, unknown>);
  if (bad) throw new DistillConfigError(...bad);
  return c;
}
