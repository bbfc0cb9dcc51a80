// The Tensor class: a JS owner of one libtorch tensor. Methods are thin calls into the addon;
// the semantics (broadcasting, type promotion, autograd) are libtorch's, hence PyTorch's.
import { DisposedTensorError } from './errors.js';
import { type DType, type Device, type TypedArrayOf, checkDType, typedArrayFromBuffer } from './dtype.js';
import { track, untrack } from './memory.js';
import { type Handle, native } from './native.js';

/** A tensor or a plain number / boolean, which acts like a Python scalar in arithmetic. */
export type TensorLike = Tensor | number | boolean | bigint;

/** Options of reductions over dimensions. */
export interface ReduceOptions {
  keepdim?: boolean;
}

/** Options of sort and argsort, as torch.sort's keywords. */
export interface SortOptions {
  descending?: boolean;
  /** Keep equal elements in their input order. */
  stable?: boolean;
}

/** A values / indices pair, as torch.max(x, dim) and torch.topk return. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** The Tensor overload of a binary binding (mul: mul.Tensor). */
type TensorOverload = (self: Handle, other: Handle) => Handle;
/** The Scalar overload of a binary binding (mulScalar: mul.Scalar). */
type ScalarOverload = (self: Handle, other: number | boolean | bigint) => Handle;

/**
 * Calls the Tensor or the Scalar overload of a binary binding (`mul` or `mulScalar`, like ATen's
 * mul.Tensor and mul.Scalar): handles are plain numbers, so the addon cannot tell a tensor operand
 * from a scalar by itself.
 */
function binary(self: Tensor, other: TensorLike, tensorOp: TensorOverload, scalarOp: ScalarOverload): Handle {
  return other instanceof Tensor ? tensorOp(self.handle, other.handle) : scalarOp(self.handle, other);
}

function isDevice(target: DType | Device): target is Device {
  return target === 'cpu' || target.startsWith('cuda');
}

// JSON.stringify writes NaN and the infinities as null; PyTorch prints nan, inf and -inf.
function formatValues(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValues).join(',')}]`;
  if (typeof value !== 'number' || Number.isFinite(value)) return JSON.stringify(value);
  return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
}

function pair([values, indices]: [Handle, Handle]): ValuesIndices {
  return { values: new Tensor(values), indices: new Tensor(indices) };
}

/** A multi-dimensional array in libtorch memory, with autograd. Release it with dispose() or tidy(). */
// How many times each tensor's data was replaced by setData_, which keeps libtorch's version
// counter (as PyTorch's `p.data = src` does): caches of derived values compare it with _version.
const dataReplacements = new WeakMap<Tensor, number>();

/** How many times setData_ replaced `t`'s data (0 for most tensors); smoothlab-internal. */
export function dataReplacementsOf(t: Tensor): number {
  return dataReplacements.get(t) ?? 0;
}

export class Tensor {
  #handle: Handle | null;
  #shape: readonly number[] | undefined;
  #dtype: DType | undefined;
  /** Set by keep(): no tidy() scope disposes this tensor. */
  kept = false;
  /** Whether the GC safety net watches this tensor (see memory.ts). */
  guarded = false;

  /** Wraps a handle from the addon (internal: users create tensors with torch.tensor, zeros, ...). */
  constructor(handle: Handle) {
    this.#handle = handle;
    track(this);
  }

  /** The addon handle; throws once the tensor is disposed. */
  get handle(): Handle {
    if (this.#handle === null) throw new DisposedTensorError();
    return this.#handle;
  }

  /** True once dispose() ran. */
  get isDisposed(): boolean {
    return this.#handle === null;
  }

  /** Releases the libtorch tensor now; later use throws. Idempotent. */
  dispose(): void {
    const h = this.takeHandle();
    if (h !== null) native.dispose(h);
  }

  /** Marks this tensor disposed and returns its handle for the caller to release (tidy() frees scopes in bulk). */
  takeHandle(): Handle | null {
    const h = this.#handle;
    if (h === null) return null;
    untrack(this);
    this.#handle = null;
    return h;
  }

  /** Makes `using t = torch.zeros([2])` release the tensor at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- metadata ----

  /** Sizes of each dimension (a fresh copy). */
  get shape(): number[] {
    this.#shape ??= Object.freeze(native.shape(this.handle));
    return [...this.#shape];
  }

  /** Element type. */
  get dtype(): DType {
    this.#dtype ??= native.dtype(this.handle);
    return this.#dtype;
  }

  /** 'cpu' or 'cuda:N'. */
  get device(): Device {
    return native.device(this.handle);
  }

  /** Number of dimensions. */
  get ndim(): number {
    this.#shape ??= Object.freeze(native.shape(this.handle));
    return this.#shape.length;
  }

  /** Number of elements. */
  numel(): number {
    this.#shape ??= Object.freeze(native.shape(this.handle));
    return this.#shape.reduce((a, b) => a * b, 1);
  }

  /** Size of one dimension (negative counts from the end), or the whole shape. */
  size(dim?: number): number | number[] {
    const shape = this.shape;
    if (dim === undefined) return shape;
    const d = dim < 0 ? dim + shape.length : dim;
    if (d < 0 || d >= shape.length) throw new RangeError(`size: dim ${dim} is out of range for a ${shape.length}-d tensor`);
    return shape[d];
  }

  /**
   * True when the elements are laid out densely in row-major order, or, with memoryFormat
   * 'channelsLast', densely in NHWC order (PyTorch's is_contiguous(memory_format=...)).
   */
  isContiguous({ memoryFormat = 'contiguousFormat' }: { memoryFormat?: 'contiguousFormat' | 'channelsLast' } = {}): boolean {
    if (memoryFormat !== 'contiguousFormat' && memoryFormat !== 'channelsLast') {
      throw new TypeError(`isContiguous: memoryFormat must be 'contiguousFormat' or 'channelsLast', got ${String(memoryFormat)}`);
    }
    return native.isContiguous(this.handle, memoryFormat === 'channelsLast');
  }

  // ---- copy out ----

  /** A copy of the elements in row-major order (int64 as BigInt64Array; float16/bfloat16 widened to float32). */
  toTypedArray<D extends DType = DType>(): TypedArrayOf[D] {
    const dtype = this.dtype;
    const wide = dtype === 'float16' || dtype === 'bfloat16' ? 'float32' : undefined;
    return typedArrayFromBuffer(native.toBuffer(this.handle, wide), dtype as D);
  }

  /** The raw little-endian bytes of the elements in row-major order (as stored: no widening). */
  toBuffer(): ArrayBuffer {
    return native.toBuffer(this.handle);
  }

  /** The elements as nested JS arrays (numbers, or booleans for bool tensors). */
  toArray(): unknown {
    const data = this.toTypedArray();
    const dtype = this.dtype;
    const flat: (number | boolean)[] = Array.from(data as ArrayLike<number | bigint>, (v) => (dtype === 'bool' ? v !== 0 : Number(v)));
    const shape = this.shape;
    if (shape.length === 0) return flat[0];
    const build = (dim: number, offset: number): unknown[] => {
      const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: shape[dim] }, (_, i) =>
        dim === shape.length - 1 ? flat[offset + i] : build(dim + 1, offset + i * stride),
      );
    };
    return build(0, 0);
  }

  /** The value of a one-element tensor. */
  item(): number;
  item<T extends number | boolean>(): T;
  item(): number | boolean {
    return native.item(this.handle);
  }

  /** A short description with the values of small tensors. */
  toString(): string {
    if (this.isDisposed) return 'Tensor(disposed)';
    const shape = this.shape;
    const n = shape.reduce((a, b) => a * b, 1);
    const values = n <= 20 ? `, ${formatValues(this.toArray())}` : '';
    return `Tensor(shape=[${shape.join(', ')}], dtype=${this.dtype}, device=${this.device}${values})`;
  }

  // ---- conversion ----

  /**
   * Converts to a dtype and/or device (a no-op view when nothing changes, unless `copy`). With
   * `nonBlocking`, a copy from pinned host memory to a CUDA device is queued on the current stream
   * and returns at once (PyTorch's non_blocking); other copies are unaffected.
   */
  to(target: DType | Device | { dtype?: DType; device?: Device; copy?: boolean; nonBlocking?: boolean }): Tensor {
    if (typeof target === 'string') {
      return new Tensor(isDevice(target) ? native.to(this.handle, null, target) : native.to(this.handle, checkDType(target, 'to'), null));
    }
    const dtype = target.dtype === undefined ? null : checkDType(target.dtype, 'to');
    return new Tensor(native.to(this.handle, dtype, target.device ?? null, target.copy ?? false, target.nonBlocking ?? false));
  }
  /** A copy in page-locked (pinned) host memory, from which copies to a CUDA device can run asynchronously; needs CUDA. */
  pinMemory(): Tensor {
    if (!native.cudaAvailable()) {
      throw new Error(`pinMemory: pinned memory needs a CUDA device, and ${native.builtWithCuda ? 'none is visible here' : 'this smoothlab was built against a CPU-only libtorch'}`);
    }
    return new Tensor(native.pinMemory(this.handle));
  }
  /** Whether the tensor lives in pinned host memory. */
  isPinned(): boolean {
    return native.isPinned(this.handle);
  }
  /** Same as to('cpu'). */
  cpu(): Tensor {
    return this.to('cpu');
  }
  /** Same as to('cuda:N'). */
  cuda(index = 0): Tensor {
    return this.to(`cuda:${index}`);
  }
  /** Same as to('float32'). */
  float(): Tensor {
    return this.to('float32');
  }
  /** Same as to('float16'). */
  half(): Tensor {
    return this.to('float16');
  }
  /** Same as to('float64'). */
  double(): Tensor {
    return this.to('float64');
  }
  /** Same as to('int64'). */
  long(): Tensor {
    return this.to('int64');
  }
  /** Same as to('bool'). */
  bool(): Tensor {
    return this.to('bool');
  }
  /** A copy that does not share memory (and stays in the autograd graph). */
  clone(): Tensor {
    return new Tensor(native.clone(this.handle));
  }
  /** A densely laid out tensor (this one when it already is). */
  contiguous(): Tensor {
    return new Tensor(native.contiguous(this.handle));
  }
  /** The same values in the channels-last (NHWC) memory format, which oneDNN convolutions prefer. */
  channelsLast(): Tensor {
    return new Tensor(native.channelsLast(this.handle));
  }

  // ---- autograd ----

  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }
  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this.handle, value);
  }
  /** Sets requiresGrad in place and returns this tensor. */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }
  /**
   * The accumulated gradient, or null. Each read returns a new Tensor sharing the gradient's memory
   * (dispose it, or read it inside tidy()); writing null clears it, as `p.grad = None` does.
   */
  get grad(): Tensor | null {
    const h = native.grad(this.handle);
    return h === null ? null : new Tensor(h);
  }
  set grad(value: Tensor | null) {
    native.setGrad(this.handle, value === null ? null : value.handle);
  }
  /** True for tensors created by the user rather than by a recorded operation. */
  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }
  /** Whether this tensor was created under inferenceMode (torch's is_inference): it can never join autograd. */
  isInference(): boolean {
    return native.isInference(this.handle);
  }
  /**
   * How many times this tensor has been changed in place (torch's Tensor._version), which caches of
   * values derived from it compare; -1 for an inference tensor, which keeps no count. setData_ does
   * not count, as in PyTorch.
   */
  get _version(): number {
    return native.versionCounter(this.handle);
  }
  /** The name of the autograd node that created this tensor, e.g. 'AddBackward0', or null. */
  get gradFn(): string | null {
    return native.gradFn(this.handle);
  }
  /** Replaces this tensor's data with `src`'s (PyTorch's `p.data = src`): same object, new storage and layout. */
  setData_(src: Tensor): this {
    native.setData(this.handle, src.handle);
    this.#shape = undefined;
    this.#dtype = undefined;
    dataReplacements.set(this, dataReplacementsOf(this) + 1);
    return this;
  }
  /** Keeps .grad on a non-leaf tensor after backward(). */
  retainGrad(): this {
    native.retainGrad(this.handle);
    return this;
  }
  /** Computes gradients of this tensor with respect to the graph leaves. */
  backward(gradient?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native.backward(this.handle, gradient?.handle ?? null, options.retainGraph ?? null, options.createGraph ?? false);
  }
  /** A tensor sharing memory with this one, cut from the autograd graph. */
  detach(): Tensor {
    return new Tensor(native.detach(this.handle));
  }

  // ---- elementwise arithmetic (broadcasting, PyTorch type promotion) ----

  /** this + alpha * other. */
  add(other: TensorLike, options?: { alpha?: number }): Tensor {
    const alpha = options?.alpha;
    // Written out rather than through binary(): this is the op the per-op overhead is measured on.
    if (other instanceof Tensor) {
      return new Tensor(alpha === undefined || alpha === 1 ? native.add(this.handle, other.handle) : native.add(this.handle, other.handle, alpha));
    }
    return new Tensor(alpha === undefined || alpha === 1 ? native.addScalar(this.handle, other) : native.addScalar(this.handle, other, alpha));
  }
  /** this - alpha * other. */
  sub(other: TensorLike, options?: { alpha?: number }): Tensor {
    const alpha = options?.alpha;
    if (other instanceof Tensor) {
      return new Tensor(alpha === undefined || alpha === 1 ? native.sub(this.handle, other.handle) : native.sub(this.handle, other.handle, alpha));
    }
    return new Tensor(alpha === undefined || alpha === 1 ? native.subScalar(this.handle, other) : native.subScalar(this.handle, other, alpha));
  }
  /** this * other. */
  mul(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.mul, native.mulScalar));
  }
  /** this / other (true division; roundingMode 'trunc' or 'floor' for integer-style division). */
  div(other: TensorLike, { roundingMode }: { roundingMode?: 'trunc' | 'floor' } = {}): Tensor {
    const mode = roundingMode ?? null;
    return new Tensor(other instanceof Tensor ? native.div(this.handle, other.handle, mode) : native.divScalar(this.handle, other, mode));
  }
  /** this ** exponent. */
  pow(exponent: TensorLike): Tensor {
    return new Tensor(binary(this, exponent, native.pow, native.powScalar));
  }
  /** Python-style modulus (sign of the divisor). */
  remainder(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.remainder, native.remainderScalar));
  }
  /** C-style modulus (sign of the dividend). */
  fmod(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.fmod, native.fmodScalar));
  }
  /** Elementwise maximum. */
  maximum(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.maximum, native.maximumScalar));
  }
  /** Elementwise minimum. */
  minimum(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.minimum, native.minimumScalar));
  }
  /** Elementwise atan2(this, other). */
  atan2(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.atan2, native.atan2Scalar));
  }
  /** this + weight * (end - this). */
  lerp(end: Tensor, weight: TensorLike): Tensor {
    return new Tensor(weight instanceof Tensor ? native.lerp(this.handle, end.handle, weight.handle) : native.lerpScalar(this.handle, end.handle, weight));
  }
  /** Limits values to [min, max]; either bound may be null. */
  clamp(min: number | null = null, max: number | null = null): Tensor {
    return new Tensor(native.clamp(this.handle, min, max));
  }
  /** -this. */
  neg(): Tensor {
    return new Tensor(native.neg(this.handle));
  }
  /** |this|. */
  abs(): Tensor {
    return new Tensor(native.abs(this.handle));
  }
  /** e ** this. */
  exp(): Tensor {
    return new Tensor(native.exp(this.handle));
  }
  /** Natural logarithm. */
  log(): Tensor {
    return new Tensor(native.log(this.handle));
  }
  /** Base-2 logarithm. */
  log2(): Tensor {
    return new Tensor(native.log2(this.handle));
  }
  /** log(1 + this), accurate near 0. */
  log1p(): Tensor {
    return new Tensor(native.log1p(this.handle));
  }
  /** exp(this) - 1, accurate near 0. */
  expm1(): Tensor {
    return new Tensor(native.expm1(this.handle));
  }
  /** Square root. */
  sqrt(): Tensor {
    return new Tensor(native.sqrt(this.handle));
  }
  /** 1 / sqrt(this). */
  rsqrt(): Tensor {
    return new Tensor(native.rsqrt(this.handle));
  }
  /** this * this. */
  square(): Tensor {
    return new Tensor(native.square(this.handle));
  }
  /** 1 / this. */
  reciprocal(): Tensor {
    return new Tensor(native.reciprocal(this.handle));
  }
  /** Sine. */
  sin(): Tensor {
    return new Tensor(native.sin(this.handle));
  }
  /** Cosine. */
  cos(): Tensor {
    return new Tensor(native.cos(this.handle));
  }
  /** Hyperbolic tangent. */
  tanh(): Tensor {
    return new Tensor(native.tanh(this.handle));
  }
  /** Logistic sigmoid. */
  sigmoid(): Tensor {
    return new Tensor(native.sigmoid(this.handle));
  }
  /** max(this, 0). */
  relu(): Tensor {
    return new Tensor(native.relu(this.handle));
  }
  /** Gauss error function. */
  erf(): Tensor {
    return new Tensor(native.erf(this.handle));
  }
  /** Rounds down. */
  floor(): Tensor {
    return new Tensor(native.floor(this.handle));
  }
  /** Rounds up. */
  ceil(): Tensor {
    return new Tensor(native.ceil(this.handle));
  }
  /** Rounds half to even, as torch.round. */
  round(): Tensor {
    return new Tensor(native.round(this.handle));
  }
  /** Rounds toward zero. */
  trunc(): Tensor {
    return new Tensor(native.trunc(this.handle));
  }
  /** -1, 0 or 1. */
  sign(): Tensor {
    return new Tensor(native.sign(this.handle));
  }

  // ---- comparison and logic (bool results) ----

  /** this == other. */
  eq(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.eq, native.eqScalar));
  }
  /** this != other. */
  ne(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.ne, native.neScalar));
  }
  /** this < other. */
  lt(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.lt, native.ltScalar));
  }
  /** this <= other. */
  le(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.le, native.leScalar));
  }
  /** this > other. */
  gt(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.gt, native.gtScalar));
  }
  /** this >= other. */
  ge(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.ge, native.geScalar));
  }
  /** Elementwise logical and. */
  logicalAnd(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.logicalAnd, native.logicalAndScalar));
  }
  /** Elementwise logical or. */
  logicalOr(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.logicalOr, native.logicalOrScalar));
  }
  /** Elementwise logical xor. */
  logicalXor(other: TensorLike): Tensor {
    return new Tensor(binary(this, other, native.logicalXor, native.logicalXorScalar));
  }
  /** Elementwise logical not. */
  logicalNot(): Tensor {
    return new Tensor(native.logicalNot(this.handle));
  }
  /** True where NaN. */
  isnan(): Tensor {
    return new Tensor(native.isnan(this.handle));
  }
  /** True where +-infinity. */
  isinf(): Tensor {
    return new Tensor(native.isinf(this.handle));
  }
  /** True where neither NaN nor infinite. */
  isfinite(): Tensor {
    return new Tensor(native.isfinite(this.handle));
  }
  /** |this - other| <= atol + rtol * |other| everywhere (torch.allclose). */
  allclose(other: Tensor, { rtol = 1e-5, atol = 1e-8, equalNan = false } = {}): boolean {
    return native.allclose(this.handle, other.handle, rtol, atol, equalNan);
  }

  // ---- in place (optimizers, initialization); each returns this ----

  /** this += alpha * other. */
  add_(other: TensorLike, { alpha = 1 }: { alpha?: number } = {}): this {
    if (other instanceof Tensor) native.add_(this.handle, other.handle, alpha);
    else native.addScalar_(this.handle, other, alpha);
    return this;
  }
  /** this -= alpha * other. */
  sub_(other: TensorLike, { alpha = 1 }: { alpha?: number } = {}): this {
    if (other instanceof Tensor) native.sub_(this.handle, other.handle, alpha);
    else native.subScalar_(this.handle, other, alpha);
    return this;
  }
  /** this *= other. */
  mul_(other: TensorLike): this {
    if (other instanceof Tensor) native.mul_(this.handle, other.handle);
    else native.mulScalar_(this.handle, other);
    return this;
  }
  /** this /= other. */
  div_(other: TensorLike): this {
    if (other instanceof Tensor) native.div_(this.handle, other.handle);
    else native.divScalar_(this.handle, other);
    return this;
  }
  /** this += value * t1 * t2. */
  addcmul_(t1: Tensor, t2: Tensor, { value = 1 }: { value?: number } = {}): this {
    native.addcmul_(this.handle, t1.handle, t2.handle, value);
    return this;
  }
  /** this += value * t1 / t2. */
  addcdiv_(t1: Tensor, t2: Tensor, { value = 1 }: { value?: number } = {}): this {
    native.addcdiv_(this.handle, t1.handle, t2.handle, value);
    return this;
  }
  /** this += weight * (end - this). */
  lerp_(end: Tensor, weight: TensorLike): this {
    if (weight instanceof Tensor) native.lerp_(this.handle, end.handle, weight.handle);
    else native.lerpScalar_(this.handle, end.handle, weight);
    return this;
  }
  /** Copies src (broadcast, converted) into this. */
  copy_(src: Tensor): this {
    native.copy_(this.handle, src.handle);
    return this;
  }
  /** Fills with zeros. */
  zero_(): this {
    native.zero_(this.handle);
    return this;
  }
  /** Fills with one value. */
  fill_(value: number | boolean): this {
    native.fill_(this.handle, value);
    return this;
  }
  /** Square root in place. */
  sqrt_(): this {
    native.sqrt_(this.handle);
    return this;
  }
  /** ReLU in place. */
  relu_(): this {
    native.relu_(this.handle);
    return this;
  }
  /** max(this, min) in place. */
  clampMin_(min: number): this {
    native.clampMin_(this.handle, min);
    return this;
  }
  /** Limits values to [min, max] in place; either bound may be null. */
  clamp_(min: number | null = null, max: number | null = null): this {
    native.clamp_(this.handle, min, max);
    return this;
  }
  /** Sets value where mask is true, in place. */
  maskedFill_(mask: Tensor, value: number | boolean): this {
    native.maskedFill_(this.handle, mask.handle, value);
    return this;
  }
  /** Fills with U(low, high) from the default generator. */
  uniform_(low = 0, high = 1): this {
    native.uniform_(this.handle, low, high);
    return this;
  }
  /** Fills with N(mean, std^2) from the default generator. */
  normal_(mean = 0, std = 1): this {
    native.normal_(this.handle, mean, std);
    return this;
  }
  /** Fills with Bernoulli(p) draws (0 or 1) from the default generator. */
  bernoulli_(p = 0.5): this {
    native.bernoulli_(this.handle, p);
    return this;
  }

  // ---- shape and views ----

  /** Same elements in a new shape (a view when possible); one size may be -1. */
  reshape(shape: number[]): Tensor {
    return new Tensor(native.reshape(this.handle, shape));
  }
  /** A view with a new shape (fails when the memory layout does not allow it). */
  view(shape: number[]): Tensor {
    return new Tensor(native.view(this.handle, shape));
  }
  /** Reorders dimensions (a view). */
  permute(order: number[]): Tensor {
    return new Tensor(native.permute(this.handle, order));
  }
  /** Swaps two dimensions (a view). */
  transpose(dim0: number, dim1: number): Tensor {
    return new Tensor(native.transpose(this.handle, dim0, dim1));
  }
  /** The transpose of a matrix (a view); 0-d and 1-d tensors come back as they are. */
  t(): Tensor {
    return new Tensor(native.t(this.handle));
  }
  /** Merges dimensions startDim..endDim into one. */
  flatten(startDim = 0, endDim = -1): Tensor {
    return new Tensor(native.flatten(this.handle, startDim, endDim));
  }
  /** Removes size-1 dimensions (all, or only `dim`). */
  squeeze(dim?: number): Tensor {
    return new Tensor(native.squeeze(this.handle, dim ?? null));
  }
  /** Inserts a size-1 dimension at `dim`. */
  unsqueeze(dim: number): Tensor {
    return new Tensor(native.unsqueeze(this.handle, dim));
  }
  /** Broadcasts size-1 dimensions to `shape` without copying (-1 keeps a size). */
  expand(shape: number[]): Tensor {
    return new Tensor(native.expand(this.handle, shape));
  }
  /** Tiles the tensor `repeats[i]` times along each dimension. */
  repeat(repeats: number[]): Tensor {
    return new Tensor(native.repeat(this.handle, repeats));
  }
  /** Tiles like repeat(), but pads `dims` with leading 1s when it is shorter than the shape (torch.tile). */
  tile(dims: number[]): Tensor {
    return new Tensor(native.tile(this.handle, dims));
  }
  /** Shifts elements cyclically along `dims` (of the flattened tensor when no dims are given). */
  roll(shifts: number | number[], dims: number | number[] = []): Tensor {
    return new Tensor(native.roll(this.handle, shifts, dims));
  }
  /** Reverses the order along the given dimensions. */
  flip(dims: number[]): Tensor {
    return new Tensor(native.flip(this.handle, dims));
  }
  /** Elements start..start+length-1 along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return new Tensor(native.narrow(this.handle, dim, start, length));
  }
  /** The slice at `index` along `dim`, without that dimension (a view). */
  select(dim: number, index: number): Tensor {
    return new Tensor(native.select(this.handle, dim, index));
  }
  /** Python's x[..., start:end:step, ...] along `dim` (a view). */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
    return new Tensor(native.slice(this.handle, dim, start, end, step));
  }
  /** Splits into parts of `size` (a number) or of the given sizes (an array) along `dim`. */
  split(size: number | number[], dim = 0): Tensor[] {
    const parts = typeof size === 'number' ? native.split(this.handle, size, dim) : native.splitWithSizes(this.handle, size, dim);
    return parts.map((h) => new Tensor(h));
  }
  /** Splits into `chunks` nearly equal parts along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] {
    return native.chunk(this.handle, chunks, dim).map((h) => new Tensor(h));
  }
  /** Picks entries along `dim` at the int64 `index` positions. */
  indexSelect(dim: number, index: Tensor): Tensor {
    return new Tensor(native.indexSelect(this.handle, dim, index.handle));
  }
  /** out[i][j] = this[i][index[i][j]] for dim 1 (torch.gather). */
  gather(dim: number, index: Tensor): Tensor {
    return new Tensor(native.gather(this.handle, dim, index.handle));
  }
  /** A copy with src (or a value) written at `index` along `dim` (torch.scatter). */
  scatter(dim: number, index: Tensor, src: Tensor | number): Tensor {
    return new Tensor(src instanceof Tensor ? native.scatter(this.handle, dim, index.handle, src.handle) : native.scatterValue(this.handle, dim, index.handle, src));
  }
  /** A copy with src added at `index` along `dim` (torch.scatter_add). */
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return new Tensor(native.scatterAdd(this.handle, dim, index.handle, src.handle));
  }
  /** A copy with `value` where mask is true. */
  maskedFill(mask: Tensor, value: number | boolean): Tensor {
    return new Tensor(native.maskedFill(this.handle, mask.handle, value));
  }
  /** The elements where mask is true, as a 1-d tensor. */
  maskedSelect(mask: Tensor): Tensor {
    return new Tensor(native.maskedSelect(this.handle, mask.handle));
  }
  /** Lower triangle (below diagonal `k`), zeros elsewhere. */
  tril(k = 0): Tensor {
    return new Tensor(native.tril(this.handle, k));
  }
  /** Upper triangle (above diagonal `k`), zeros elsewhere. */
  triu(k = 0): Tensor {
    return new Tensor(native.triu(this.handle, k));
  }

  // ---- reductions ----

  /** Sum of all elements, or over `dim`. */
  sum(dim?: number | number[], { keepdim = false, dtype }: ReduceOptions & { dtype?: DType } = {}): Tensor {
    return new Tensor(native.sum(this.handle, dim ?? null, keepdim, dtype ?? null));
  }
  /** Mean of all elements, or over `dim`. */
  mean(dim?: number | number[], { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.mean(this.handle, dim ?? null, keepdim));
  }
  /** Product of all elements, or over one `dim`. */
  prod(dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.prod(this.handle, dim ?? null, keepdim));
  }
  /** Standard deviation (unbiased unless correction is 0). */
  std(dim?: number | number[], { keepdim = false, correction = 1 }: ReduceOptions & { correction?: 0 | 1 } = {}): Tensor {
    return new Tensor(native.stdDev(this.handle, dim ?? null, keepdim, correction === 1));
  }
  /** Variance (unbiased unless correction is 0). */
  var(dim?: number | number[], { keepdim = false, correction = 1 }: ReduceOptions & { correction?: 0 | 1 } = {}): Tensor {
    return new Tensor(native.variance(this.handle, dim ?? null, keepdim, correction === 1));
  }
  /** log(sum(exp(this))) over `dim`, computed stably. */
  logsumexp(dim: number | number[], { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.logsumexp(this.handle, dim, keepdim));
  }
  /** The p-norm of all elements, or over `dim`. */
  norm(p = 2, dim?: number | number[], { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.norm(this.handle, p, dim ?? null, keepdim));
  }
  /** The largest element; with `dim`, the largest values and their indices along it. */
  max(): Tensor;
  max(dim: number, options?: ReduceOptions): ValuesIndices;
  max(dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor | ValuesIndices {
    if (dim === undefined) return new Tensor(native.max(this.handle));
    return pair(native.maxDim(this.handle, dim, keepdim));
  }
  /** The smallest element; with `dim`, the smallest values and their indices along it. */
  min(): Tensor;
  min(dim: number, options?: ReduceOptions): ValuesIndices;
  min(dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor | ValuesIndices {
    if (dim === undefined) return new Tensor(native.min(this.handle));
    return pair(native.minDim(this.handle, dim, keepdim));
  }
  /** Index of the largest element (of the flattened tensor, or along `dim`). */
  argmax(dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.argmax(this.handle, dim ?? null, keepdim));
  }
  /** Index of the smallest element (of the flattened tensor, or along `dim`). */
  argmin(dim?: number, { keepdim = false }: ReduceOptions = {}): Tensor {
    return new Tensor(native.argmin(this.handle, dim ?? null, keepdim));
  }
  /** True when every element is non-zero. */
  all(): Tensor {
    return new Tensor(native.all(this.handle));
  }
  /** True when any element is non-zero. */
  any(): Tensor {
    return new Tensor(native.any(this.handle));
  }
  /** Running sum along `dim`, accumulated in `dtype` when given (the input is cast first). */
  cumsum(dim: number, { dtype }: { dtype?: DType } = {}): Tensor {
    return new Tensor(native.cumsum(this.handle, dim, dtype ?? null));
  }
  /** The k largest (or smallest) values along `dim` and their indices. */
  topk(k: number, { dim = -1, largest = true, sorted = true } = {}): ValuesIndices {
    return pair(native.topk(this.handle, k, dim, largest, sorted));
  }
  /** Sorted values along `dim` and the permutation that sorts them; `stable` keeps ties in input order. */
  sort(dim = -1, { descending = false, stable = false }: SortOptions = {}): ValuesIndices {
    return pair(native.sort(this.handle, dim, descending, stable));
  }
  /** The permutation that sorts along `dim` (sort()'s indices). */
  argsort(dim = -1, { descending = false, stable = false }: SortOptions = {}): Tensor {
    return new Tensor(native.argsort(this.handle, dim, descending, stable));
  }
  /** Counts of each non-negative integer value (at least `minlength` bins). */
  bincount({ weights, minlength = 0 }: { weights?: Tensor; minlength?: number } = {}): Tensor {
    return new Tensor(native.bincount(this.handle, weights?.handle ?? null, minlength));
  }

  // ---- linear algebra and normalizers ----

  /** Matrix product with PyTorch's broadcasting rules (torch.matmul). */
  matmul(other: Tensor): Tensor {
    return new Tensor(native.matmul(this.handle, other.handle));
  }
  /** Product of two matrices, without broadcasting (torch.mm). */
  mm(mat2: Tensor): Tensor {
    return new Tensor(native.mm(this.handle, mat2.handle));
  }
  /** Batched matrix product of (b, n, m) and (b, m, p), without broadcasting (torch.bmm). */
  bmm(mat2: Tensor): Tensor {
    return new Tensor(native.bmm(this.handle, mat2.handle));
  }
  /** softmax along `dim`. */
  softmax(dim: number, { dtype }: { dtype?: DType } = {}): Tensor {
    return new Tensor(native.softmax(this.handle, dim, dtype ?? null));
  }
  /** log(softmax) along `dim`, computed stably. */
  logSoftmax(dim: number, { dtype }: { dtype?: DType } = {}): Tensor {
    return new Tensor(native.logSoftmax(this.handle, dim, dtype ?? null));
  }
}
