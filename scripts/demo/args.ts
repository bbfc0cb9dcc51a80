// The demo's command line: three integer flags, strictly checked, so that a typo fails loudly
// instead of silently training with a default.

/** The demo's settings after parsing the command line. */
export interface DemoArgs {
  /** Optimizer steps (one batch each). */
  steps: number;
  /** Images per step. */
  batchSize: number;
  /** Seed of libtorch's generator: initialization and shuffling. */
  seed: number;
  /** True when --help was given: print usage and exit 0. */
  help: boolean;
}

/** A bad command line; the demo prints the message and usage and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How to call the demo. */
export const USAGE = 'usage: node dist/scripts/demo.js [--steps N] [--batch-size N] [--seed N]';

const FLAGS = {
  '--steps': { key: 'steps', min: 1 },
  '--batch-size': { key: 'batchSize', min: 1 },
  '--seed': { key: 'seed', min: 0 },
} as const;

type Flag = keyof typeof FLAGS;

const isFlag = (s: string): s is Flag => Object.hasOwn(FLAGS, s);

/** Parses `--flag N` / `--flag=N` arguments over the defaults; throws UsageError naming the bad flag or value. */
export function parseDemoArgs(argv: string[], defaults: Omit<DemoArgs, 'help'>): DemoArgs {
  const args: DemoArgs = { ...defaults, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      args.help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!isFlag(name)) {
      throw new UsageError(arg.startsWith('-') ? `unknown flag '${name}' (known: ${Object.keys(FLAGS).join(', ')})` : `unexpected argument '${arg}'`);
    }
    let value: string | undefined;
    if (name !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined) throw new UsageError(`${name} needs a value`);
    const { key, min } = FLAGS[name];
    const n = /^\d+$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n) || n < min) {
      throw new UsageError(`${name}: expected ${min === 0 ? 'a non-negative' : 'a positive'} integer, got '${value}'`);
    }
    args[key] = n;
  }
  return args;
}
