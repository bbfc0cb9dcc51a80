// Affine warps and rotations of CHW images, as torchvision 0.14 does them on tensors: the inverse
// matrix of functional.py's _get_inverse_affine_matrix, a float32 sampling grid
// (functional_tensor's _gen_affine_grid) and grid_sample with zero padding and
// align_corners=False. Every float32 step is replayed with fround; see the golden test for how
// close to torchvision the sampled source pixels come.
import { type Image, type ImageData, checkImage, emptyLike, isUint8 } from '../image.js';
import { f32, roundHalfEven } from './numeric.js';

/** How a warp reads between pixels: torchvision's InterpolationMode values that tensors support. */
export type Interpolation = 'nearest' | 'bilinear';

/** The value of pixels that come from outside the input: none (zeros), one number, or one per channel. */
export type Fill = number | readonly number[] | null;

// CPython's math.radians and math.degrees multiply by these constants.
const DEG_TO_RAD = Math.PI / 180;
const RAD_TO_DEG = 180 / Math.PI;

/** Radians to degrees exactly as Python's math.degrees. */
export const degrees = (x: number): number => x * RAD_TO_DEG;

/** Degrees to radians exactly as Python's math.radians. */
export const radians = (x: number): number => x * DEG_TO_RAD;

/**
 * The 2x3 matrix of an affine map about `center` (pixel coordinates relative to the image
 * centre), inverted by default: output pixel -> input pixel, as grid sampling needs it.
 * torchvision's _get_inverse_affine_matrix, line for line.
 */
export function getInverseAffineMatrix(center: readonly [number, number], angle: number, translate: readonly [number, number], scale: number, shear: readonly [number, number], inverted = true): number[] {
  const rot = radians(angle);
  const sx = radians(shear[0]);
  const sy = radians(shear[1]);
  const [cx, cy] = center;
  const [tx, ty] = translate;
  const a = Math.cos(rot - sy) / Math.cos(sy);
  const b = (-Math.cos(rot - sy) * Math.tan(sx)) / Math.cos(sy) - Math.sin(rot);
  const c = Math.sin(rot - sy) / Math.cos(sy);
  const d = (-Math.sin(rot - sy) * Math.tan(sx)) / Math.cos(sy) + Math.cos(rot);
  let m: number[];
  if (inverted) {
    m = [d, -b, 0, -c, a, 0].map((x) => x / scale);
    m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty);
    m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty);
    m[2] += cx;
    m[5] += cy;
  } else {
    m = [a, b, 0, c, d, 0].map((x) => x * scale);
    m[2] += m[0] * -cx + m[1] * -cy;
    m[5] += m[3] * -cx + m[4] * -cy;
    m[2] += cx + tx;
    m[5] += cy + ty;
  }
  return m;
}

/** Options of affine(): torchvision's F.affine arguments. */
export interface AffineOptions {
  /** Rotation in degrees, clockwise. */
  angle: number;
  /** Horizontal and vertical translation in pixels (after rotation). */
  translate: readonly [number, number];
  /** Overall scale (> 0). */
  scale: number;
  /** Shear in degrees: one value (x only) or [x, y]. */
  shear: number | readonly [number] | readonly [number, number];
  interpolation?: Interpolation;
  fill?: Fill;
  /** Centre of the map in pixels from the top-left corner; defaults to the image centre. */
  center?: readonly [number, number];
}

/** Applies an affine map keeping the image size; torchvision's F.affine on a tensor. */
export function affine<I extends Image>(img: I, options: AffineOptions): I {
  checkImage(img, 'affine');
  const { angle, translate, scale, shear, interpolation = 'nearest', fill = null, center } = options;
  if (typeof angle !== 'number' || !Number.isFinite(angle)) throw new TypeError(`affine: angle must be a finite number, got ${angle}`);
  if (!Array.isArray(translate) || translate.length !== 2) throw new TypeError(`affine: translate must be [x, y], got ${JSON.stringify(translate)}`);
  if (!(scale > 0)) throw new RangeError(`affine: scale must be positive, got ${scale}`);
  const sh: [number, number] = typeof shear === 'number' ? [shear, 0] : shear.length === 1 ? [shear[0], shear[0]] : [shear[0], (shear as readonly [number, number])[1]];
  const centerF: [number, number] = center === undefined ? [0, 0] : [center[0] - img.width * 0.5, center[1] - img.height * 0.5];
  const matrix = getInverseAffineMatrix(centerF, angle, [translate[0], translate[1]], scale, sh);
  return gridTransform(img, matrix, img.width, img.height, interpolation, fill, 'affine');
}

/** Options of rotate(): torchvision's F.rotate arguments. */
export interface RotateOptions {
  interpolation?: Interpolation;
  /** Grow the output to hold the whole rotated image (rotation about the centre only). */
  expand?: boolean;
  /** Centre of rotation in pixels from the top-left corner; defaults to the image centre. */
  center?: readonly [number, number];
  fill?: Fill;
}

/** Rotates by `angle` degrees counter-clockwise; torchvision's F.rotate on a tensor. */
export function rotate<I extends Image>(img: I, angle: number, { interpolation = 'nearest', expand = false, center, fill = null }: RotateOptions = {}): I {
  checkImage(img, 'rotate');
  if (typeof angle !== 'number' || !Number.isFinite(angle)) throw new TypeError(`rotate: angle must be a finite number, got ${angle}`);
  const centerF: [number, number] = center === undefined ? [0, 0] : [center[0] - img.width * 0.5, center[1] - img.height * 0.5];
  // torchvision negates the angle here: affine's angle is clockwise, rotate's counter-clockwise.
  const matrix = getInverseAffineMatrix(centerF, -angle, [0, 0], 1, [0, 0]);
  const [ow, oh] = expand ? expandedSize(matrix, img.width, img.height) : [img.width, img.height];
  return gridTransform(img, matrix, ow, oh, interpolation, fill, 'rotate');
}

// torchvision's _compute_affine_output_size: the bounding box of the mapped corners, with the
// coordinates truncated to 1e-4 so that 64.00000001 does not round up to 65.
function expandedSize(matrix: number[], w: number, h: number): [number, number] {
  const corners = [[-0.5 * w, -0.5 * h], [-0.5 * w, 0.5 * h], [0.5 * w, 0.5 * h], [0.5 * w, -0.5 * h]];
  const t = matrix.map(f32);
  const xs = corners.map(([x, y]) => f32(f32(f32(x * t[0]) + f32(y * t[1])) + t[2]));
  const ys = corners.map(([x, y]) => f32(f32(f32(x * t[3]) + f32(y * t[4])) + t[5]));
  const tol = 1e-4;
  const size = (vs: number[], half: number) =>
    Math.ceil(Math.trunc(f32(Math.max(...vs) + half) / tol) * tol) - Math.floor(Math.trunc(f32(Math.min(...vs) + half) / tol) * tol);
  return [size(xs, w * 0.5), size(ys, h * 0.5)];
}

function fillValues(img: Image, fill: Fill, where: string): number[] | null {
  if (fill === null || fill === undefined) return null;
  const values = typeof fill === 'number' ? [fill] : [...fill];
  if (values.length === 0 || (values.length > 1 && values.length !== img.channels) || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new TypeError(`${where}: fill must be a number or one number per channel (${img.channels}), got ${JSON.stringify(fill)}`);
  }
  return Array.from({ length: img.channels }, (_, c) => values[values.length === 1 ? 0 : c]);
}

// The float32 sampling grid of _gen_affine_grid for an output of ow x oh and an input of w x h:
// theta^T / [0.5 w, 0.5 h] (the grid is normalized to [-1, 1] after the matrix is applied), and
// grid_sample's unnormalization for align_corners=False, ((g + 1) * size / 2) - 0.5.
interface Grid {
  ax: number; bx: number; cx: number;
  ay: number; by: number; cy: number;
  sw: number; sh: number;
  w: number; h: number; ow: number; oh: number;
  // f32(x * ax) and f32(x * ay) of each output column's centre x = j - ow/2 + 0.5 (exact).
  colX: Float64Array; colY: Float64Array;
}

function makeGrid(matrix: number[], w: number, h: number, ow: number, oh: number): Grid {
  const t = matrix.map(f32);
  const hw = f32(0.5 * w);
  const hh = f32(0.5 * h);
  const g: Grid = {
    ax: f32(t[0] / hw), bx: f32(t[1] / hw), cx: f32(t[2] / hw),
    ay: f32(t[3] / hh), by: f32(t[4] / hh), cy: f32(t[5] / hh),
    sw: f32(w / 2), sh: f32(h / 2), w, h, ow, oh,
    colX: new Float64Array(ow), colY: new Float64Array(ow),
  };
  for (let j = 0; j < ow; j++) {
    g.colX[j] = f32((j - ow * 0.5 + 0.5) * g.ax);
    g.colY[j] = f32((j - ow * 0.5 + 0.5) * g.ay);
  }
  return g;
}

// Nearest sampling without rotation or shear (a translation): the column decides x and the row
// decides y, with the very same float32 steps (the zero terms add nothing), so ow + oh
// evaluations replace ow * oh. Returns the input column of each output column and the input row
// of each output row (-1 outside), or null when the map has rotation or shear.
function separableAxes(g: Grid): { xs: Int32Array; ys: Int32Array } | null {
  if (g.ay !== 0 || g.bx !== 0) return null;
  const { ow, oh, w, h, by, cx, cy, sw, sh, colX, colY } = g;
  const xs = new Int32Array(ow);
  const ys = new Int32Array(oh);
  for (let j = 0; j < ow; j++) {
    const nx = roundHalfEven(f32(f32(f32(f32(colX[j] + cx) + 1) * sw) - 0.5));
    xs[j] = nx > -1 && nx < w ? nx : -1;
  }
  for (let i = 0; i < oh; i++) {
    const ny = roundHalfEven(f32(f32(f32(f32(f32(colY[0] + f32((i - oh * 0.5 + 0.5) * by)) + cy) + 1) * sh) - 0.5));
    ys[i] = ny > -1 && ny < h ? ny : -1;
  }
  return { xs, ys };
}

// The integer offset d with axis[k] = k - d (or -1 where that is outside 0..n-1), if there is one.
function integerShift(axis: Int32Array, n: number): number | null {
  let d: number | null = null;
  for (let k = 0; k < axis.length; k++) {
    if (axis[k] >= 0) {
      d = k - axis[k];
      break;
    }
  }
  if (d === null) d = axis.length;
  for (let k = 0; k < axis.length; k++) {
    const want = k - d >= 0 && k - d < n ? k - d : -1;
    if (axis[k] !== want) return null;
  }
  return d;
}

// A whole-pixel translation by (dx, dy) of a same-size image: one block copy per channel, then
// the columns that wrapped around from the neighbouring row are filled. Same bytes as the gather.
function shiftPlanes(d: ImageData, o: ImageData, channels: number, h: number, w: number, dx: number, dy: number, fills: number[]): void {
  const plane = h * w;
  const shift = dy * w + dx;
  for (let ch = 0; ch < channels; ch++) {
    const base = ch * plane;
    const fill = fills[ch];
    o.fill(fill, base, base + plane);
    const from = Math.max(0, shift);
    const to = Math.min(plane, plane + shift);
    if (to > from) o.set(d.subarray(base + from - shift, base + to - shift), base + from);
    const [c0, c1] = dx > 0 ? [0, Math.min(dx, w)] : [Math.max(w + dx, 0), w];
    if (c1 > c0) for (let row = base; row < base + plane; row += w) for (let x = c0; x < c1; x++) o[row + x] = fill;
  }
}

// Input pixel index (y * w + x) that nearest sampling reads for every output pixel, -1 outside.
// The grid is a float32 bmm of [x, y, 1] with the scaled matrix, summed left to right; rounding is
// half to even (nearbyint), as libtorch's grid_sample.
function nearestSources(g: Grid, axes: { xs: Int32Array; ys: Int32Array } | null): Int32Array {
  const { ow, oh, w, h, bx, by, cx, cy, sw, sh, colX, colY } = g;
  const source = new Int32Array(ow * oh);
  if (axes !== null) {
    for (let i = 0, q = 0; i < oh; i++) {
      const ny = axes.ys[i];
      for (let j = 0; j < ow; j++, q++) source[q] = ny >= 0 && axes.xs[j] >= 0 ? ny * w + axes.xs[j] : -1;
    }
    return source;
  }
  for (let i = 0; i < oh; i++) {
    const yb = i - oh * 0.5 + 0.5;
    const ybx = f32(yb * bx);
    const yby = f32(yb * by);
    for (let j = 0, q = i * ow; j < ow; j++, q++) {
      const gx = f32(f32(colX[j] + ybx) + cx);
      const gy = f32(f32(colY[j] + yby) + cy);
      const nx = roundHalfEven(f32(f32(f32(gx + 1) * sw) - 0.5));
      const ny = roundHalfEven(f32(f32(f32(gy + 1) * sh) - 0.5));
      source[q] = nx > -1 && nx < w && ny > -1 && ny < h ? ny * w + nx : -1;
    }
  }
  return source;
}

// Nearest-neighbour gather of every channel through the source map (-1: outside, the channel's fill).
// Written once per element type on purpose: each copy's inner loop sees a single typed-array kind,
// which V8 compiles to a plain load and store; one function fed both kinds would carry a type check
// per pixel on the augmentation hot path.
function gatherBytes(d: Uint8Array, o: Uint8Array, source: Int32Array, channels: number, plane: number, fills: number[]): void {
  const oplane = source.length;
  for (let ch = 0; ch < channels; ch++) {
    const fill = fills[ch];
    for (let q = 0, src = ch * plane, dst = ch * oplane; q < oplane; q++) {
      const p = source[q];
      o[dst + q] = p < 0 ? fill : d[src + p];
    }
  }
}

function gatherFloats(d: Float32Array, o: Float32Array, source: Int32Array, channels: number, plane: number, fills: number[]): void {
  const oplane = source.length;
  for (let ch = 0; ch < channels; ch++) {
    const fill = fills[ch];
    for (let q = 0, src = ch * plane, dst = ch * oplane; q < oplane; q++) {
      const p = source[q];
      o[dst + q] = p < 0 ? fill : d[src + p];
    }
  }
}

function sampleBilinear(d: ImageData, o: ImageData, g: Grid, channels: number, fills: number[] | null, round: boolean): void {
  const { ow, oh, w, h, bx, by, cx, cy, sw, sh, colX, colY } = g;
  const plane = w * h;
  const oplane = ow * oh;
  const wts = new Float64Array(4);
  const xsN = new Int32Array(4);
  const ysN = new Int32Array(4);
  for (let i = 0; i < oh; i++) {
    const yb = i - oh * 0.5 + 0.5;
    const ybx = f32(yb * bx);
    const yby = f32(yb * by);
    for (let j = 0; j < ow; j++) {
      const gx = f32(f32(colX[j] + ybx) + cx);
      const gy = f32(f32(colY[j] + yby) + cy);
      const ix = f32(f32(f32(gx + 1) * sw) - 0.5);
      const iy = f32(f32(f32(gy + 1) * sh) - 0.5);
      const q = i * ow + j;
      // The four neighbours, each weighted by the opposite area; outside ones count 0.
      const x0 = Math.floor(ix);
      const y0 = Math.floor(iy);
      const fx = f32(ix - x0);
      const fy = f32(iy - y0);
      const ex = f32(1 - fx);
      const ey = f32(1 - fy);
      wts[0] = f32(ey * ex); wts[1] = f32(ey * fx); wts[2] = f32(fy * ex); wts[3] = f32(fy * fx);
      xsN[0] = x0; xsN[1] = x0 + 1; xsN[2] = x0; xsN[3] = x0 + 1;
      ysN[0] = y0; ysN[1] = y0; ysN[2] = y0 + 1; ysN[3] = y0 + 1;
      let mask = 0;
      for (let k = 0; k < 4; k++) if (xsN[k] >= 0 && xsN[k] < w && ysN[k] >= 0 && ysN[k] < h) mask = f32(mask + wts[k]);
      for (let ch = 0; ch < channels; ch++) {
        let v = 0;
        for (let k = 0; k < 4; k++) {
          if (xsN[k] < 0 || xsN[k] >= w || ysN[k] < 0 || ysN[k] >= h) continue;
          // GCC fuses libtorch's nw*v + ne*v + ... into FMAs: one rounding per term (the product
          // of a byte and a float32 weight is exact in float64, so this is a float32 FMA).
          v = f32(v + d[ch * plane + ysN[k] * w + xsN[k]] * wts[k]);
        }
        // A fill blends in where the sampled ones-mask is below 1 (torchvision's mask channel).
        if (fills !== null) v = f32(f32(v * mask) + f32(f32(1 - mask) * fills[ch]));
        o[ch * oplane + q] = round ? Math.min(255, Math.max(0, roundHalfEven(v))) : v;
      }
    }
  }
}

// Samples `img` at the inverse-mapped position of every output pixel: grid_sample(mode,
// padding_mode='zeros', align_corners=False) on the float32 grid of _gen_affine_grid.
function gridTransform<I extends Image>(img: I, matrix: number[], ow: number, oh: number, interpolation: Interpolation, fill: Fill, where: string): I {
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') {
    throw new TypeError(`${where}: interpolation must be 'nearest' or 'bilinear' for tensor images, got ${JSON.stringify(interpolation)}`);
  }
  const fills = fillValues(img, fill, where);
  const { channels: c, height: h, width: w } = img;
  const grid = makeGrid(matrix, w, h, ow, oh);
  const out = emptyLike(img, { height: oh, width: ow }) as I;
  const round = isUint8(img);
  if (interpolation === 'bilinear') {
    sampleBilinear(img.data, out.data, grid, c, fills, round);
    return out;
  }
  // Nearest sampling copies the fill as the image's type stores it: torch.round, then the cast.
  const nearestFills = fills === null ? new Array<number>(c).fill(0) : fills.map((v) => (round ? Math.min(255, Math.max(0, roundHalfEven(f32(v)))) : f32(v)));
  const axes = separableAxes(grid);
  if (axes !== null && ow === w && oh === h) {
    const dx = integerShift(axes.xs, w);
    const dy = integerShift(axes.ys, h);
    if (dx !== null && dy !== null) {
      shiftPlanes(img.data, out.data, c, h, w, dx, dy, nearestFills);
      return out;
    }
  }
  const source = nearestSources(grid, axes);
  if (round) gatherBytes(img.data as Uint8Array, out.data as Uint8Array, source, c, w * h, nearestFills);
  else gatherFloats(img.data as Float32Array, out.data as Float32Array, source, c, w * h, nearestFills);
  return out;
}
