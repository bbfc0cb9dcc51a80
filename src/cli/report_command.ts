// `smoothlab report RUN_DIR`: rebuilds report.html, the tables and the figures of a finished study
// from the files in its folder (report-data.json); no training, no libtorch needed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ReportData } from '../report/data.js';
import { parseReportData } from '../report/data_file.js';
import { writeReport } from '../report/write.js';
import { type OptionSpecs, UsageError, helpText, parseOptions } from './args.js';

/** The file in a run folder that holds everything the report shows. */
export const REPORT_DATA_FILE = 'report-data.json';

const SPECS: OptionSpecs = {
  'no-png': { type: 'boolean', description: 'write the figures as SVG only' },
};

/** Help of the report command. */
export const REPORT_HELP = helpText('report', 'RUN_DIR [options]', 'Rebuild report.html, results tables and figures of a study run folder.', SPECS);

/** Reads RUN_DIR/report-data.json back into ReportData (Uint8Array pixels were saved as arrays). */
export function readReportData(dir: string): ReportData {
  const path = join(dir, REPORT_DATA_FILE);
  if (!existsSync(dir)) throw new UsageError(`run folder ${dir} does not exist`, 'report');
  if (!existsSync(path)) throw new UsageError(`${path} is missing: is ${dir} a smoothlab study folder (smoothlab study --out ${dir})?`, 'report');
  try {
    return parseReportData(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); re-run the study to rewrite it`);
  }
}

/** Runs `smoothlab report`. */
export async function reportCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions('report', argv, SPECS, 1);
  if (values.help) {
    console.log(REPORT_HELP);
    return;
  }
  if (positionals.length === 0) throw new UsageError('missing RUN_DIR (the folder a study wrote, e.g. runs/quick)', 'report');
  const dir = positionals[0];
  const written = await writeReport(dir, readReportData(dir), { png: !values['no-png'] });
  console.log(`report: ${written.html}`);
}
