// report-data.json: a study's ReportData as one file, from which `smoothlab report DIR` rebuilds
// the report. Non-finite numbers (an infinite fitted temperature, a diverged loss) are kept as
// {"$number": "Infinity"} (utils/state_json.ts) and image pixels are written as plain arrays.
import { encodeNumber, parseState } from '../utils/state_json.js';
import type { ReportData } from './data.js';

/** The JSON text of report-data.json. */
export function stringifyReportData(data: ReportData): string {
  return JSON.stringify(data, (_, v: unknown) => (v instanceof Uint8Array ? Array.from(v) : typeof v === 'number' ? encodeNumber(v) : v));
}

/**
 * Parses report-data.json. Files written before non-finite numbers were kept hold null where a
 * temperature was infinite (the only metric that can be); those read back as Infinity.
 */
export function parseReportData(text: string): ReportData {
  const data = parseState(text) as ReportData;
  for (const row of data.results ?? []) if ((row.temperature as number | null) === null) row.temperature = Infinity;
  for (const c of data.calibration ?? []) if ((c.temperature as number | null) === null) c.temperature = Infinity;
  return data;
}
