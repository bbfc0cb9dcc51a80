// `smoothlab distill --teachers RUN_DIR`: students of every finished run of a study (Müller et al.
// 2019, section 4). The flags, their checks and the help come from DISTILL_SCHEMA. Ctrl-C stops
// after the current step; re-running the same command resumes.
import { DISTILL_DEFAULTS, type DistillConfig, distillFields } from '../study/distill_schema.js';
import type { Field } from '../study/schema.js';
import { type OptionSpec, type OptionSpecs, UsageError, helpText, parseOptions } from './args.js';

const shown = (v: unknown) => (Array.isArray(v) ? v.join(',') : v === undefined ? undefined : String(v));

function optionOf(key: string, spec: Field<unknown>): OptionSpec {
  return {
    type: spec.kind === 'choice' ? 'string' : spec.kind === 'pair' ? 'numbers' : spec.kind, description: spec.description,
    defaultText: shown((DISTILL_DEFAULTS as Record<string, unknown>)[key]),
    ...(spec.choices ? { choices: spec.choices } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
    ...(spec.metavar ? { metavar: spec.metavar } : {}),
  };
}

const FLAG_OF_FIELD = new Map(distillFields().map(([key, spec]) => [key as string, spec.flag]));

const SPECS: OptionSpecs = {
  ...Object.fromEntries(distillFields().map(([key, spec]) => [spec.flag, optionOf(key, spec)])),
  quiet: { type: 'boolean', short: 'q', description: 'no progress bars' },
};

/** Help of the distill command. */
export const DISTILL_HELP = helpText('distill', '--teachers RUN_DIR [options]', "Train a student from every finished run of a study at each temperature T (Müller et al. 2019, section 4), evaluate them as the study's runs, and add a distillation section to RUN_DIR's report.", SPECS);

/** Runs `smoothlab distill`. */
export async function distillCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions('distill', argv, SPECS);
  if (values.help) {
    console.log(DISTILL_HELP);
    return;
  }
  if (values.teachers === undefined) throw new UsageError('missing --teachers RUN_DIR (a folder smoothlab study wrote, e.g. runs/quick)', 'distill');
  const config = { ...DISTILL_DEFAULTS } as DistillConfig;
  for (const [key, spec] of distillFields()) if (values[spec.flag] !== undefined) (config as Record<string, unknown>)[key] = values[spec.flag];
  const { DistillConfigError, validateDistillConfig } = await import('../study/distill_schema.js');
  try {
    validateDistillConfig(config);
  } catch (error) {
    if (error instanceof DistillConfigError) throw new UsageError(error.message.replace(error.field, `--${FLAG_OF_FIELD.get(error.field)}`), 'distill');
    throw error;
  }
  const { DistillRefusal, runDistill } = await import('../study/distill.js');
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    console.error('\nstopping after the current step (Ctrl-C again to quit at once)...');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  try {
    const outcome = await runDistill(config, { quiet: values.quiet === true, signal: controller.signal });
    if (!outcome.completed || !outcome.report) {
      process.exitCode = 130;
      return;
    }
    const { describeDistillation, studentsTable } = await import('../report/distillation.js');
    const { toMarkdown } = await import('../report/tables.js');
    console.log(`\nStudents (test accuracy, mean ± spread over seeds):\n\n${toMarkdown(studentsTable(outcome.report))}\n`);
    for (const line of describeDistillation(outcome.report)) console.log(line);
    if (outcome.reportPath) console.log(`\nreport: ${outcome.reportPath}`);
  } catch (error) {
    if (error instanceof DistillRefusal) throw new UsageError(error.message, 'distill');
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
}
