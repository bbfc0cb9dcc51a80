// Result rows (one per trained run) and their summary per setting (epsilon, label noise): mean and
// spread over seeds, the numbers of the results tables, the narrative and the epsilon plots.

/** Why a run's numbers say nothing about label smoothing: test accuracy at chance, or a diverged loss. */
export type RunFlag = 'chance' | 'diverged';

/** How each flag reads in tables. */
export const FLAG_TEXT: Record<RunFlag, string> = { chance: 'chance accuracy', diverged: 'diverged loss' };

/**
 * The flags of a run with `count` test examples of `numClasses` classes: 'chance' when the accuracy
 * is within three binomial standard errors of 1/C (a model that learned nothing lands there),
 * 'diverged' when the test NLL is not finite or above ten times ln C (guessing uniformly scores ln C).
 */
export function runFlags(accuracy: number, nll: number, numClasses: number, count: number): RunFlag[] {
  const chance = 1 / numClasses;
  const se = Math.sqrt((chance * (1 - chance)) / Math.max(1, count));
  const flags: RunFlag[] = [];
  if (accuracy <= chance + 3 * se) flags.push('chance');
  if (!Number.isFinite(nll) || nll > 10 * Math.log(numClasses)) flags.push('diverged');
  return flags;
}

/** One sentence per flagged run, for the terminal, the top of the report and the narrative. */
export function flagWarnings(rows: ResultRow[]): string[] {
  return rows.filter((r) => r.flags?.length).map((r) => {
    const what = r.flags!.map((f) => (f === 'chance'
      ? `its test accuracy (${(r.accuracy * 100).toFixed(2)}%) is at chance`
      : `its loss diverged (test NLL ${Number.isFinite(r.nll) ? r.nll.toFixed(1) : r.nll})`));
    return `Run ${r.run}: ${what.join(' and ')}; its numbers say nothing about label smoothing (train longer, on more images, or with a lower learning rate).`;
  });
}

/** The test metrics of one trained run; fractions in [0, 1], NLL in nats per example. */
export interface ResultRow {
  /** Run name (escaped wherever it is shown). */
  run: string;
  epsilon: number;
  seed: number;
  /** Fraction of training labels replaced at random (0 when absent). */
  labelNoise?: number;
  accuracy: number;
  nll: number;
  ece: number;
  /**
   * The fitted temperature (Guo et al. 2017; the study cross-fits it on two halves of the test set);
   * > 1 means the model was over-confident, Infinity that no temperature beats the uniform prediction.
   */
  temperature?: number;
  /** NLL after dividing the logits by the temperature. */
  nllScaled?: number;
  /** ECE after dividing the logits by the temperature. */
  eceScaled?: number;
  /** Present when the run is at chance accuracy or diverged (see runFlags). */
  flags?: RunFlag[];
}

/** Mean and spread of one metric over the seeds of a setting. */
export interface Stat {
  mean: number;
  /** Sample standard deviation (n - 1); NaN when fewer than two seeds. */
  spread: number;
  n: number;
}

/** One setting (epsilon, label noise) summarized over its seeds. */
export interface SummaryRow {
  epsilon: number;
  labelNoise: number;
  seeds: number;
  runs: string[];
  accuracy: Stat;
  nll: Stat;
  ece: Stat;
  temperature?: Stat;
  nllScaled?: Stat;
  eceScaled?: Stat;
  /** How many of the setting's runs carry each flag (absent when none does). */
  flags?: Partial<Record<RunFlag, number>>;
}

/** The metrics a ResultRow can carry, in table order. */
export const METRICS = ['accuracy', 'nll', 'ece', 'temperature', 'nllScaled', 'eceScaled'] as const;

/**
 * Mean and sample standard deviation of the values, NaN counting as missing. An infinite value (a
 * temperature) makes the mean infinite and the spread NaN: there is no finite summary to give.
 */
export function meanSpread(values: number[]): Stat {
  const v = values.filter((x) => !Number.isNaN(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, spread: NaN, n: 0 };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const spread = n > 1 && Number.isFinite(mean) ? Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : NaN;
  return { mean, spread, n };
}

/** Groups rows by (label noise, epsilon), sorted ascending, and summarizes each metric over seeds. */
export function summarizeResults(rows: ResultRow[]): SummaryRow[] {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const key = `${row.labelNoise ?? 0}|${row.epsilon}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const out: SummaryRow[] = [];
  for (const group of groups.values()) {
    const first = group[0];
    const summary: SummaryRow = {
      epsilon: first.epsilon,
      labelNoise: first.labelNoise ?? 0,
      seeds: new Set(group.map((r) => r.seed)).size,
      runs: group.map((r) => r.run),
      accuracy: meanSpread(group.map((r) => r.accuracy)),
      nll: meanSpread(group.map((r) => r.nll)),
      ece: meanSpread(group.map((r) => r.ece)),
    };
    const flags: Partial<Record<RunFlag, number>> = {};
    for (const row of group) for (const f of row.flags ?? []) flags[f] = (flags[f] ?? 0) + 1;
    if (Object.keys(flags).length) summary.flags = flags;
    for (const key of ['temperature', 'nllScaled', 'eceScaled'] as const) {
      const values = group.map((r) => r[key]).filter((v): v is number => v !== undefined);
      if (values.length > 0) summary[key] = meanSpread(values);
    }
    out.push(summary);
  }
  return out.sort((a, b) => a.labelNoise - b.labelNoise || a.epsilon - b.epsilon);
}
