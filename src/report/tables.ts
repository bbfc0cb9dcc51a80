// Results tables: one Table (columns + rows of plain values) written as JSON and CSV for machines
// (full precision, one column per number) and as Markdown and HTML for people (rounded, "mean ± sd").
import { escapeHtml } from './escape.js';
import { FLAG_TEXT, type ResultRow, type RunFlag, type Stat, flagWarnings, summarizeResults } from './results.js';

/**
 * A table cell: text, a number (NaN means missing) or null (missing). ±Infinity is a value (a fitted
 * temperature is Infinity when no scaling beats the uniform prediction): people see ∞, CSV gets inf
 * (what pandas and numpy read), and JSON, which has no infinity, gets null.
 */
export type CellValue = string | number | null;

/** One column: its machine key, its human header and how people see its numbers. */
export interface TableColumn {
  key: string;
  header: string;
  /** 'percent' shows a fraction times 100; 'fixed' rounds to `digits`; 'plain' prints the number as is. */
  format?: 'text' | 'plain' | 'int' | 'fixed' | 'percent';
  digits?: number;
  /** Key of the column's spread (sample sd over seeds): "mean ± sd" for people, its own column for machines. */
  spreadKey?: string;
}

/** Rows of plain values keyed by column key. */
export interface Table {
  columns: TableColumn[];
  rows: Record<string, CellValue>[];
}

const missing = (v: CellValue | undefined): v is null | undefined => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
const infinite = (v: CellValue | undefined): boolean => v === Infinity || v === -Infinity;

/** A number rounded to `digits` for people, with ∞ for Infinity. */
export function formatFixed(value: number, digits: number): string {
  return infinite(value) ? (value > 0 ? '∞' : '−∞') : value.toFixed(digits);
}

function machineKeys(table: Table): string[] {
  return table.columns.flatMap((c) => (c.spreadKey ? [c.key, c.spreadKey] : [c.key]));
}

/** Formats one value for people. */
export function formatCell(column: TableColumn, value: CellValue | undefined): string {
  if (missing(value)) return '';
  if (typeof value === 'string') return value;
  if (infinite(value)) return formatFixed(value as number, 0);
  switch (column.format) {
    case 'percent': return (value * 100).toFixed(column.digits ?? 2);
    case 'fixed': return value.toFixed(column.digits ?? 3);
    case 'int': return String(Math.round(value));
    default: return String(value);
  }
}

function humanCell(column: TableColumn, row: Record<string, CellValue>): string {
  const main = formatCell(column, row[column.key]);
  const spread = column.spreadKey ? row[column.spreadKey] : null;
  return main && !missing(spread) ? `${main} ± ${formatCell(column, spread)}` : main;
}

/** Writes the rows as a JSON array of objects (NaN and ±Infinity become null), pretty-printed. */
export function toJson(table: Table): string {
  const keys = machineKeys(table);
  const rows = table.rows.map((row) => Object.fromEntries(keys.map((k) => [k, missing(row[k]) || infinite(row[k]) ? null : row[k]])));
  return `${JSON.stringify(rows, null, 2)}\n`;
}

// RFC 4180: quote fields holding a comma, quote or line break, doubling inner quotes.
function csvField(value: CellValue | undefined): string {
  if (missing(value)) return '';
  if (infinite(value)) return value === Infinity ? 'inf' : '-inf';
  const s = String(value);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Writes the rows as CSV with a header of column keys, numbers at full precision. */
export function toCsv(table: Table): string {
  const keys = machineKeys(table);
  return [keys.map(csvField).join(','), ...table.rows.map((row) => keys.map((k) => csvField(row[k])).join(','))].join('\n') + '\n';
}

// Pipes would split the cell; < > & are entities so a Markdown viewer renders no user HTML.
function markdownCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\s*[\r\n]+\s*/g, ' ');
}

/** Writes the rows as a GitHub-flavored Markdown table, numbers right-aligned. */
export function toMarkdown(table: Table): string {
  const header = `| ${table.columns.map((c) => markdownCell(c.header)).join(' | ')} |`;
  const align = `| ${table.columns.map((c) => (c.format === 'text' ? '---' : '---:')).join(' | ')} |`;
  const rows = table.rows.map((row) => `| ${table.columns.map((c) => markdownCell(humanCell(c, row))).join(' | ')} |`);
  return [header, align, ...rows].join('\n') + '\n';
}

/** Writes the rows as an HTML <table> with every cell escaped. */
export function toHtmlTable(table: Table, caption?: string): string {
  const cls = (c: TableColumn) => (c.format === 'text' ? '' : ' class="num"');
  const head = table.columns.map((c) => `<th scope="col"${cls(c)}>${escapeHtml(c.header)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${table.columns.map((c) => `<td${cls(c)}>${escapeHtml(humanCell(c, row))}</td>`).join('')}</tr>`).join('\n');
  return `<table>${caption ? `<caption>${escapeHtml(caption)}</caption>` : ''}<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

const METRIC_COLUMNS: { key: string; field: 'accuracy' | 'nll' | 'ece' | 'temperature' | 'nllScaled' | 'eceScaled'; header: string; format: 'percent' | 'fixed'; digits: number }[] = [
  { key: 'accuracy', field: 'accuracy', header: 'accuracy (%)', format: 'percent', digits: 2 },
  { key: 'nll', field: 'nll', header: 'NLL', format: 'fixed', digits: 4 },
  { key: 'ece', field: 'ece', header: 'ECE (%)', format: 'percent', digits: 2 },
  { key: 'temperature', field: 'temperature', header: 'temperature', format: 'fixed', digits: 3 },
  { key: 'nll_ts', field: 'nllScaled', header: 'NLL after TS', format: 'fixed', digits: 4 },
  { key: 'ece_ts', field: 'eceScaled', header: 'ECE after TS (%)', format: 'percent', digits: 2 },
];

/** One row per run: run, epsilon, seed, label noise (when any), and the metrics before and after temperature scaling. */
export function runsTable(rows: ResultRow[]): Table {
  const noisy = rows.some((r) => (r.labelNoise ?? 0) !== 0);
  const metrics = METRIC_COLUMNS.filter((m) => m.field === 'accuracy' || m.field === 'nll' || m.field === 'ece' || rows.some((r) => r[m.field] !== undefined));
  const columns: TableColumn[] = [
    { key: 'run', header: 'run', format: 'text' },
    { key: 'epsilon', header: 'ε', format: 'plain' },
    { key: 'seed', header: 'seed', format: 'int' },
    ...(noisy ? [{ key: 'label_noise', header: 'label noise', format: 'plain' as const }] : []),
    ...metrics.map((m) => ({ key: m.key, header: m.header, format: m.format, digits: m.digits })),
    ...(rows.some((r) => r.flags?.length) ? [{ key: 'flags', header: 'warning', format: 'text' as const }] : []),
  ];
  return {
    columns,
    rows: rows.map((r) => ({
      run: r.run, epsilon: r.epsilon, seed: r.seed, label_noise: r.labelNoise ?? 0,
      ...Object.fromEntries(metrics.map((m) => [m.key, r[m.field] ?? null])),
      flags: (r.flags ?? []).map((f) => FLAG_TEXT[f]).join('; ') || null,
    })),
  };
}

/** One row per (label noise, epsilon): each metric's mean ± sample sd over seeds. */
export function summaryTable(rows: ResultRow[]): Table {
  const summary = summarizeResults(rows);
  const noisy = summary.some((s) => s.labelNoise !== 0);
  const metrics = METRIC_COLUMNS.filter((m) => summary.some((s) => s[m.field] !== undefined));
  const columns: TableColumn[] = [
    ...(noisy ? [{ key: 'label_noise', header: 'label noise', format: 'plain' as const }] : []),
    { key: 'epsilon', header: 'ε', format: 'plain' },
    { key: 'seeds', header: 'seeds', format: 'int' },
    ...metrics.map((m) => ({ key: m.key, header: m.header, format: m.format, digits: m.digits, spreadKey: `${m.key}_sd` })),
    ...(summary.some((s) => s.flags) ? [{ key: 'flags', header: 'warning', format: 'text' as const }] : []),
  ];
  return {
    columns,
    rows: summary.map((s) => {
      const flagged = Object.entries(s.flags ?? {}) as [RunFlag, number][];
      const row: Record<string, CellValue> = {
        label_noise: s.labelNoise, epsilon: s.epsilon, seeds: s.seeds,
        flags: flagged.map(([f, k]) => `${FLAG_TEXT[f]} (${k} of ${s.runs.length} run${s.runs.length === 1 ? '' : 's'})`).join('; ') || null,
      };
      for (const m of metrics) {
        const stat: Stat | undefined = s[m.field];
        row[m.key] = stat?.mean ?? null;
        row[`${m.key}_sd`] = stat?.spread ?? null;
      }
      return row;
    }),
  };
}

/** The results files of a run folder, by file name: results.json, results.csv, runs.csv and results.md. */
export function resultFiles(rows: ResultRow[]): Record<string, string> {
  const summary = summaryTable(rows);
  const runs = runsTable(rows);
  const json = `{\n"summary": ${toJson(summary).trim()},\n"runs": ${toJson(runs).trim()}\n}\n`;
  const warnings = flagWarnings(rows).map((w) => `> **Warning.** ${w}\n`).join('\n');
  const markdown = `${warnings ? `${warnings}\n` : ''}## Summary (mean ± sample sd over seeds)\n\n${toMarkdown(summary)}\n## Runs\n\n${toMarkdown(runs)}`;
  return { 'results.json': json, 'results.csv': toCsv(summary), 'runs.csv': toCsv(runs), 'results.md': markdown };
}
