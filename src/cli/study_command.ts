// `smoothlab study`: the label-smoothing study from a preset, with any field overridden by a flag.
// Ctrl-C stops after the current step (the last epoch's checkpoint stays); re-running the same
// command resumes.
import { join } from 'node:path';
import { summaryTable, toMarkdown } from '../report/tables.js';
import type { StudyConfig } from '../study/config.js';
import { PRESETS, type PresetName } from '../study/presets.js';
import { type OptionSpecs, type OptionValues, UsageError, helpText, parseOptions } from './args.js';

const SPECS: OptionSpecs = {
  preset: { type: 'string', choices: Object.keys(PRESETS), description: "starting point: 'seed' is the notebook's recipe (CIFAR-10), 'quick' the embedded default (Fashion-MNIST, minutes)", defaultText: 'quick' },
  name: { type: 'string', description: 'study name (report title)', defaultText: 'the preset name' },
  dataset: { type: 'string', choices: ['cifar10', 'cifar100', 'fashion-mnist', 'mnist'], description: 'dataset' },
  'data-root': { type: 'string', description: 'dataset folder (default: the dataset\'s own, e.g. Debian\'s for Fashion-MNIST)' },
  download: { type: 'boolean', description: 'download CIFAR / MNIST when missing (official address, MD5-checked)' },
  model: { type: 'string', choices: ['resnet18', 'resnet34', 'coursenet'], description: 'model' },
  stem: { type: 'string', choices: ['imagenet', 'cifar'], description: 'ResNet stem: ImageNet 7x7/2 + max-pool, or CIFAR 3x3/1' },
  epsilons: { type: 'numbers', min: 0, max: 0.99, description: 'label-smoothing strengths, comma-separated' },
  convention: { type: 'string', choices: ['uniform', 'others'], description: 'smoothing convention: eps/C on every class (PyTorch) or eps/(C-1) off the true class' },
  seeds: { type: 'integer', min: 1, description: 'number of seeds (0..N-1); mean and spread are reported' },
  'label-noise': { type: 'number', min: 0, max: 1, description: 'fraction of training labels replaced by a random other class' },
  epochs: { type: 'integer', min: 1, description: 'epochs per run' },
  'batch-size': { type: 'integer', min: 1, description: 'training batch size' },
  'max-lr': { type: 'number', min: 0, description: 'OneCycleLR peak learning rate' },
  schedule: { type: 'string', choices: ['epoch', 'step'], description: 'OneCycleLR steps per epoch (the notebook) or per batch' },
  augment: { type: 'string', choices: ['autoaugment', 'flip', 'none'], description: 'training augmentation' },
  workers: { type: 'integer', min: 0, description: 'data-loading worker threads' },
  'memory-format': { type: 'string', choices: ['contiguous', 'channels-last'], description: 'layout of conv weights and activations (channels-last: oneDNN NHWC)' },
  threads: { type: 'integer', min: 0, description: 'libtorch threads (0: one per core)' },
  device: { type: 'string', description: "'cpu', 'cuda' or 'cuda:N'" },
  out: { type: 'string', description: 'run folder', defaultText: 'runs/NAME' },
  'train-limit': { type: 'integer', min: 0, description: 'use only the first N training images (0: all)' },
  'val-limit': { type: 'integer', min: 0, description: 'use only the first N test images (0: all)' },
  resume: { type: 'boolean', description: 'require an existing run folder to continue (re-running the same command resumes anyway)' },
  quiet: { type: 'boolean', short: 'q', description: 'no progress bars' },
};

/** Help of the study command. */
export const STUDY_HELP = helpText('study', '[options]', 'Train every epsilon (and seed) from the same initial weights, then analyse calibration and write report.html.', SPECS);

const FLAG_TO_FIELD: Record<string, keyof StudyConfig> = {
  name: 'name', dataset: 'dataset', 'data-root': 'dataRoot', download: 'download', model: 'model', stem: 'stem',
  epsilons: 'epsilons', convention: 'convention', 'label-noise': 'labelNoise', epochs: 'epochs', 'batch-size': 'batchSize',
  'max-lr': 'maxLr', schedule: 'schedule', augment: 'augment', workers: 'workers', threads: 'threads', device: 'device', 'memory-format': 'memoryFormat',
  out: 'out', 'train-limit': 'trainLimit', 'val-limit': 'valLimit',
};

/** The study config a command line asks for: the preset, then each given flag. */
export function configFromFlags(values: OptionValues): StudyConfig {
  const preset = ((values.preset as string | undefined) ?? 'quick') as PresetName;
  const name = (values.name as string | undefined) ?? preset;
  if (!/^[\w.-]+$/.test(name)) throw new UsageError(`--name may only use letters, digits, '.', '_' and '-', got '${name}'`, 'study');
  const config: StudyConfig = { ...PRESETS[preset], name, out: join('runs', name) };
  const fields = config as unknown as Record<string, unknown>;
  for (const [flag, field] of Object.entries(FLAG_TO_FIELD)) if (values[flag] !== undefined) fields[field] = values[flag];
  if (values.seeds !== undefined) config.seeds = Array.from({ length: values.seeds as number }, (_, i) => i);
  const device = config.device;
  if (!/^(cpu|cuda(:\d+)?)$/.test(device)) throw new UsageError(`--device must be 'cpu', 'cuda' or 'cuda:N', got '${device}'`, 'study');
  return config;
}

/** Runs `smoothlab study`. */
export async function studyCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions('study', argv, SPECS);
  if (values.help) {
    console.log(STUDY_HELP);
    return;
  }
  const config = configFromFlags(values);
  const { existsSync } = await import('node:fs');
  if (values.resume && !existsSync(join(config.out, 'config.json'))) {
    throw new UsageError(`--resume: ${config.out} holds no study to resume (no config.json)`, 'study');
  }
  const { validateConfig } = await import('../study/config.js');
  try {
    validateConfig(config);
  } catch (error) {
    // validateConfig names config fields; a command-line user wants the flag.
    const flagOf = Object.fromEntries(Object.entries(FLAG_TO_FIELD).map(([flag, field]) => [field, `--${flag}`]));
    throw new UsageError((error as Error).message.replace(/^(\w+)/, (field) => flagOf[field] ?? field), 'study');
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
    console.log(`\nResults (test set; mean ± spread over seeds; ECE with 15 bins; T = fitted temperature):\n`);
    console.log(toMarkdown(summaryTable(outcome.data.results)));
    console.log(`\nreport: ${outcome.reportPath}`);
  } finally {
    process.off('SIGINT', onSigint);
  }
}
