// Line charts with several series and marked horizontal lines: the notebook's loss, accuracy and
// learning-rate panels, with the label-smoothing loss floor drawn as a reference line.
import { axes, makeFrame, frameScales, type XYChartOptions } from './axis.js';
import { categoryColor } from './colors.js';
import { legend, legendSize, type LegendItem } from './legend.js';
import { extent, niceDomain } from './scale.js';
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
  const ys = extent([...opts.series.flatMap((s) => Array.from(s.y)), ...hlines.map((h) => h.y)]);
  const xDomain = opts.xDomain ?? (xs ? [xs[0], xs[1] === xs[0] ? xs[0] + 1 : xs[1]] as [number, number] : [0, 1] as [number, number]);
  const yDomain = opts.yDomain ?? (ys ? niceDomain(ys[0], ys[1]) : [0, 1] as [number, number]);
  const { x, y } = frameScales(frame, xDomain, yDomain);
  const parts = [axes(frame, x, y, { title: opts.title, xLabel: opts.xLabel, yLabel: opts.yLabel, yFormat: opts.yFormat })];
  for (const h of hlines) {
    const color = h.color ?? '#555555';
    parts.push(el('path', { d: `M${num(frame.left)} ${num(y(h.y))}H${num(frame.right)}`, stroke: color, 'stroke-dasharray': '2 3', 'stroke-width': 1.5, fill: 'none', class: 'hline' }));
    if (h.label) parts.push(text(frame.right - 4, y(h.y) - 4, fitText(h.label, (frame.right - frame.left) / 2, THEME.smallSize), { anchor: 'end', size: THEME.smallSize, fill: color }));
  }
  opts.series.forEach((s, i) => {
    const d = pathData(s.x, s.y, x, y);
    if (d) parts.push(el('path', { d, stroke: s.color ?? categoryColor(i), 'stroke-width': 1.8, 'stroke-dasharray': s.dash, fill: 'none', 'stroke-linejoin': 'round', class: 'series' }));
  });
  if (opts.legend ?? opts.series.length > 1) {
    const items: LegendItem[] = opts.series.map((s, i) => ({ label: s.name, color: s.color ?? categoryColor(i), dash: s.dash }));
    parts.push(legend(items, frame.right - legendSize(items).width - 6, frame.top + 6));
  }
  return makeFigure(width, height, parts.join(''), opts.title);
}
