// Heatmaps with a color bar: the one-hot and smoothed target matrices, and confusion matrices with
// class names (colored by the row-normalized rate, annotated with counts).
import { axisLabels, makeFrame, xAxisTicks, yAxisTicks, type Frame } from './axis.js';
import { textColorOn, viridis } from './colors.js';
import { escapeHtml } from './escape.js';
import { extent, linearScale, formatTick, tickStep } from './scale.js';
import { el, makeFigure, num, text, textWidth, THEME, type Figure } from './svg.js';

/** Options of `heatmap`. */
export interface HeatmapOptions {
  /** Rows of equal length; each cell's color comes from its value. */
  matrix: number[][];
  /** Text drawn in each cell instead of the formatted value (for example counts over rates). */
  annotations?: string[][];
  rowLabels?: string[];
  colLabels?: string[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  /** Value range mapped onto the color map (default: the data's range). */
  domain?: [number, number];
  colorBar?: boolean;
  colorBarLabel?: string;
  /** Write values in the cells: true, false, or 'auto' (when cells are large enough). */
  annotate?: boolean | 'auto';
  format?: (value: number) => string;
  /** Cell size in pixels (default: fits the grid in about 360 pixels). */
  cell?: number;
}

const BAR_WIDTH = 12;
const BAR_STEPS = 48;

/** Draws a vertical color bar for `domain` right of `x`, spanning the frame's height. */
export function colorBar(frame: Frame, x: number, domain: [number, number], label?: string): string {
  const [lo, hi] = domain;
  const h = frame.bottom - frame.top;
  const parts: string[] = [];
  // Stacked rectangles instead of a linearGradient: gradients need ids, which clash between the
  // figures inlined in one HTML page.
  for (let i = 0; i < BAR_STEPS; i++) {
    const y0 = frame.bottom - ((i + 1) / BAR_STEPS) * h;
    parts.push(el('rect', { x, y: y0, width: BAR_WIDTH, height: h / BAR_STEPS + 0.5, fill: viridis((i + 0.5) / BAR_STEPS) }));
  }
  parts.push(el('rect', { x, y: frame.top, width: BAR_WIDTH, height: h, fill: 'none', stroke: THEME.axis, class: 'colorbar' }));
  const scale = linearScale([lo, hi], [frame.bottom, frame.top]);
  const ticks = scale.ticks(5);
  parts.push(el('path', { d: ticks.map((t) => `M${num(x + BAR_WIDTH)} ${num(scale(t))}h4`).join(''), stroke: THEME.axis, fill: 'none' }));
  for (const t of ticks) parts.push(text(x + BAR_WIDTH + 7, scale(t), scale.format(t), { baseline: 'middle', size: THEME.smallSize }));
  if (label) parts.push(text(x + BAR_WIDTH + 34, (frame.top + frame.bottom) / 2, label, { anchor: 'middle', rotate: 90, size: THEME.smallSize }));
  return parts.join('');
}

function defaultFormat(values: number[]): (v: number) => string {
  if (values.every((v) => Number.isInteger(v))) return (v) => String(v);
  const [lo, hi] = extent(values) ?? [0, 1];
  return (v) => formatTick(v, Math.min(0.01, tickStep(lo, hi, 100)));
}

/** Builds a heatmap of a matrix with row and column labels, optional cell values and a color bar. */
export function heatmap(opts: HeatmapOptions): Figure {
  const rows = opts.matrix.length;
  const cols = Math.max(0, ...opts.matrix.map((r) => r.length));
  const flat = opts.matrix.flat().filter(Number.isFinite);
  const [lo, hi] = opts.domain ?? extent(flat) ?? [0, 1];
  // 100 classes shrink to 3-pixel cells: the pattern still shows, the tick labels are left out.
  const cell = opts.cell ?? Math.max(3, Math.min(40, Math.floor(360 / Math.max(1, rows, cols))));
  const labelled = cell >= 9;
  const rowLabels = labelled ? opts.rowLabels ?? [] : [];
  const colLabels = labelled ? opts.colLabels ?? [] : [];
  const rowRoom = Math.min(120, Math.max(0, ...rowLabels.map((l) => textWidth(l, THEME.smallSize)))) + 10;
  const longestCol = Math.max(0, ...colLabels.map((l) => textWidth(l, THEME.smallSize)));
  const rotate = longestCol > cell - 2;
  const colRoom = rotate ? Math.min(100, longestCol * 0.65 + 12) : 20;
  const showBar = opts.colorBar ?? true;
  const margin = {
    top: opts.title ? 34 : 10,
    left: rowRoom + (opts.yLabel ? 22 : 4),
    bottom: colRoom + (opts.xLabel ? 22 : 4),
    right: showBar ? BAR_WIDTH + 62 : 10,
  };
  const width = margin.left + cols * cell + margin.right;
  const height = margin.top + rows * cell + margin.bottom;
  const frame = makeFrame(width, height, margin);
  const span = hi - lo || 1;
  const format = opts.format ?? defaultFormat(flat);
  const annotate = opts.annotate === 'auto' || opts.annotate === undefined ? cell >= 22 && cols <= 16 : opts.annotate;
  const fontSize = Math.max(7, Math.min(11, cell * 0.34));
  const parts: string[] = [];
  opts.matrix.forEach((row, r) => row.forEach((v, c) => {
    const color = Number.isFinite(v) ? viridis((v - lo) / span) : '#ffffff';
    const x = frame.left + c * cell;
    const y = frame.top + r * cell;
    const label = opts.annotations?.[r]?.[c] ?? (Number.isFinite(v) ? format(v) : '');
    // Hover titles only on small grids: 10,000 of them would bloat a CIFAR-100 confusion matrix.
    const tip = rows * cols <= 1024 ? el('title', {}, escapeHtml(`${opts.rowLabels?.[r] ?? r} / ${opts.colLabels?.[c] ?? c}: ${label}`)) : undefined;
    parts.push(el('rect', { x, y, width: cell, height: cell, fill: color, class: 'cell' }, tip));
    if (annotate && label) parts.push(text(x + cell / 2, y + cell / 2, label, { anchor: 'middle', baseline: 'middle', size: fontSize, fill: textColorOn(color) }));
  }));
  parts.push(el('rect', { x: frame.left, y: frame.top, width: cols * cell, height: rows * cell, fill: 'none', stroke: THEME.axis }));
  parts.push(xAxisTicks(frame, colLabels.slice(0, cols).map((l, c) => ({ at: frame.left + (c + 0.5) * cell, label: l })), { rotate, maxLabelWidth: 140 }));
  parts.push(yAxisTicks(frame, rowLabels.slice(0, rows).map((l, r) => ({ at: frame.top + (r + 0.5) * cell, label: l })), { maxLabelWidth: 110 }));
  parts.push(axisLabels(frame, { title: opts.title, xLabel: opts.xLabel, yLabel: opts.yLabel, xLabelOffset: colRoom + 14, yLabelOffset: rowRoom + 10 }));
  if (showBar) parts.push(colorBar(frame, frame.right + 14, [lo, hi], opts.colorBarLabel));
  return makeFigure(width, height, parts.join(''), opts.title);
}
