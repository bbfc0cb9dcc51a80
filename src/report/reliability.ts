// Reliability diagrams (Guo et al. 2017): per confidence bin, the accuracy of the predictions in it,
// against the diagonal of perfect calibration; the gap to the bin's mean confidence is shaded and
// each bin's count is written above it, so near-empty bins are not over-read.
import { axes, frameScales, makeFrame } from './axis.js';
import { escapeHtml } from './escape.js';
import { el, fitText, makeFigure, num, text, textWidth, type Figure } from './svg.js';

/** One confidence bin: its edges, how many predictions fell in it, their accuracy and mean confidence (0..1). */
export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  accuracy: number;
  confidence: number;
}

/** Options of `reliabilityDiagram`. */
export interface ReliabilityOptions {
  bins: ReliabilityBin[];
  /** Expected calibration error (0..1), shown in the title. */
  ece?: number;
  title?: string;
  width?: number;
  height?: number;
  color?: string;
}

/** Formats a fraction as a percentage with one decimal ("3.2%"). */
export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : 'n/a';
}

// A bin's count, written upward inside its bar when the bar is tall enough, else above the bar and
// its gap (`above`: the higher of the two tops), so it never sits on either; sideways when the bins
// are too narrow for the number.
function countLabel(count: number, cx: number, barTop: number, base: number, binWidth: number, above = barTop): string {
  const label = String(count);
  const size = 9;
  const long = textWidth(label, size);
  const upright = long + 4 <= binWidth;
  const need = (upright ? size : long) + 6;
  const inside = base - barTop >= need;
  const fill = inside ? '#ffffff' : '#444444';
  if (upright) return text(cx, inside ? base - 4 : above - 4, label, { anchor: 'middle', size, fill });
  return text(cx, inside ? base - 4 : above - 4, label, { rotate: -90, baseline: 'middle', size, fill });
}

/** Builds a reliability diagram: accuracy bars per bin, the gap to confidence, the diagonal and counts. */
export function reliabilityDiagram(opts: ReliabilityOptions): Figure {
  const width = opts.width ?? 340;
  const height = opts.height ?? 340;
  // The user's title is shortened first, so the ECE always stays readable.
  const ece = opts.ece !== undefined ? `ECE ${percent(opts.ece)}` : undefined;
  const head = opts.title ? fitText(opts.title, width - 30 - textWidth(ece ? `${ece} · ` : '', 14), 14) : undefined;
  const title = [head, ece].filter(Boolean).join(' · ');
  const frame = makeFrame(width, height, { top: title ? 34 : 12, right: 18, bottom: 44, left: 52 });
  const { x, y } = frameScales(frame, [0, 1], [0, 1]);
  const color = opts.color ?? '#1f77b4';
  const parts = [axes(frame, x, y, { title, xLabel: 'confidence', yLabel: 'accuracy', xTicks: 5, yTicks: 5 })];
  const bins = opts.bins.filter((b) => b.count > 0 && Number.isFinite(b.accuracy));
  for (const b of bins) {
    const x0 = x(b.lower);
    const w = Math.max(0.5, x(b.upper) - x0 - 1);
    const tip = `${num(b.lower)}–${num(b.upper)}: ${b.count} predictions, accuracy ${percent(b.accuracy)}, confidence ${percent(b.confidence)}`;
    parts.push(el('rect', { x: x0 + 0.5, y: y(b.accuracy), width: w, height: y(0) - y(b.accuracy), fill: color, 'fill-opacity': 0.85, class: 'bin' }, el('title', {}, escapeHtml(tip))));
    if (Number.isFinite(b.confidence)) {
      // The gap between accuracy and confidence: above the bar when over-confident.
      const [top, bottom] = b.confidence > b.accuracy ? [y(b.confidence), y(b.accuracy)] : [y(b.accuracy), y(b.confidence)];
      parts.push(el('rect', { x: x0 + 0.5, y: top, width: w, height: bottom - top, fill: '#d62728', 'fill-opacity': 0.3, stroke: '#d62728', 'stroke-opacity': 0.6, class: 'gap' }));
    }
    const gapTop = Number.isFinite(b.confidence) ? Math.min(y(b.confidence), y(b.accuracy)) : y(b.accuracy);
    parts.push(countLabel(b.count, x0 + w / 2 + 0.5, y(b.accuracy), y(0), w, gapTop));
  }
  parts.push(el('path', { d: `M${num(x(0))} ${num(y(0))}L${num(x(1))} ${num(y(1))}`, stroke: '#555555', 'stroke-dasharray': '4 3', fill: 'none', class: 'diagonal' }));
  return makeFigure(width, height, parts.join(''), title);
}
