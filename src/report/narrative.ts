// "What this run shows": plain-text sentences generated from the numbers (accuracy, ECE and NLL per
// epsilon, before and after temperature scaling). A difference is called better or worse only when
// it stands out of the seed-to-seed spread; otherwise the sentence says the seeds cannot tell.
import type { ReportData } from './data.js';
import { type Stat, type SummaryRow, flagWarnings, summarizeResults } from './results.js';
import { formatFixed } from './tables.js';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const withSpread = (s: Stat, f: (v: number) => string) => (Number.isFinite(s.spread) ? `${f(s.mean)} ± ${f(s.spread)}` : f(s.mean));
/** A difference of fractions in percentage points, signed. */
export const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(2)} points`;

/** Whether a difference of means stands out of the spread over seeds: 'one-seed', 'within' or 'beyond'. */
export function distinguishable(a: Stat, b: Stat): 'one-seed' | 'within' | 'beyond' {
  if (a.n < 2 || b.n < 2 || !Number.isFinite(a.spread) || !Number.isFinite(b.spread)) return 'one-seed';
  const d = Math.abs(b.mean - a.mean);
  // Larger than the spread of either setting and than twice the standard error of the difference.
  const se = Math.sqrt(a.spread ** 2 / a.n + b.spread ** 2 / b.n);
  return d > Math.max(a.spread, b.spread) && d > 2 * se ? 'beyond' : 'within';
}

/** The verdict on one metric's difference from `base` to `other`: `lower` / `higher` name the direction, `cause` what made it. */
export function verdict(base: Stat, other: Stat, lower: string, higher: string, unit: (d: number) => string, cause = 'with smoothing'): string {
  const d = other.mean - base.mean;
  const seeds = Math.min(base.n, other.n);
  switch (distinguishable(base, other)) {
    case 'one-seed': return `with one seed per setting this cannot tell whether the difference (${unit(d)}) is real`;
    case 'within': return `not distinguishable with ${seeds} seeds: the difference (${unit(d)}) is within the spread over seeds (± ${unit(Math.max(base.spread, other.spread)).replace(/^[+−]/, '')})`;
    case 'beyond': return `${d < 0 ? lower : d > 0 ? higher : 'the same'} ${cause} (${unit(d)}, beyond the spread over ${seeds} seeds)`;
  }
}

const nats = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d).toFixed(4)} nats`;

function compare(base: SummaryRow, other: SummaryRow): string[] {
  return [
    `With ε=${other.epsilon}, test accuracy was ${withSpread(other.accuracy, pct)} against ${withSpread(base.accuracy, pct)} with ε=${base.epsilon}: ${verdict(base.accuracy, other.accuracy, 'less accurate', 'more accurate', points)}.`,
    `Expected calibration error (ECE) was ${withSpread(other.ece, pct)} against ${withSpread(base.ece, pct)}: ${verdict(base.ece, other.ece, 'better calibrated', 'worse calibrated', points)}.`,
    `Test NLL was ${withSpread(other.nll, (v) => v.toFixed(4))} against ${withSpread(base.nll, (v) => v.toFixed(4))}: ${verdict(base.nll, other.nll, 'lower', 'higher', nats)}.`,
  ];
}

function temperatureSentence(rows: SummaryRow[]): string | undefined {
  const scaled = rows.filter((r) => r.temperature && r.eceScaled);
  if (scaled.length === 0) return undefined;
  const parts = scaled.map((r) => `ε=${r.epsilon}: T=${formatFixed(r.temperature!.mean, 2)}, ECE ${pct(r.ece.mean)} → ${pct(r.eceScaled!.mean)}`);
  const runs = (keep: (t: number) => boolean) => scaled.filter((r) => keep(r.temperature!.mean)).map((r) => `ε=${r.epsilon}`);
  const [uniform, over, under] = [runs((t) => t === Infinity), runs((t) => t > 1 && t < Infinity), runs((t) => t < 1)];
  const reading = [
    over.length ? `T > 1 (over-confident before scaling) for ${over.join(', ')}` : '',
    under.length ? `T < 1 (under-confident) for ${under.join(', ')}` : '',
    uniform.length ? `T = ∞ for ${uniform.join(', ')}: no temperature beats predicting every class equally likely, so those logits carry no usable confidence` : '',
  ].filter(Boolean).join('; ');
  return `Temperature scaling (one scalar, fitted on one half of the test set and applied to the other, both ways: two-fold cross-fitting) gives ${parts.join('; ')}${reading ? `. The fitted temperature is ${reading}` : ''}.`;
}

/** Sentences describing what the results show, for the report's "What this run shows" section. */
export function describeResults(data: ReportData): string[] {
  const summary = summarizeResults(data.results);
  if (summary.length === 0) return ['No results yet: the study has not finished a run.'];
  const out: string[] = [...flagWarnings(data.results)];
  if (data.smoothing.loss === 'ols') out.push('Every run trained with online label smoothing (Zhang et al. 2020; α 0.5: half hard-label cross-entropy, half cross-entropy against the soft labels learned in the previous epoch), so ε does not apply: ε=0 below names these runs. Compare them with a ce or ls study of the same config and seeds.');
  const seeds = Math.max(...summary.map((s) => s.seeds));
  out.push(`${data.results.length} trained run${data.results.length === 1 ? '' : 's'} on ${data.dataset.name} (${data.dataset.classNames.length} classes): ε ∈ {${[...new Set(summary.map((s) => s.epsilon))].join(', ')}}, ${seeds} seed${seeds === 1 ? '' : 's'} per setting.`);
  for (const noise of [...new Set(summary.map((s) => s.labelNoise))]) {
    const group = summary.filter((s) => s.labelNoise === noise);
    if (noise !== 0) out.push(`With ${(noise * 100).toFixed(0)}% of the training labels replaced at random:`);
    const [base, ...others] = group;
    if (others.length === 0) out.push(`ε=${base.epsilon}: test accuracy ${withSpread(base.accuracy, pct)}, ECE ${withSpread(base.ece, pct)}, NLL ${base.nll.mean.toFixed(4)}.`);
    for (const other of others) out.push(...compare(base, other));
    const ts = temperatureSentence(group);
    if (ts) out.push(ts);
  }
  if (seeds === 1) out.push('Each setting has a single seed, so no difference above can be told from seed noise. Run more seeds (--seeds 3) for error bars and verdicts.');
  return out;
}
