// Python's repr of the values extraRepr() shows, so that a module prints as PyTorch prints it.

/** True / False. */
export const pyBool = (b: boolean): string => (b ? 'True' : 'False');

/** A Python float's repr: 2.0, 0.01, 1e-05, 1e+16 (JS writes 2, 0.01, 0.00001, 10000000000000000). */
export function pyFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  const abs = Math.abs(x);
  // Python switches to exponent notation below 1e-4 and from 1e16 on.
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) return x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/** A tuple of integers: (3,) or (3, 3). */
export const pyTuple = (v: readonly number[]): string => (v.length === 1 ? `(${v[0]},)` : `(${v.join(', ')})`);
