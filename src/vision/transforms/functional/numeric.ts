// Float32 arithmetic as libtorch does it. torchvision's uint8 kernels compute in float32 and cast
// back with truncation; JS numbers are float64, so every float32 operation is followed by
// Math.fround. A product or sum of two float32 values is exact in float64, so rounding it once
// with fround gives the float32 result bit for bit.

/** Rounds to the nearest float32 (alias of Math.fround, kept short for the kernels). */
export const f32 = Math.fround;

/** Rounds half to even, as libtorch's torch.round and nearbyint do (Math.round rounds half up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** clamp(0, 255) then a C cast to uint8 (truncation): how torchvision turns float32 results into bytes. */
export function clampTruncU8(x: number): number {
  return x <= 0 ? 0 : x >= 255 ? 255 : x | 0;
}

/** clamp(0, 1) of a float32 value (torchvision's bound for float images). */
export function clampUnit(x: number): number {
  return x <= 0 ? 0 : x >= 1 ? 1 : x;
}

// The bits of a float64, for fmaf's midpoint test.
const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);

/**
 * fma(a, b, c) of float32 values, rounded once to float32: the fused multiply-add GCC contracts
 * libtorch's AVX2 kernels into. a * b is exact in float64; the float64 sum may round, and
 * rounding that again to float32 differs from one rounding only when it lands exactly halfway
 * between two float32 values, so that case is settled with the sum's exact error (TwoSum).
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = f32(s);
  const v = s - p;
  const e = p - (s - v) + (c - v);
  if (e === 0 || r === s) return r;
  F64[0] = s;
  // Halfway: of the 29 mantissa bits float32 drops, only the top one is set (little-endian low word).
  if ((U32[0] & 0x1fffffff) !== 0x10000000 || Math.abs(s) < 2 ** -126) return r;
  return (e > 0) === (r > s) ? r : 2 * s - r;
}

// Sleef's expf constants (sleefsimdsp.c): ln 2 split into a high and a low part, and the
// minimax polynomial, all float32.
const R_LN2F = f32(1.442695040888963407359924681001892137426645954152985934135449406931);
const L2UF = f32(0.693145751953125);
const L2LF = f32(1.428606765330187045e-6);
const EXP_POLY = [0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359, 0.0416664853692054748535156, 0.166666671633720397949219, 0.5].map(f32);

/**
 * torch.exp of a float32 on the CPU: Sleef_expf8_u10, the vectorized exp libtorch's AVX2 build
 * calls for every element (not correctly rounded: it differs from f32(Math.exp) on ~6% of inputs).
 */
export function expf(x: number): number {
  const d = f32(x);
  if (d < -104) return 0;
  if (d > 100) return Infinity;
  const q = roundHalfEven(f32(d * R_LN2F));
  let s = fmaf(q, -L2UF, d);
  s = fmaf(q, -L2LF, s);
  let u = EXP_POLY[0];
  for (let k = 1; k < EXP_POLY.length; k++) u = fmaf(u, s, EXP_POLY[k]);
  u = f32(1 + fmaf(f32(s * s), u, s));
  // Sleef's ldexp2: two power-of-two steps, so that q near the exponent limits does not overflow.
  const half = q >> 1;
  return f32(f32(u * 2 ** half) * 2 ** (q - half));
}

/**
 * torch.sum of a contiguous float32 vector as libtorch 1.13's AVX2 cascade_sum adds it: 8-lane
 * vectors through row_sum (4 interleaved accumulators, cascaded every 16 steps), the scalar tail,
 * then the lanes in order; below 8 values, the same row_sum over scalars. Exact below 32768
 * values, where libtorch sums in one thread (above, its split depends on the thread count).
 */
export function sumF32(x: ArrayLike<number>): number {
  const n = x.length;
  if (n < 8) return rowSum(x, n, 1)[0];
  const vectors = n >> 3;
  const lanes = rowSum(x, vectors, 8);
  let total = 0;
  for (let k = vectors * 8; k < n; k++) total = f32(total + x[k]);
  for (let l = 0; l < 8; l++) total = f32(total + lanes[l]);
  return total;
}

// libtorch's row_sum over `rows` elements of `lanes` values each (lanes 8: one AVX2 vector):
// element 4g + k goes to accumulator k, the last rows % 4 to accumulator 0, then 1..3 into 0.
function rowSum(x: ArrayLike<number>, rows: number, lanes: number): Float64Array {
  const groups = rows >> 2;
  const acc = multiRowSum(x, groups, lanes);
  for (let r = groups * 4; r < rows; r++) for (let l = 0; l < lanes; l++) acc[l] = f32(acc[l] + x[r * lanes + l]);
  for (let k = 1; k < 4; k++) for (let l = 0; l < lanes; l++) acc[l] = f32(acc[l] + acc[k * lanes + l]);
  return acc.subarray(0, lanes);
}

// libtorch's multi_row_sum: `size` steps of 4 * lanes values into level 0, each level carried
// into the next every 2^levelPower steps (4 levels), the levels added up at the end.
function multiRowSum(x: ArrayLike<number>, size: number, lanes: number): Float64Array {
  const width = 4 * lanes;
  const ceilLog2 = size <= 2 ? 1 : Math.floor(Math.log2(size - 1)) + 1;
  const levelPower = Math.max(4, Math.floor(ceilLog2 / 4));
  const levelStep = 2 ** levelPower;
  const levelMask = levelStep - 1;
  const acc = [0, 1, 2, 3].map(() => new Float64Array(width));
  const load = (step: number) => {
    const base = step * width;
    const a = acc[0];
    for (let m = 0; m < width; m++) a[m] = f32(a[m] + x[base + m]);
  };
  let i = 0;
  while (i + levelStep <= size) {
    for (let j = 0; j < levelStep; j++, i++) load(i);
    for (let j = 1; j < 4; j++) {
      const [lo, hi] = [acc[j - 1], acc[j]];
      for (let m = 0; m < width; m++) {
        hi[m] = f32(hi[m] + lo[m]);
        lo[m] = 0;
      }
      if ((i & (levelMask * 2 ** (j * levelPower))) !== 0) break;
    }
  }
  for (; i < size; i++) load(i);
  for (let j = 1; j < 4; j++) for (let m = 0; m < width; m++) acc[0][m] = f32(acc[0][m] + acc[j][m]);
  return acc[0];
}
