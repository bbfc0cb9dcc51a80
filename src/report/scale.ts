// Linear scales with "nice" ticks (steps of 1, 2 or 5 times a power of ten), as matplotlib's
// default locator picks them, so axes read like the notebook's.

/** Maps a data interval onto a pixel interval; `ticks` gives round values inside the domain. */
export interface LinearScale {
  (value: number): number;
  readonly domain: readonly [number, number];
  readonly range: readonly [number, number];
  /** Round tick values inside the domain (about `count` of them). */
  ticks(count?: number): number[];
  /** Formats a tick value with as many decimals as the tick step needs. */
  format(value: number, count?: number): string;
}

/** Returns the step (1, 2 or 5 times a power of ten) that cuts [lo, hi] into about `count` parts. */
export function tickStep(lo: number, hi: number, count = 5): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit >= 7.5 ? 10 : unit >= 3.5 ? 5 : unit >= 1.5 ? 2 : 1) * power;
}

/** Returns round values between lo and hi (inclusive), about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const [a, b] = lo < hi ? [lo, hi] : [hi, lo];
  const step = tickStep(a, b, count);
  const ticks: number[] = [];
  // Integer multiples of the step avoid accumulating rounding error (0.30000000000000004).
  for (let k = Math.ceil(a / step - 1e-9); k * step <= b + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Widens [lo, hi] outward to multiples of its tick step, so the axis starts and ends on a tick. */
export function niceDomain(lo: number, hi: number, count = 5): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) return lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  const step = tickStep(lo, hi, count);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** Returns [min, max] of the finite values, or undefined when there are none. */
export function extent(values: Iterable<number>): [number, number] | undefined {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/** Formats a number for a tick with the decimals its step needs; tiny or huge magnitudes use exponents. */
export function formatTick(value: number, step: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) {
    const digits = Math.max(0, Math.floor(Math.log10(magnitude)) - Math.floor(Math.log10(Math.abs(step) || magnitude)));
    return value.toExponential(Math.min(digits, 6)).replace('e+', 'e');
  }
  const decimals = Math.max(0, Math.min(10, -Math.floor(Math.log10(Math.abs(step) || 1) + 1e-9)));
  return value.toFixed(decimals);
}

/** Creates a linear scale from `domain` (data units) to `range` (pixels). */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const scale = ((v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + (v - d0) * k)) as LinearScale;
  Object.defineProperties(scale, {
    domain: { value: [d0, d1] as const },
    range: { value: [r0, r1] as const },
    ticks: { value: (count = 5) => niceTicks(d0, d1, count) },
    format: { value: (v: number, count = 5) => formatTick(v, tickStep(d0, d1, count)) },
  });
  return scale;
}

/** Whether positive values span at least `decades` powers of ten (then a log axis reads better). */
export function spansDecades(values: Iterable<number>, decades = 1): boolean {
  const e = extent([...values].filter((v) => v > 0));
  return e !== undefined && Math.log10(e[1] / e[0]) >= decades;
}

/** [lo, hi] widened outward to powers of ten (both positive). */
export function logDomain(lo: number, hi: number): [number, number] {
  return [10 ** Math.floor(Math.log10(lo) + 1e-9), 10 ** Math.ceil(Math.log10(hi) - 1e-9)];
}

/** A base-10 log scale on a positive domain: ticks at 1, 2 and 5 times powers of ten when few decades, powers alone when many. */
export function logScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const inner = linearScale([Math.log10(d0), Math.log10(d1)], range);
  const scale = ((v: number) => inner(Math.log10(v))) as LinearScale;
  const decades = Math.log10(d1 / d0);
  Object.defineProperties(scale, {
    domain: { value: [d0, d1] as const },
    range: { value: [range[0], range[1]] as const },
    ticks: {
      value: () => {
        const out: number[] = [];
        const mantissas = decades <= 2 ? [1, 2, 5] : [1];
        const every = Math.max(1, Math.ceil(decades / 6));
        for (let p = Math.floor(Math.log10(d0)); p <= Math.ceil(Math.log10(d1)); p += every) {
          for (const m of mantissas) {
            const v = Number((m * 10 ** p).toPrecision(12));
            if (v >= d0 * (1 - 1e-9) && v <= d1 * (1 + 1e-9)) out.push(v);
          }
        }
        return out;
      },
    },
    format: { value: (v: number) => (v >= 1e-3 && v < 1e6 ? String(Number(v.toPrecision(6))) : v.toExponential(0).replace('e+', 'e')) },
  });
  return scale;
}
