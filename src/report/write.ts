// Writes a report folder: report.html, the results tables and figures/NAME.svg|png. Every file is
// written to a temporary name and renamed into place, so a reader (or a crash) never sees half a file.
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../utils/atomic_write.js';
import { join } from 'node:path';
import type { ReportData } from './data.js';
import { readDistillation } from './distillation.js';
import { reportFigures } from './figures.js';
import { renderReport } from './html.js';
import { svgToPng } from './raster.js';
import { resultFiles } from './tables.js';

export { writeFileAtomic } from '../utils/atomic_write.js';

/** Options of `writeReport`. */
export interface WriteReportOptions {
  /** Also render each figure as PNG (default true). */
  png?: boolean;
  /** Pixels per SVG unit of the PNGs (default 2). */
  pngScale?: number;
}

/** The files `writeReport` wrote, as absolute or `dir`-relative paths as given. */
export interface WrittenReport {
  html: string;
  tables: string[];
  figures: string[];
}

/** Writes report.html, results.{json,csv,md}, runs.csv and figures/*.svg|png into `dir` (with the distillation in dir/distill, if any). */
export async function writeReport(dir: string, data: ReportData, opts: WriteReportOptions = {}): Promise<WrittenReport> {
  // A distillation that ran in this folder stays in its report when the study or `report` rewrites it.
  const distillation = data.distillation ?? readDistillation(dir);
  if (distillation) data = { ...data, distillation };
  const figuresDir = join(dir, 'figures');
  mkdirSync(figuresDir, { recursive: true });
  const written: WrittenReport = { html: join(dir, 'report.html'), tables: [], figures: [] };
  const figures = reportFigures(data);
  for (const fig of figures) {
    const svgPath = join(figuresDir, `${fig.name}.svg`);
    writeFileAtomic(svgPath, `<?xml version="1.0" encoding="UTF-8"?>\n${fig.figure.svg}\n`);
    written.figures.push(svgPath);
    if (opts.png ?? true) {
      const pngPath = join(figuresDir, `${fig.name}.png`);
      writeFileAtomic(pngPath, await svgToPng(fig.figure.svg, { scale: opts.pngScale }));
      written.figures.push(pngPath);
    }
  }
  for (const [name, text] of Object.entries(resultFiles(data.results))) {
    const path = join(dir, name);
    writeFileAtomic(path, text);
    written.tables.push(path);
  }
  // The HTML last: its presence means the folder is complete.
  writeFileAtomic(written.html, renderReport(data, figures));
  return written;
}
