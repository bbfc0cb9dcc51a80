// Operations on several tensors, as free functions (torch.cat, torch.where, ...).
import { type Handle, native } from './native.js';
import { type TensorLike, Tensor } from './tensor.js';

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
