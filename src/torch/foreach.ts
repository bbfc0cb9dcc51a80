// The _foreach_ updates of PyTorch's "foreach" optimizers: one native call per parameter list
// instead of one per parameter, which matters with ResNet-18's 62 parameter tensors.
import { native } from './native.js';
import { Tensor } from './tensor.js';

const hs = (list: Tensor[]) => list.map((t) => t.handle);

/** self[i] += alpha * other[i] (other a list), or self[i] += other (a number). */
export function foreachAdd_(self: Tensor[], other: Tensor[] | number, { alpha = 1 }: { alpha?: number } = {}): void {
  if (Array.isArray(other)) native.foreachAdd_(hs(self), hs(other), alpha);
  else native.foreachAddScalar_(hs(self), other);
}
/** self[i] *= other[i] (a list) or other (a number). */
export function foreachMul_(self: Tensor[], other: Tensor[] | number): void {
  if (Array.isArray(other)) native.foreachMul_(hs(self), hs(other));
  else native.foreachMulScalar_(hs(self), other);
}
/** self[i] /= other[i] (a list) or other (a number). */
export function foreachDiv_(self: Tensor[], other: Tensor[] | number): void {
  if (Array.isArray(other)) native.foreachDiv_(hs(self), hs(other));
  else native.foreachDivScalar_(hs(self), other);
}
/** self[i] += value * t1[i] * t2[i]. */
export function foreachAddcmul_(self: Tensor[], t1: Tensor[], t2: Tensor[], { value = 1 }: { value?: number } = {}): void {
  native.foreachAddcmul_(hs(self), hs(t1), hs(t2), value);
}
/** self[i] += value * t1[i] / t2[i] (value a number, or one number per tensor). */
export function foreachAddcdiv_(self: Tensor[], t1: Tensor[], t2: Tensor[], { value = 1 }: { value?: number | number[] } = {}): void {
  if (Array.isArray(value)) native.foreachAddcdivScalarList_(hs(self), hs(t1), hs(t2), value);
  else native.foreachAddcdiv_(hs(self), hs(t1), hs(t2), value);
}
/** Zeroes every tensor. */
export function foreachZero_(self: Tensor[]): void {
  native.foreachZero_(hs(self));
}
/** self[i] = max(self[i], other[i]). */
export function foreachMaximum_(self: Tensor[], other: Tensor[]): void {
  native.foreachMaximum_(hs(self), hs(other));
}
/** sqrt of every tensor, as new tensors. */
export function foreachSqrt(self: Tensor[]): Tensor[] {
  return native.foreachSqrt(hs(self)).map((h) => new Tensor(h));
}
