// Line charts with several series and marked horizontal lines: the notebook's loss, accuracy and
// learning-rate panels, with the label-smoothing loss floor drawn as a reference line.
import { axes, makeFrame, frameScales, type XYChartOptions } from './axis.js';
import { categoryColor } from './colors.js';
import { legend, legendSize, type LegendItem } from './legend.js';
import { extent, logDomain, niceDomain, spansDecades } from './scale.js';
import { el, fitText, makeFigure, num, text, THEME, type Figure } from './svg.js';

/** One line: y against x (same length); non-finite values leave a gap. */
export interface LineSeries {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color?: string;
  /** An SVG dash pattern such as '6 3' (validation curves are dashed, as in the notebook). */
  dash?: string;
}

/** A horizontal reference line across the plot, with an optional label at its right end. */
export interface HorizontalLine {
  y: number;
  label?: string;
  color?: string;
}

/** Options of `lineChart`. */
export interface LineChartOptions extends XYChartOptions {
  series: LineSeries[];
  hlines?: HorizontalLine[];
  /** 'auto' (default 'linear'): a log axis when the positive values span a decade or more (a diverged loss). */
  yScale?: 'linear' | 'log' | 'auto';
}

// Per-step series (thousands of learning-rate points) are thinned to about this many points: the
// curves stay smooth at report size and the SVG stays small.
const MAX_POINTS = 800;

function pathData(xs: ArrayLike<number>, ys: ArrayLike<number>, sx: (v: number) => number, sy: (v: number) => number): string {
  const n = Math.min(xs.length, ys.length);
  const stride = Math.max(1, Math.ceil(n / MAX_POINTS));
  const indices: number[] = [];
  for (let i = 0; i < n; i += stride) indices.push(i);
  if (n > 0 && indices[indices.length - 1] !== n - 1) indices.push(n - 1); // keep the last point
  let d = '';
  let pen = false;
  for (const i of indices) {
    const [x, y] = [xs[i], ys[i]];
    if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
    d += `${pen ? 'L' : 'M'}${num(sx(x))} ${num(sy(y))}`;
    pen = true;
  }
  return d;
}

/** Builds a line chart of several series with optional horizontal reference lines. */
export function lineChart(opts: LineChartOptions): Figure {
  const width = opts.width ?? 480;
  const height = opts.height ?? 320;
  const frame = makeFrame(width, height, opts.margin);
  const hlines = (opts.hlines ?? []).filter((h) => Number.isFinite(h.y));
  const xs = extent(opts.series.flatMap((s) => Array.from(s.x)));
  const values = [...opts.series.flatMap((s) => Array.from(s.y)), ...hlines.map((h) => h.y)];
  const yLog = opts.yScale === 'log' || (opts.yScale === 'auto' && spansDecades(values));
  const ys = extent(yLog ? values.filter((v) => v > 0) : values);
  // A single epoch spans no x range: centre it in a unit-wide axis.
  const xDomain = opts.xDomain ?? (xs ? (xs[1] === xs[0] ? [xs[0] - 0.5, xs[0] + 0.5] : [xs[0], xs[1]]) as [number, number] : [0, 1] as [number, number]);
  let yDomain = opts.yDomain ?? (ys ? (yLog ? logDomain(ys[0], ys[1]) : niceDomain(ys[0], ys[1])) : [0, 1] as [number, number]);
  const showLegend = opts.legend ?? opts.series.length > 1;
  const items: LegendItem[] = opts.series.map((s, i) => ({ label: s.name, color: s.color ?? categoryColor(i), dash: s.dash }));
  if (showLegend && !opts.yDomain) {
    // Raise the top so the legend (top right) sits above the curves rather than on them.
    const share = Math.min(0.6, (legendSize(items).height + 16) / (frame.bottom - frame.top));
    const [lo, hi] = yLog ? [Math.log10(yDomain[0]), Math.log10(yDomain[1])] : yDomain;
    const top = hi + ((hi - lo) * share) / (1 - share);
    yDomain = [yDomain[0], yLog ? 10 ** top : top];
  }
  const { x, y } = frameScales(frame, xDomain, yDomain, yLog);
  const parts = [axes(frame, x, y, { title: opts.title, xLabel: opts.xLabel, yLabel: opts.yLabel, yFormat: opts.yFormat })];
  for (const h of hlines) {
    const color = h.color ?? '#555555';
    parts.push(el('path', { d: `M${num(frame.left)} ${num(y(h.y))}H${num(frame.right)}`, stroke: color, 'stroke-dasharray': '2 3', 'stroke-width': 1.5, fill: 'none', class: 'hline' }));
    if (h.label) parts.push(text(frame.right - 4, y(h.y) - 4, fitText(h.label, (frame.right - frame.left) / 2, THEME.smallSize), { anchor: 'end', size: THEME.smallSize, fill: color }));
  }
  const drawable = (v: number) => Number.isFinite(v) && (!yLog || v > 0);
  opts.series.forEach((s, i) => {
    const color = s.color ?? categoryColor(i);
    const ys = yLog ? Array.from(s.y, (v) => (v > 0 ? v : NaN)) : s.y;
    const d = pathData(s.x, ys, x, y);
    if (d) parts.push(el('path', { d, stroke: color, 'stroke-width': 1.8, 'stroke-dasharray': s.dash, fill: 'none', 'stroke-linejoin': 'round', class: 'series' }));
    // A curve of one point (a 1-epoch run) has no length: mark its points so they show. Dashed
    // series get hollow marks, so train and validation stay apart.
    const n = Math.min(s.x.length, s.y.length);
    if (n > 0 && n <= 2) {
      const marks = Array.from({ length: n }, (_, k) => k).filter((k) => Number.isFinite(s.x[k]) && drawable(s.y[k]))
        .map((k) => el('circle', { cx: x(s.x[k]), cy: y(s.y[k]), r: 3.5, fill: s.dash ? '#ffffff' : color, stroke: color, 'stroke-width': 1.5 })).join('');
      if (marks) parts.push(el('g', { class: 'points' }, marks));
    }
  });
  if (showLegend) parts.push(legend(items, frame.right - legendSize(items).width - 6, frame.top + 6));
  return makeFigure(width, height, parts.join(''), opts.title);
}
