// SVG markup primitives shared by the chart builders: the Figure type, elements, text and numbers.
// Charts use no ids (no clipPath, no gradients), so several figures can be inlined in one HTML page.
import { escapeHtml } from './escape.js';

/** A built chart: its size in CSS pixels, its inner markup (for composing) and the complete SVG document. */
export interface Figure {
  width: number;
  height: number;
  /** The drawing without the outer <svg> element, in a 0..width x 0..height coordinate system. */
  body: string;
  /** A standalone SVG document (XML) that draws `body` on a white background. */
  svg: string;
}

/** Fonts, sizes and colors shared by every chart. */
export const THEME = {
  // A generic family: resvg maps it to an installed sans font (see fonts.ts), browsers to theirs.
  font: 'sans-serif',
  fontSize: 12,
  titleSize: 14,
  smallSize: 10,
  text: '#222222',
  axis: '#444444',
  grid: '#e3e3e3',
  background: '#ffffff',
} as const;

/** Formats a coordinate with at most two decimals; non-finite values become 0 so markup stays valid. */
export function num(v: number): string {
  if (!Number.isFinite(v)) return '0';
  return String(Math.round(v * 100) / 100);
}

type AttrValue = string | number | undefined | null | false;

/** Builds one element; attribute values are escaped, `undefined`/`null`/`false` attributes are left out. */
export function el(name: string, attrs: Record<string, AttrValue>, children?: string): string {
  let out = `<${name}`;
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    out += ` ${key}="${typeof value === 'number' ? num(value) : escapeHtml(value)}"`;
  }
  return children === undefined ? `${out}/>` : `${out}>${children}</${name}>`;
}

/** Draws escaped text; `anchor` is start, middle or end, `rotate` turns it about (x, y) in degrees. */
export function text(x: number, y: number, content: string, opts: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: string; fill?: string; rotate?: number; baseline?: 'middle' | 'hanging' } = {}): string {
  return el('text', {
    x,
    y,
    'text-anchor': opts.anchor && opts.anchor !== 'start' ? opts.anchor : undefined,
    'font-size': opts.size && opts.size !== THEME.fontSize ? opts.size : undefined,
    'font-weight': opts.weight,
    fill: opts.fill,
    // dominant-baseline is honoured by browsers and resvg alike; dy would drift between them.
    'dominant-baseline': opts.baseline === 'middle' ? 'central' : opts.baseline,
    transform: opts.rotate ? `rotate(${num(opts.rotate)} ${num(x)} ${num(y)})` : undefined,
  }, escapeHtml(content));
}

/** Estimates the width of a label in pixels (DejaVu/Arial average advance is about 0.6 em). */
export function textWidth(content: string, size: number = THEME.fontSize): number {
  return [...content].length * size * 0.6;
}

/** Shortens a label to about `maxWidth` pixels with an ellipsis, so long class or run names cannot break a layout. */
export function fitText(content: string, maxWidth: number, size: number = THEME.fontSize): string {
  const chars = [...content];
  const fits = Math.max(1, Math.floor(maxWidth / (size * 0.6)));
  return chars.length <= fits ? content : `${chars.slice(0, Math.max(1, fits - 1)).join('')}…`;
}

/** Wraps a drawing into a Figure with a standalone SVG document; `title` becomes the accessible <title>. */
export function makeFigure(width: number, height: number, body: string, title?: string): Figure {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  const svg = el('svg', {
    xmlns: 'http://www.w3.org/2000/svg',
    width: w,
    height: h,
    viewBox: `0 0 ${w} ${h}`,
    'font-family': THEME.font,
    'font-size': THEME.fontSize,
    fill: THEME.text,
    role: 'img',
  }, `${title ? el('title', {}, escapeHtml(title)) : ''}${el('rect', { width: w, height: h, fill: THEME.background })}${body}`);
  return { width: w, height: h, body, svg };
}
