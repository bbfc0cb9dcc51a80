// The plot frame every x-y chart shares: margins, a plot rectangle, ticks, grid lines, axis labels and
// a title, drawn the same way so the panels of one figure line up.
import { linearScale, logScale, type LinearScale } from './scale.js';
import { el, fitText, num, text, THEME } from './svg.js';

/** Space around the plot rectangle, in pixels. */
export interface Margin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/** What every x-y chart (lines, scatter) takes besides its data. */
export interface XYChartOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  xDomain?: [number, number];
  yDomain?: [number, number];
  yFormat?: (value: number) => string;
  /** Draw a legend inside the plot's top-right corner (default: when there are two or more series). */
  legend?: boolean;
  margin?: Margin;
}

/** The plot rectangle inside a chart of `width` x `height` pixels. */
export interface Frame {
  width: number;
  height: number;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The default margins: room for a title, tick labels and axis labels. */
export const DEFAULT_MARGIN: Margin = { top: 34, right: 16, bottom: 44, left: 58 };

/** Computes the plot rectangle of a chart. */
export function makeFrame(width: number, height: number, margin: Margin = DEFAULT_MARGIN): Frame {
  return { width, height, left: margin.left, top: margin.top, right: width - margin.right, bottom: height - margin.bottom };
}

/** Scales for a frame: x left to right, y bottom to top (base-10 log when `yLog`). */
export function frameScales(frame: Frame, xDomain: readonly [number, number], yDomain: readonly [number, number], yLog = false): { x: LinearScale; y: LinearScale } {
  return { x: linearScale(xDomain, [frame.left, frame.right]), y: (yLog ? logScale : linearScale)(yDomain, [frame.bottom, frame.top]) };
}

/** Options of `axes`. */
export interface AxesOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  xTicks?: number;
  yTicks?: number;
  /** Formats y tick labels (for example as percentages). */
  yFormat?: (value: number) => string;
  xFormat?: (value: number) => string;
  grid?: boolean;
  /** Draw tick marks and tick labels (default true). */
  ticks?: boolean;
}

/** Draws grid lines, the two axes with ticks and labels, and the title of an x-y chart. */
export function axes(frame: Frame, x: LinearScale, y: LinearScale, opts: AxesOptions = {}): string {
  const parts: string[] = [];
  const xTicks = x.ticks(opts.xTicks ?? 6);
  const yTicks = y.ticks(opts.yTicks ?? 5);
  if (opts.grid !== false) {
    const d = [
      ...yTicks.map((t) => `M${num(frame.left)} ${num(y(t))}H${num(frame.right)}`),
      ...xTicks.map((t) => `M${num(x(t))} ${num(frame.top)}V${num(frame.bottom)}`),
    ].join('');
    if (d) parts.push(el('path', { d, stroke: THEME.grid, fill: 'none' }));
  }
  parts.push(el('rect', { x: frame.left, y: frame.top, width: frame.right - frame.left, height: frame.bottom - frame.top, fill: 'none', stroke: THEME.axis }));
  if (opts.ticks !== false) parts.push(xAxisTicks(frame, xTicks.map((t) => ({ at: x(t), label: opts.xFormat ? opts.xFormat(t) : x.format(t, opts.xTicks ?? 6) }))));
  if (opts.ticks !== false) parts.push(yAxisTicks(frame, yTicks.map((t) => ({ at: y(t), label: opts.yFormat ? opts.yFormat(t) : y.format(t, opts.yTicks ?? 5) }))));
  // Without tick labels the axis labels sit close to the plot.
  parts.push(axisLabels(frame, opts.ticks === false ? { ...opts, xLabelOffset: 20, yLabelOffset: 12 } : opts));
  return parts.join('');
}

/** One tick: its pixel position along the axis and its label. */
export interface Tick {
  at: number;
  label: string;
}

/** Draws tick marks and labels under the plot; `rotate` tilts long category labels. */
export function xAxisTicks(frame: Frame, ticks: Tick[], opts: { rotate?: boolean; maxLabelWidth?: number } = {}): string {
  const marks = ticks.map((t) => `M${num(t.at)} ${num(frame.bottom)}v4`).join('');
  const labels = ticks.map((t) => {
    const label = opts.maxLabelWidth ? fitText(t.label, opts.maxLabelWidth) : t.label;
    return opts.rotate
      ? text(t.at, frame.bottom + 8, label, { anchor: 'end', rotate: -40, baseline: 'middle', size: THEME.smallSize })
      : text(t.at, frame.bottom + 16, label, { anchor: 'middle', size: THEME.smallSize });
  });
  return (marks ? el('path', { d: marks, stroke: THEME.axis, fill: 'none' }) : '') + labels.join('');
}

/** Draws tick marks and labels left of the plot. */
export function yAxisTicks(frame: Frame, ticks: Tick[], opts: { maxLabelWidth?: number } = {}): string {
  const marks = ticks.map((t) => `M${num(frame.left)} ${num(t.at)}h-4`).join('');
  const labels = ticks.map((t) => text(frame.left - 7, t.at, opts.maxLabelWidth ? fitText(t.label, opts.maxLabelWidth, THEME.smallSize) : t.label, { anchor: 'end', baseline: 'middle', size: THEME.smallSize }));
  return (marks ? el('path', { d: marks, stroke: THEME.axis, fill: 'none' }) : '') + labels.join('');
}

/** Draws the title above the plot and the axis labels below and left of it. */
export function axisLabels(frame: Frame, opts: { title?: string; xLabel?: string; yLabel?: string; xLabelOffset?: number; yLabelOffset?: number }): string {
  const parts: string[] = [];
  const midX = (frame.left + frame.right) / 2;
  const midY = (frame.top + frame.bottom) / 2;
  if (opts.title) parts.push(text(midX, Math.max(14, frame.top - 12), fitText(opts.title, frame.width - 8, THEME.titleSize), { anchor: 'middle', size: THEME.titleSize, weight: 'bold' }));
  if (opts.xLabel) parts.push(text(midX, frame.bottom + (opts.xLabelOffset ?? 36), opts.xLabel, { anchor: 'middle' }));
  if (opts.yLabel) parts.push(text(frame.left - (opts.yLabelOffset ?? 44), midY, opts.yLabel, { anchor: 'middle', rotate: -90 }));
  return parts.join('');
}
