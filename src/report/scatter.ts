// Scatter plots with optional error bars and connecting lines: accuracy and ECE against epsilon
// (one faint point per seed, the mean with its spread), and the penultimate-layer projections of
// Muller, Kornblith and Hinton (2019), colored by class.
import { axes, frameScales, makeFrame, type XYChartOptions } from './axis.js';
import { categoryColor } from './colors.js';
import { escapeHtml } from './escape.js';
import { legend, legendSize, type LegendItem } from './legend.js';
import { extent, niceDomain } from './scale.js';
import { el, makeFigure, num, type Figure } from './svg.js';

/** One point; `yLow`/`yHigh` are the absolute ends of its vertical error bar. */
export interface ScatterPoint {
  x: number;
  y: number;
  yLow?: number;
  yHigh?: number;
  /** Tooltip text (escaped). */
  label?: string;
}

/** A set of points drawn alike. */
export interface ScatterSeries {
  name: string;
  points: ScatterPoint[];
  color?: string;
  radius?: number;
  opacity?: number;
  /** Join the points (in x order) with a line, as for means over seeds. */
  connect?: boolean;
  dash?: string;
  /** Leave the series out of the legend (for example per-seed points). */
  hideInLegend?: boolean;
}

/** Options of `scatterChart`. */
export interface ScatterOptions extends XYChartOptions {
  series: ScatterSeries[];
  /** Draw no tick labels (for projections, whose coordinates mean nothing by themselves). */
  hideTicks?: boolean;
  /** The lowest value the y axis may show (0 for accuracies and calibration errors, which cannot be negative). */
  yMin?: number;
}

function paddedDomain(values: number[]): [number, number] {
  const e = extent(values);
  if (!e) return [0, 1];
  const pad = (e[1] - e[0]) * 0.08 || Math.abs(e[0]) * 0.1 || 0.5;
  return niceDomain(e[0] - pad, e[1] + pad);
}

/** Builds a scatter plot of several series with optional error bars and connecting lines. */
export function scatterChart(opts: ScatterOptions): Figure {
  const width = opts.width ?? 420;
  const height = opts.height ?? 320;
  const frame = makeFrame(width, height, opts.margin ?? (opts.hideTicks ? { top: 34, right: 12, bottom: opts.xLabel ? 30 : 14, left: opts.yLabel ? 30 : 14 } : undefined));
  const points = opts.series.flatMap((s) => s.points);
  const xDomain = opts.xDomain ?? paddedDomain(points.map((p) => p.x));
  const shown = opts.series.filter((s) => !s.hideInLegend);
  const showLegend = opts.legend ?? shown.length > 1;
  const items: LegendItem[] = shown.map((s) => ({ label: s.name, color: s.color ?? categoryColor(opts.series.indexOf(s)), kind: s.connect ? 'line' : 'dot', dash: s.dash }));
  let yDomain = opts.yDomain ?? paddedDomain(points.flatMap((p) => [p.y, p.yLow ?? p.y, p.yHigh ?? p.y]));
  if (opts.yMin !== undefined && !opts.yDomain) yDomain = [Math.max(opts.yMin, yDomain[0]), yDomain[1]];
  if (showLegend && !opts.yDomain) {
    // Raise the top so the legend (top right) sits above the data rather than on it.
    const share = Math.min(0.6, (legendSize(items).height + 16) / (frame.bottom - frame.top));
    yDomain = [yDomain[0], yDomain[1] + ((yDomain[1] - yDomain[0]) * share) / (1 - share)];
  }
  const { x, y } = frameScales(frame, xDomain, yDomain);
  const parts = [axes(frame, x, y, { title: opts.title, xLabel: opts.xLabel, yLabel: opts.yLabel, yFormat: opts.yFormat, ticks: !opts.hideTicks, grid: !opts.hideTicks })];
  opts.series.forEach((s, si) => {
    const color = s.color ?? categoryColor(si);
    const valid = s.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (s.connect && valid.length > 1) {
      const d = [...valid].sort((a, b) => a.x - b.x).map((p, i) => `${i ? 'L' : 'M'}${num(x(p.x))} ${num(y(p.y))}`).join('');
      parts.push(el('path', { d, stroke: color, 'stroke-width': 1.6, 'stroke-dasharray': s.dash, fill: 'none' }));
    }
    const bars = valid.filter((p) => Number.isFinite(p.yLow) && Number.isFinite(p.yHigh))
      .map((p) => `M${num(x(p.x))} ${num(y(p.yLow!))}V${num(y(p.yHigh!))}M${num(x(p.x) - 4)} ${num(y(p.yLow!))}h8M${num(x(p.x) - 4)} ${num(y(p.yHigh!))}h8`).join('');
    if (bars) parts.push(el('path', { d: bars, stroke: color, 'stroke-width': 1.4, fill: 'none', class: 'errorbar' }));
    const r = s.radius ?? 3.5;
    const dots = valid.map((p) => el('circle', { cx: x(p.x), cy: y(p.y), r }, p.label ? el('title', {}, escapeHtml(p.label)) : undefined)).join('');
    parts.push(el('g', { fill: color, 'fill-opacity': s.opacity, class: 'points' }, dots));
  });
  if (showLegend) {
    parts.push(legend(items, frame.right - legendSize(items).width - 6, frame.top + 6));
  }
  return makeFigure(width, height, parts.join(''), opts.title);
}
