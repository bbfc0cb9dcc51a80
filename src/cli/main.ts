#!/usr/bin/env node
// The `smoothlab` command: dispatches to study, distill, report, summary, launch and data. A usage mistake prints the
// command's help and exits with code 2; any other failure prints its message and exits with 1.
import { readFileSync } from 'node:fs';
import { UsageError } from './args.js';
import { REPORT_HELP, reportCommand } from './report_command.js';
import { SUMMARY_HELP, summaryCommand } from './summary_command.js';

type Command = { run: (argv: string[]) => Promise<void>; help: () => string; summary: string };

const COMMANDS: Record<string, Command> = {
  study: {
    summary: 'train and compare models with and without label smoothing; write the report',
    run: async (argv) => (await import('./study_command.js')).studyCommand(argv),
    help: () => 'run `smoothlab study --help`',
  },
  distill: {
    summary: "train students from a study's runs (knowledge distillation) and add them to its report",
    run: async (argv) => (await import('./distill_command.js')).distillCommand(argv),
    help: () => 'run `smoothlab distill --help`',
  },
  report: { summary: 'rebuild the HTML report of a study folder', run: reportCommand, help: () => REPORT_HELP },
  summary: { summary: 'print a torchinfo-style model summary', run: summaryCommand, help: () => SUMMARY_HELP },
  launch: { summary: 'run a script or a study as several torch.distributed ranks (torchrun)', run: async (argv) => (await import('./launch_command.js')).launchCommand(argv), help: () => 'run `smoothlab launch --help`' },
  data: {
    summary: 'dataset statistics, label histogram and a sample grid',
    run: async (argv) => (await import('./data_command.js')).dataCommand(argv),
    help: () => 'run `smoothlab data --help`',
  },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

const USAGE = [
  'Usage: smoothlab <command> [options]',
  '',
  'Commands:',
  ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`),
  '',
  'Run `smoothlab <command> --help` for a command\'s options.',
].join('\n');

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    console.log(version());
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`smoothlab: unknown command '${name}'\n\n${USAGE}`);
    return 2;
  }
  try {
    await command.run(rest);
    return typeof process.exitCode === 'number' ? process.exitCode : 0; // e.g. 130 after Ctrl-C
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`smoothlab ${name}: ${error.message}\nRun \`smoothlab ${name} --help\` for the options.`);
      return 2;
    }
    console.error(`smoothlab ${name}: ${(error as Error).message}`);
    if (process.env.SMOOTHLAB_DEBUG) console.error((error as Error).stack);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
