// Image grids: sample (and augmented) images with their class names, each embedded as a PNG data
// URI so the SVG and the report stay single self-contained files.
import { encodePng } from '../log/png.js';
import { el, fitText, makeFigure, text, THEME, type Figure } from './svg.js';

/** One HWC uint8 image (1, 3 or 4 channels) with an optional caption, usually its class name. */
export interface GridImage {
  pixels: Uint8Array | ArrayLike<number>;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  caption?: string;
}

/** Options of `imageGrid`. */
export interface ImageGridOptions {
  images: GridImage[];
  title?: string;
  /** Images per row (default: up to 8). */
  columns?: number;
  /** Displayed size of an image's longer side, in pixels (default 80: 28x28 digits at about 3x). */
  size?: number;
}

/** Encodes an image as a `data:image/png;base64,...` URI. */
export function pngDataUri(image: GridImage): string {
  const expected = image.width * image.height * image.channels;
  if (image.pixels.length !== expected) {
    throw new RangeError(`imageGrid: image has ${image.pixels.length} values, expected ${image.width}x${image.height}x${image.channels} = ${expected}`);
  }
  // Uint8Array.from rounds nothing: clamp and round so float pixels cannot wrap around.
  const bytes = image.pixels instanceof Uint8Array ? image.pixels : Uint8Array.from(image.pixels, (v) => Math.min(255, Math.max(0, Math.round(v))));
  return `data:image/png;base64,${encodePng(bytes, image.width, image.height, image.channels).toString('base64')}`;
}

/** Builds a grid of images with captions below them. */
export function imageGrid(opts: ImageGridOptions): Figure {
  const n = opts.images.length;
  const columns = Math.max(1, Math.min(n || 1, opts.columns ?? 8));
  const rows = Math.ceil(n / columns);
  const size = opts.size ?? 80;
  const captions = opts.images.some((i) => i.caption);
  const cellW = size + 12;
  const cellH = size + (captions ? 22 : 8);
  const top = opts.title ? 30 : 6;
  const width = Math.max(columns * cellW + 8, opts.title ? Math.min(560, opts.title.length * 8 + 20) : 0);
  const height = top + rows * cellH + 4;
  const parts: string[] = [];
  if (opts.title) parts.push(text(width / 2, 19, opts.title, { anchor: 'middle', size: THEME.titleSize, weight: 'bold' }));
  opts.images.forEach((image, i) => {
    const scale = size / Math.max(image.width, image.height);
    const [w, h] = [image.width * scale, image.height * scale];
    const x = 4 + (i % columns) * cellW + (cellW - w) / 2;
    const y = top + Math.floor(i / columns) * cellH + (size - h) / 2;
    // Nearest-neighbour upscaling keeps 28x28 and 32x32 pixels crisp: the CSS property for
    // browsers, the SVG 1.1 attribute for resvg.
    parts.push(el('image', { x, y, width: w, height: h, href: pngDataUri(image), preserveAspectRatio: 'none', 'image-rendering': 'optimizeSpeed', style: 'image-rendering:pixelated' }));
    if (image.caption) parts.push(text(4 + (i % columns) * cellW + cellW / 2, top + Math.floor(i / columns) * cellH + size + 14, fitText(image.caption, cellW - 4, THEME.smallSize), { anchor: 'middle', size: THEME.smallSize }));
  });
  return makeFigure(width, height, parts.join(''), opts.title);
}
