// Operations on several tensors, as free functions (torch.cat, torch.where, ...).
import { type Handle, native } from './native.js';
import type { DType } from './dtype.js';
import { type SortOptions, type TensorLike, type ValuesIndices, Tensor } from './tensor.js';

function handles(tensors: Tensor[], where: string): Handle[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new TypeError(`${where}: expected a non-empty array of tensors`);
  return tensors.map((t) => t.handle);
}

/** Joins tensors along an existing dimension. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.cat(handles(tensors, 'cat'), dim));
}

/** Joins tensors along a new dimension. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  return new Tensor(native.stack(handles(tensors, 'stack'), dim));
}

/** x where condition is true, y elsewhere (either may be a number). */
export function where(condition: Tensor, x: TensorLike, y: TensorLike): Tensor {
  const c = condition.handle;
  if (x instanceof Tensor) return new Tensor(y instanceof Tensor ? native.where(c, x.handle, y.handle) : native.whereScalarOther(c, x.handle, y));
  return new Tensor(y instanceof Tensor ? native.whereScalarSelf(c, x, y.handle) : native.whereScalar(c, x, y));
}

/** Matrix product with broadcasting (torch.matmul). */
export function matmul(a: Tensor, b: Tensor): Tensor {
  return a.matmul(b);
}

/** Product of two matrices, without broadcasting (torch.mm). */
export function mm(a: Tensor, b: Tensor): Tensor {
  return a.mm(b);
}

/** Batched matrix product of (b, n, m) and (b, m, p) (torch.bmm). */
export function bmm(a: Tensor, b: Tensor): Tensor {
  return a.bmm(b);
}

/**
 * Einstein summation (torch.einsum): `einsum('ij,jk->ik', a, b)`; the operands may also come as one
 * array, as in PyTorch.
 */
export function einsum(equation: string, ...operands: Tensor[] | [Tensor[]]): Tensor {
  if (typeof equation !== 'string') throw new TypeError('einsum: the equation must be a string');
  const list = operands.length === 1 && Array.isArray(operands[0]) ? operands[0] : (operands as Tensor[]);
  return new Tensor(native.einsum(equation, handles(list, 'einsum')));
}

/** The transpose of a matrix (torch.t). */
export function t(x: Tensor): Tensor {
  return x.t();
}

/** Sorted values along `dim` and the permutation that sorts them (torch.sort). */
export function sort(x: Tensor, dim = -1, options: SortOptions = {}): ValuesIndices {
  return x.sort(dim, options);
}

/** The permutation that sorts along `dim` (torch.argsort). */
export function argsort(x: Tensor, dim = -1, options: SortOptions = {}): Tensor {
  return x.argsort(dim, options);
}

/** The k largest (or smallest) values along `dim` and their indices (torch.topk). */
export function topk(x: Tensor, k: number, options: { dim?: number; largest?: boolean; sorted?: boolean } = {}): ValuesIndices {
  return x.topk(k, options);
}

/** Running sum along `dim` (torch.cumsum). */
export function cumsum(x: Tensor, dim: number, options: { dtype?: DType } = {}): Tensor {
  return x.cumsum(dim, options);
}

/** Repeats `x` along each dimension, `dims` padded with leading 1s (torch.tile). */
export function tile(x: Tensor, dims: number[]): Tensor {
  return x.tile(dims);
}

/** Shifts elements cyclically (torch.roll). */
export function roll(x: Tensor, shifts: number | number[], dims: number | number[] = []): Tensor {
  return x.roll(shifts, dims);
}

/** Reverses the order along `dims` (torch.flip). */
export function flip(x: Tensor, dims: number[]): Tensor {
  return x.flip(dims);
}

/** Limits values to [min, max] (torch.clamp). */
export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  return x.clamp(min, max);
}

/** Elementwise maximum. */
export function maximum(a: Tensor, b: TensorLike): Tensor {
  return a.maximum(b);
}

/** Elementwise minimum. */
export function minimum(a: Tensor, b: TensorLike): Tensor {
  return a.minimum(b);
}

/** torch.allclose: |a - b| <= atol + rtol * |b| everywhere. */
export function allclose(a: Tensor, b: Tensor, options: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return a.allclose(b, options);
}
