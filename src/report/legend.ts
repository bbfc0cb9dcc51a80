// Legends: a column of swatches and labels, drawn inside a chart or as a panel of its own (the three
// training-curve panels share one).
import { el, fitText, makeFigure, num, text, textWidth, THEME, type Figure } from './svg.js';

/** One legend entry: a line (optionally dashed), a dot or a filled box in `color`. */
export interface LegendItem {
  label: string;
  color: string;
  kind?: 'line' | 'dot' | 'box';
  dash?: string;
}

const ROW = 18;
const SWATCH = 22;
const MAX_LABEL = 200;

/** The size a legend of these items needs, in pixels. */
export function legendSize(items: LegendItem[]): { width: number; height: number } {
  const widest = Math.max(0, ...items.map((i) => Math.min(MAX_LABEL, textWidth(i.label, THEME.smallSize))));
  return { width: SWATCH + 6 + widest + 12, height: items.length * ROW + 8 };
}

/** Draws a legend with its top-left corner at (x, y). */
export function legend(items: LegendItem[], x: number, y: number): string {
  if (items.length === 0) return '';
  const { width, height } = legendSize(items);
  const rows = items.map((item, i) => {
    const cy = y + 4 + ROW * i + ROW / 2;
    const swatch = item.kind === 'dot'
      ? el('circle', { cx: x + 6 + SWATCH / 2, cy, r: 4, fill: item.color })
      : item.kind === 'box'
        ? el('rect', { x: x + 6 + SWATCH / 2 - 6, y: cy - 5, width: 12, height: 10, fill: item.color })
        : el('path', { d: `M${num(x + 6)} ${num(cy)}h${SWATCH}`, stroke: item.color, 'stroke-width': 2, 'stroke-dasharray': item.dash, fill: 'none' });
    return swatch + text(x + 6 + SWATCH + 6, cy, fitText(item.label, MAX_LABEL, THEME.smallSize), { baseline: 'middle', size: THEME.smallSize });
  });
  const box = el('rect', { x, y, width, height, fill: '#ffffff', 'fill-opacity': 0.85, stroke: '#cccccc', rx: 3 });
  return box + rows.join('');
}

/** A legend as a Figure of its own, for composing next to panels. */
export function legendFigure(items: LegendItem[], opts: { title?: string } = {}): Figure {
  const { width, height } = legendSize(items);
  const top = opts.title ? 22 : 0;
  const head = opts.title ? text(4, 14, opts.title, { weight: 'bold' }) : '';
  return makeFigure(width + 8, height + top + 8, head + legend(items, 4, top + 4), opts.title ?? 'legend');
}
