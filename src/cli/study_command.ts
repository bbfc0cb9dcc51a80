// `smoothlab study`: the label-smoothing study from a preset, with any field overridden by a flag.
// The flags, their checks and the help come from the config's schema (study/schema.ts). Ctrl-C
// stops after the current step (the last epoch's checkpoint stays); re-running the same command
// resumes. With --nproc-per-node N this process launches N ranks of the same command (torchrun's
// variables), and each of them, finding those variables, trains as one rank.
import { join } from 'node:path';
import { type Field, type StudyConfig, type StudyField, schemaFields } from '../study/schema.js';
import { PRESETS, type PresetName } from '../study/presets.js';
import { type StudyRank, rankFromEnv } from '../study/rank_env.js';
import type { StudyOutcome } from '../study/runner.js';
import { type OptionSpec, type OptionSpecs, type OptionValues, UsageError, helpText, parseOptions } from './args.js';

// How a preset's value reads in the help.
const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));

function defaultText(key: StudyField, spec: Field<unknown>): string | undefined {
  if (key === 'name') return 'the preset name';
  if (spec.optional || key === 'out') return undefined;
  const values = Object.entries(PRESETS).map(([preset, p]) => [preset, shown((p as Record<string, unknown>)[key])]);
  return new Set(values.map(([, v]) => v)).size === 1 ? values[0][1] : values.map(([preset, v]) => `${preset} ${v}`).join(', ');
}

function optionOf(key: StudyField, spec: Field<unknown>): OptionSpec {
  const type = spec.kind === 'choice' ? 'string' : spec.kind === 'pair' ? 'numbers' : spec.kind;
  return {
    type, description: spec.description, defaultText: defaultText(key, spec),
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.metavar ? { metavar: spec.metavar } : {}),
    ...(spec.kind === 'boolean' ? { negatable: true } : {}),
  };
}

const FIELD_OF_FLAG = new Map(schemaFields().map(([key, spec]) => [spec.flag, key]));
const FLAG_OF_FIELD = new Map(schemaFields().map(([key, spec]) => [key, spec.flag]));

const SPECS: OptionSpecs = {
  preset: { type: 'string', choices: Object.keys(PRESETS), description: "starting point: 'seed' is the notebook's recipe (CIFAR-10), 'quick' the embedded default (Fashion-MNIST, minutes)", defaultText: 'quick' },
  ...Object.fromEntries(schemaFields().map(([key, spec]) => [spec.flag, optionOf(key, spec)])),
  resume: { type: 'boolean', description: 'require an existing run folder to continue (re-running the same command resumes anyway)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bars' },
};

/** Help of the study command. */
export const STUDY_HELP = helpText('study', '[options]', 'Train every epsilon (and seed) from the same initial weights, then analyse calibration and write report.html.', SPECS);

/** The study config a command line asks for: the preset, then each given flag (not yet validated). */
export function configFromFlags(values: OptionValues): StudyConfig {
  const preset = ((values.preset as string | undefined) ?? 'quick') as PresetName;
  const name = (values.name as string | undefined) ?? preset;
  const config: StudyConfig = { ...PRESETS[preset], name, out: join('runs', name) };
  const fields = config as unknown as Record<string, unknown>;
  for (const [flag, value] of Object.entries(values)) {
    const field = FIELD_OF_FLAG.get(flag);
    if (field !== undefined && value !== undefined) fields[field] = value;
  }
  return config;
}

/** validateConfig with its field names turned into the flags a command-line user typed. */
export async function validateFlags(config: StudyConfig): Promise<StudyConfig> {
  const { ConfigError, validateConfig } = await import('../study/config.js');
  try {
    return validateConfig(config);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let message = error.message.replace(error.field, `--${FLAG_OF_FIELD.get(error.field)}`);
    for (const other of error.mentions) message = message.replaceAll(other, `--${FLAG_OF_FIELD.get(other)}`);
    throw new UsageError(message, 'study');
  }
}

/** Runs `smoothlab study`. */
export async function studyCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions('study', argv, SPECS);
  if (values.help) {
    console.log(STUDY_HELP);
    return;
  }
  const me = rankFromEnv();
  const config = await validateFlags(asRank(configFromFlags(values), me));
  const { existsSync } = await import('node:fs');
  if (values.resume && !existsSync(join(config.out, 'config.json'))) {
    throw new UsageError(`--resume: ${config.out} holds no study to resume (no config.json)`, 'study');
  }
  // Checked before any data loads: a mistyped weights file should not cost the minutes of loading.
  if (config.pretrained !== undefined && !existsSync(config.pretrained)) {
    throw new UsageError(`--pretrained: ${config.pretrained} does not exist`, 'study');
  }
  if (me === null && config.nprocPerNode !== undefined) {
    const { checkPortFree, freePort, superviseStudyRanks } = await import('./launch_command.js');
    const masterPort = config.masterPort ?? await freePort();
    if (config.masterPort !== undefined) await checkPortFree(masterPort);
    await superviseStudyRanks({ nprocPerNode: config.nprocPerNode, nnodes: 1, nodeRank: 0, masterAddr: '127.0.0.1', masterPort }, argv);
    return;
  }
  if (me !== null) {
    await studyRank(config, me, values.quiet === true);
    return;
  }
  const { runStudy } = await import('../study/runner.js');
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130); // a second Ctrl-C: stop now
    console.error('\nstopping after the current step (Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runStudy(config, { quiet: values.quiet === true, signal: controller.signal });
    if (!outcome.completed || !outcome.data) {
      process.exitCode = 130;
      return;
    }
    await printOutcome(outcome);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

// The config of one rank: --nproc-per-node is the launch's local world size (given to `smoothlab
// launch` instead, it is filled in, so that config.json reads the same either way).
function asRank(config: StudyConfig, me: StudyRank | null, env: NodeJS.ProcessEnv = process.env): StudyConfig {
  if (me === null) return config;
  if (me.worldSize !== me.localWorldSize) throw new UsageError(`a data-parallel study runs on one node, but WORLD_SIZE is ${me.worldSize} and LOCAL_WORLD_SIZE ${me.localWorldSize}`, 'study');
  // The launcher chose the rendezvous (MASTER_PORT); `study --nproc-per-node N --master-port P` passes
  // its own P on to its ranks, but any other --master-port would be recorded and never used.
  if (config.masterPort !== undefined && String(config.masterPort) !== env.MASTER_PORT) {
    throw new UsageError(`--master-port ${config.masterPort} is not the port this rank's launcher chose (MASTER_PORT=${env.MASTER_PORT}): give --master-port to smoothlab launch, before --`, 'study');
  }
  if (config.nprocPerNode !== undefined && config.nprocPerNode !== me.worldSize) {
    throw new UsageError(`--nproc-per-node ${config.nprocPerNode} does not match the ${me.worldSize} ranks this process was launched as one of (WORLD_SIZE)`, 'study');
  }
  return { ...config, nprocPerNode: me.worldSize };
}

// One rank: trains; rank 0 also prints what the single-process study prints. Ctrl-C stops every
// rank after the same step, rank 0 writing the mid-epoch checkpoint (exit 130; their launcher says
// how to resume). A Ctrl-C reaches a rank twice (from the terminal and from its launcher): the second
// changes nothing, and the launcher's second Ctrl-C kills. The end of the launcher ends the rank.
async function studyRank(config: StudyConfig, me: StudyRank, quiet: boolean): Promise<void> {
  if (process.channel) {
    process.channel.unref();
    process.once('disconnect', () => {
      console.error(`smoothlab study: rank ${me.rank}: the process that launched the ranks is gone; stopping`);
      process.exit(1);
    });
  }
  const { runStudy } = await import('../study/runner.js');
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runStudy(config, { quiet, rank: me, signal: controller.signal });
    if (!outcome.completed) {
      process.exitCode = 130;
      return;
    }
    if (me.rank === 0) await printOutcome(outcome);
  } finally {
    process.off('SIGINT', onSigint);
  }
}

// The results table, warnings and the report's path of a completed study.
async function printOutcome(outcome: StudyOutcome): Promise<void> {
  if (!outcome.data) return;
  const { summaryTable, toMarkdown } = await import('../report/tables.js');
  const { flagWarnings } = await import('../report/results.js');
  console.log(`\nResults (test set; mean ± spread over seeds; ECE with 15 bins; T = temperature cross-fitted on the test set):\n`);
  console.log(toMarkdown(summaryTable(outcome.data.results)));
  for (const warning of flagWarnings(outcome.data.results)) console.log(`warning: ${warning}`);
  console.log(`\nreport: ${outcome.reportPath}`);
}
