// Bar charts with categories on x and one bar per series in each category (grouped), used for the
// label histogram (train and test splits side by side, or clean and noisy labels).
import { axisLabels, makeFrame, xAxisTicks, yAxisTicks, type Margin } from './axis.js';
import { categoryColor } from './colors.js';
import { legend, legendSize } from './legend.js';
import { escapeHtml } from './escape.js';
import { linearScale, niceDomain } from './scale.js';
import { el, makeFigure, num, textWidth, THEME, type Figure } from './svg.js';

/** One series of bar heights, one value per category. */
export interface BarSeries {
  name: string;
  values: number[];
  color?: string;
}

/** Options of `barChart`. */
export interface BarChartOptions {
  categories: string[];
  series: BarSeries[];
  title?: string;
  xLabel?: string;
  yLabel?: string;
  width?: number;
  height?: number;
  margin?: Margin;
}

/** Builds a grouped bar chart; bars start at zero, negative values hang below it. */
export function barChart(opts: BarChartOptions): Figure {
  const width = opts.width ?? 480;
  const height = opts.height ?? 320;
  const n = opts.categories.length;
  const values = opts.series.flatMap((s) => s.values.filter(Number.isFinite));
  // Headroom above the tallest bar keeps the legend (top right) off the bars.
  const headroom = opts.series.length > 1 ? 1.3 : 1;
  const [lo, hi] = niceDomain(Math.min(0, ...values), Math.max(0, ...values, values.length ? 0 : 1) * headroom);
  // Long category names are tilted; the bottom margin grows to hold them (up to a limit).
  const band0 = (width - 74) / Math.max(1, n);
  const longest = Math.max(0, ...opts.categories.map((c) => textWidth(c, THEME.smallSize)));
  const rotate = longest > band0 - 4;
  const labelRoom = rotate ? Math.min(110, longest * 0.65 + 10) : 20;
  const margin = opts.margin ?? { top: 34, right: 16, bottom: labelRoom + (opts.xLabel ? 26 : 8), left: 58 };
  const frame = makeFrame(width, height, margin);
  const y = linearScale([lo, hi], [frame.bottom, frame.top]);
  const band = (frame.right - frame.left) / Math.max(1, n);
  const inner = band * 0.8;
  const barWidth = inner / Math.max(1, opts.series.length);
  const parts: string[] = [];
  const ticks = y.ticks(5);
  parts.push(el('path', { d: ticks.map((t) => `M${num(frame.left)} ${num(y(t))}H${num(frame.right)}`).join(''), stroke: THEME.grid, fill: 'none' }));
  opts.series.forEach((s, si) => {
    const color = s.color ?? categoryColor(si);
    s.values.forEach((v, ci) => {
      if (!Number.isFinite(v) || ci >= n) return;
      const x0 = frame.left + band * ci + (band - inner) / 2 + barWidth * si;
      const [top, bottom] = v >= 0 ? [y(v), y(0)] : [y(0), y(v)];
      parts.push(el('rect', { x: x0, y: top, width: Math.max(0.5, barWidth - 1), height: Math.max(0, bottom - top), fill: color, class: 'bar' }, el('title', {}, escapeHtml(`${opts.categories[ci]}: ${v}`))));
    });
  });
  parts.push(el('rect', { x: frame.left, y: frame.top, width: frame.right - frame.left, height: frame.bottom - frame.top, fill: 'none', stroke: THEME.axis }));
  parts.push(xAxisTicks(frame, opts.categories.map((c, i) => ({ at: frame.left + band * (i + 0.5), label: c })), { rotate, maxLabelWidth: 140 }));
  parts.push(yAxisTicks(frame, ticks.map((t) => ({ at: y(t), label: y.format(t) }))));
  parts.push(axisLabels(frame, { title: opts.title, xLabel: opts.xLabel, yLabel: opts.yLabel, xLabelOffset: labelRoom + 16 }));
  if (opts.series.length > 1) {
    const items = opts.series.map((s, i) => ({ label: s.name, color: s.color ?? categoryColor(i), kind: 'box' as const }));
    parts.push(legend(items, frame.right - legendSize(items).width - 6, frame.top + 6));
  }
  return makeFigure(width, height, parts.join(''), opts.title);
}
