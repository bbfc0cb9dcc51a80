// Command-line options: a declarative spec per command, parsed with node:util's parseArgs, with
// values converted and checked so that every error names the flag and the bad value.
import { parseArgs } from 'node:util';

/** A mistake in the command line: the CLI prints it with the command's usage and exits with code 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** One option of a command. */
export interface OptionSpec {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'numbers';
  description: string;
  /** Shown in the help; the parsed value is undefined when the flag is absent. */
  defaultText?: string;
  choices?: readonly string[];
  /** Inclusive bounds for numbers (each element for 'numbers'). */
  min?: number;
  max?: number;
  short?: string;
  /** A boolean that also takes --no-FLAG (to turn off what a preset turns on). */
  negatable?: boolean;
  /** Placeholder of the value in the help (FILE, URL, ...). */
  metavar?: string;
}

/** The options of a command by flag name (kebab-case, as typed). */
export type OptionSpecs = Record<string, OptionSpec>;

/** Parsed values: strings, numbers, booleans or number lists, keyed by flag name. */
export type OptionValues = Record<string, string | number | boolean | number[] | undefined>;

function toNumber(flag: string, text: string, spec: OptionSpec): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${flag} must be a number, got '${text}'`);
  if (spec.type === 'integer' && !Number.isInteger(value)) throw new UsageError(`--${flag} must be an integer, got '${text}'`);
  if (spec.min !== undefined && value < spec.min) throw new UsageError(`--${flag} must be >= ${spec.min}, got '${text}'`);
  if (spec.max !== undefined && value > spec.max) throw new UsageError(`--${flag} must be <= ${spec.max}, got '${text}'`);
  return value;
}

/** Parses argv against `specs`; returns the option values and the positional arguments. */
export function parseOptions(command: string, argv: string[], specs: OptionSpecs, maxPositionals = 0): { values: OptionValues; positionals: string[] } {
  const options: Record<string, { type: 'boolean' | 'string'; short?: string }> = Object.fromEntries(Object.entries(specs).flatMap(([flag, spec]) => [[flag, {
    type: spec.type === 'boolean' ? 'boolean' as const : 'string' as const,
    ...(spec.short ? { short: spec.short } : {}),
  }], ...(spec.negatable ? [[`no-${flag}`, { type: 'boolean' as const }]] : [])]));
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (error) {
    // parseArgs' messages already name the flag ("Unknown option '--foo'"); keep them, drop the hints.
    throw new UsageError((error as Error).message.split('. To specify')[0], command);
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`, command);
  }
  const values: OptionValues = { help: (parsed.values as Record<string, unknown>).help as boolean | undefined };
  for (const [flag, spec] of Object.entries(specs)) {
    const given = parsed.values as Record<string, string | boolean | undefined>;
    const raw = given[flag];
    if (spec.negatable && given[`no-${flag}`]) {
      if (raw !== undefined) throw new UsageError(`--${flag} and --no-${flag} contradict each other`, command);
      values[flag] = false;
      continue;
    }
    if (raw === undefined) continue;
    try {
      if (spec.type === 'boolean') values[flag] = raw as boolean;
      else if (spec.type === 'string') {
        if (spec.choices && !spec.choices.includes(raw as string)) {
          throw new UsageError(`--${flag} must be one of ${spec.choices.join(', ')}, got '${raw}'`);
        }
        values[flag] = raw as string;
      } else if (spec.type === 'numbers') {
        values[flag] = (raw as string).split(',').map((part) => toNumber(flag, part, spec));
      } else values[flag] = toNumber(flag, raw as string, spec);
    } catch (error) {
      if (error instanceof UsageError) throw new UsageError(error.message, command);
      throw error;
    }
  }
  return { values, positionals: parsed.positionals };
}

/** The help text of a command: usage line, summary, and one line per option. */
export function helpText(command: string, usage: string, summary: string, specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([flag, spec]) => {
    const value = spec.type === 'boolean' ? '' : spec.metavar ? ` ${spec.metavar}` : spec.choices ? ` ${spec.choices.join('|')}` : spec.type === 'numbers' ? ' N,N,...' : spec.type === 'string' ? ' VALUE' : ' N';
    const left = `  ${spec.short ? `-${spec.short}, ` : ''}--${spec.negatable ? '[no-]' : ''}${flag}${value}`;
    return [left, `${spec.description}${spec.defaultText ? ` (default: ${spec.defaultText})` : ''}`];
  });
  const width = Math.max(...rows.map(([l]) => l.length), 14) + 2;
  const lines = rows.map(([l, r]) => `${l.padEnd(width)}${r}`);
  return [`Usage: smoothlab ${command} ${usage}`.trimEnd(), '', summary, '', 'Options:', ...lines, `${'  -h, --help'.padEnd(width)}show this help`].join('\n');
}
