// Shared test helpers: fixtures written by scripts/make_goldens.py, and closeness checks.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { torch } from '../src/index.js';

/** A tensor as the golden script stores it. */
export interface Encoded {
  dtype: torch.DType;
  shape: number[];
  data: (number | boolean)[];
}

// The fixtures are made once, by PyTorch 1.13 / torchvision 0.14 (Debian 12), and the same files
// are checked against libtorch 2.6 in the Debian 13 tier (scripts/debian13.sh): they hold there with
// the tolerances each test states, so they are not regenerated per libtorch version. A test that
// demands bit equality asks for it only on the fixtures' own libtorch (exactOnFixtureLibtorch):
// 2.x reorders some reductions (vector norms, for one), which moves results by an ulp.

/** True when the addon runs the libtorch the fixtures were made with (1.13), so bits must match. */
export const FIXTURE_LIBTORCH = torch.version.startsWith('1.13.');

/** Tolerance for a bit-exact golden: zero on the fixtures' libtorch, float32 round-off on another. */
export function exactOnFixtureLibtorch(): { rtol: number; atol: number } {
  return FIXTURE_LIBTORCH ? { rtol: 0, atol: 0 } : { rtol: 1e-5, atol: 1e-6 };
}

/** Asserts two numbers equal within exactOnFixtureLibtorch()'s tolerance. */
export function assertNumberClose(actual: number, expected: number, what: string): void {
  const { rtol, atol } = exactOnFixtureLibtorch();
  if (rtol === 0 && atol === 0) assert.equal(actual, expected, what);
  else assert.ok(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

/** Reads test/fixtures/NAME (the source folder, not dist/). */
export function fixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Rebuilds a fixture tensor. */
export function decode(e: Encoded): torch.Tensor {
  if (e.dtype === 'int64') return torch.tensor(BigInt64Array.from(e.data, (v) => BigInt(v as number)), { shape: e.shape });
  return torch.tensor(e.data, { dtype: e.dtype, shape: e.shape });
}

/** Asserts dtype, shape and values (|a - e| <= atol + rtol * |e|) against a fixture tensor. */
export function assertClose(actual: torch.Tensor, expected: Encoded, { rtol = 1e-5, atol = 1e-6, what = 'tensor' } = {}): void {
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const values = actual.toArray();
  const flat = (Array.isArray(values) ? (values as unknown[]).flat(Infinity) : [values]) as (number | boolean)[];
  for (let i = 0; i < flat.length; i++) {
    const a = flat[i];
    const e = expected.data[i];
    if (typeof e === 'boolean' || expected.dtype === 'int64') {
      assert.equal(a, e, `${what}[${i}]`);
    } else {
      const ok = Math.abs((a as number) - e) <= atol + rtol * Math.abs(e);
      assert.ok(ok, `${what}[${i}]: ${a} vs PyTorch ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** A tensor's elements in logical order. */
export function values(t: torch.Tensor): number[] {
  return t.contiguous().flatten().toArray() as number[];
}

// |a - b| <= atol * max|b| + rtol * |b|, NaN equal to NaN: float round-off of a normalization.
export function assertNear(actual: torch.Tensor, expected: torch.Tensor, what: string, { rtol = 1e-5, atol = 1e-5 } = {}): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = values(actual);
  const e = values(expected);
  let scale = 1e-30;
  for (const v of e) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < e.length; i++) {
    if (Number.isNaN(e[i])) {
      assert.ok(Number.isNaN(a[i]), `${what}[${i}]: ${a[i]}, expected NaN`);
      continue;
    }
    assert.ok(Math.abs(a[i] - e[i]) <= atol * scale + rtol * Math.abs(e[i]), `${what}[${i}]: ${a[i]} vs ${e[i]}`);
  }
}
