// Places several figures in one: panels in rows (one per epsilon, or the notebook's three
// training-curve panels), each nested as its own <svg> so its coordinates stay its own.
import { el, makeFigure, text, textWidth, THEME, type Figure } from './svg.js';

/** Options of `composeFigures` and `composeRows`. */
export interface ComposeOptions {
  /** Panels per row (default: all in one row). */
  columns?: number;
  title?: string;
  /** Space between panels, in pixels. */
  gap?: number;
}

/** Arranges rows of figures top to bottom, each row left to right, under an optional title. */
export function composeRows(rows: Figure[][], opts: Omit<ComposeOptions, 'columns'> = {}): Figure {
  const gap = opts.gap ?? 8;
  const top = opts.title ? 30 : 0;
  const filled = rows.filter((r) => r.length > 0);
  const rowHeights = filled.map((r) => Math.max(...r.map((p) => p.height)));
  const rowWidths = filled.map((r) => r.reduce((w, p) => w + p.width, 0) + gap * (r.length - 1));
  const width = Math.max(1, ...rowWidths, opts.title ? textWidth(opts.title, THEME.titleSize + 2) + 20 : 0);
  const height = Math.max(1, top + rowHeights.reduce((h, r) => h + r, 0) + gap * Math.max(0, filled.length - 1));
  const parts: string[] = [];
  if (opts.title) parts.push(text(width / 2, 20, opts.title, { anchor: 'middle', size: THEME.titleSize + 2, weight: 'bold' }));
  let y = top;
  filled.forEach((row, r) => {
    let x = 0;
    for (const p of row) {
      parts.push(el('svg', { x, y, width: p.width, height: p.height, viewBox: `0 0 ${p.width} ${p.height}`, class: 'panel' }, p.body));
      x += p.width + gap;
    }
    y += rowHeights[r] + gap;
  });
  return makeFigure(width, height, parts.join(''), opts.title);
}

/** Arranges figures in a grid, left to right and top to bottom, under an optional title. */
export function composeFigures(panels: Figure[], opts: ComposeOptions = {}): Figure {
  const columns = Math.max(1, opts.columns ?? panels.length);
  const rows: Figure[][] = [];
  for (let i = 0; i < panels.length; i += columns) rows.push(panels.slice(i, i + columns));
  return composeRows(rows, opts);
}
