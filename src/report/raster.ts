// SVG to PNG with resvg (a Rust SVG renderer shipped as prebuilt Node binaries): no browser, no
// Cairo. Loaded lazily so that importing smoothlab does not load a native module it may not need.
import { existsSync } from 'node:fs';

// resvg maps the generic `sans-serif` through `defaultFontFamily`; left unset it takes the first
// system font, which may be a serif. These are the common sans families, by file, per platform.
const SANS_CANDIDATES: [family: string, files: string[]][] = [
  ['DejaVu Sans', ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', '/usr/share/fonts/TTF/DejaVuSans.ttf', '/usr/share/fonts/dejavu/DejaVuSans.ttf', '/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf']],
  ['Liberation Sans', ['/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf', '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf', '/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf']],
  ['Noto Sans', ['/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf', '/usr/share/fonts/noto/NotoSans-Regular.ttf']],
  ['FreeSans', ['/usr/share/fonts/truetype/freefont/FreeSans.ttf']],
  ['Helvetica', ['/System/Library/Fonts/Helvetica.ttc']],
  ['Arial', ['/Library/Fonts/Arial.ttf', '/System/Library/Fonts/Supplemental/Arial.ttf', 'C:\\Windows\\Fonts\\arial.ttf']],
];

let sansFamily: string | null | undefined;

/** The installed sans-serif family resvg should use for `font-family="sans-serif"`, or null if none is known. */
export function systemSansFamily(): string | null {
  if (sansFamily === undefined) sansFamily = SANS_CANDIDATES.find(([, files]) => files.some((f) => existsSync(f)))?.[0] ?? null;
  return sansFamily;
}

/** Options of `svgToPng`. */
export interface PngOptions {
  /** Pixels per SVG unit (default 2: crisp on high-density screens and in print). */
  scale?: number;
}

async function render(svg: string, opts: PngOptions) {
  const { Resvg } = await import('@resvg/resvg-js');
  const family = systemSansFamily();
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: opts.scale ?? 2 },
    font: { loadSystemFonts: true, ...(family ? { defaultFontFamily: family, sansSerifFamily: family } : {}) },
  });
  return resvg.render();
}

/** Renders an SVG document to PNG bytes with resvg and the system's fonts. */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Buffer> {
  return (await render(svg, opts)).asPng();
}

/** Renders an SVG document to RGBA pixels (HWC, 4 channels), for example to log a figure to TensorBoard. */
export async function svgToRgba(svg: string, opts: PngOptions = {}): Promise<{ pixels: Uint8Array; width: number; height: number; channels: 4 }> {
  const image = await render(svg, opts);
  return { pixels: new Uint8Array(image.pixels), width: image.width, height: image.height, channels: 4 };
}
