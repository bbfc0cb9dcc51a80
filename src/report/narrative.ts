// "What this run shows": plain-text sentences generated from the numbers (accuracy, ECE and NLL per
// epsilon, before and after temperature scaling), with the caveat that single seeds warrant.
import type { ReportData } from './data.js';
import { summarizeResults, type Stat, type SummaryRow } from './results.js';
import { formatFixed } from './tables.js';

const pct = (v: number) => `${(v * 100).toFixed(2)}%`;
const withSpread = (s: Stat, f: (v: number) => string) => (Number.isFinite(s.spread) ? `${f(s.mean)} ± ${f(s.spread)}` : f(s.mean));
const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(d * 100).toFixed(2)} points`;

function compare(base: SummaryRow, other: SummaryRow): string[] {
  const out: string[] = [];
  const dAcc = other.accuracy.mean - base.accuracy.mean;
  out.push(`With ε=${other.epsilon}, test accuracy was ${withSpread(other.accuracy, pct)} against ${withSpread(base.accuracy, pct)} with ε=${base.epsilon} (${points(dAcc)}).`);
  const dEce = other.ece.mean - base.ece.mean;
  out.push(`Expected calibration error (ECE) was ${withSpread(other.ece, pct)} against ${withSpread(base.ece, pct)}: ${dEce < 0 ? 'better calibrated' : dEce > 0 ? 'worse calibrated' : 'the same'} with smoothing (${points(dEce)}).`);
  out.push(`Test NLL was ${other.nll.mean.toFixed(4)} against ${base.nll.mean.toFixed(4)}.`);
  // Differences inside the seed-to-seed spread are not evidence either way; say so.
  const spread = Math.max(base.accuracy.spread, other.accuracy.spread);
  if (Number.isFinite(spread)) {
    out.push(Math.abs(dAcc) > 2 * spread
      ? `The accuracy difference is larger than twice the spread over seeds (${(spread * 100).toFixed(2)} points).`
      : `The accuracy difference is within twice the spread over seeds (${(spread * 100).toFixed(2)} points), so it may be seed noise.`);
  }
  return out;
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
  return `Temperature scaling (one scalar, fitted on one half of the test set and applied to the other, both ways) gives ${parts.join('; ')}${reading ? `. The fitted temperature is ${reading}` : ''}.`;
}

/** Sentences describing what the results show, for the report's "What this run shows" section. */
export function describeResults(data: ReportData): string[] {
  const summary = summarizeResults(data.results);
  if (summary.length === 0) return ['No results yet: the study has not finished a run.'];
  const out: string[] = [];
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
  if (seeds === 1) out.push('Each setting has a single seed: differences of a few tenths of a point can be seed noise. Run more seeds for error bars.');
  return out;
}
