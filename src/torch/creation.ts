// Creating tensors: from JS data, from shapes, ranges, and the default random generator.
import { type DType, type Device, type AnyTypedArray, checkDType, dtypeOfTypedArray, itemSize } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

/** Where a new tensor lives and whether autograd tracks it. */
export interface CreateOptions {
  dtype?: DType;
  device?: Device;
  requiresGrad?: boolean;
}

/** Nested JS arrays of numbers or booleans. */
export type NestedArray = number | boolean | bigint | NestedArray[];

function finish(t: Tensor, requiresGrad: boolean | undefined): Tensor {
  return requiresGrad ? t.requiresGrad_(true) : t;
}

function checkShape(shape: unknown, where: string): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new TypeError(`${where}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  }
  return shape as number[];
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  return shape;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return String(value);
  return `a value of type ${typeof value === 'object' ? value.constructor?.name ?? 'object' : typeof value}`;
}

// `at` is the index path of the element, for the error that names a bad one.
function flatten(data: NestedArray, shape: number[], depth: number, out: (number | boolean | bigint)[], at: number[]): void {
  if (depth === shape.length) {
    if (Array.isArray(data)) throw new TypeError('tensor: ragged nested array (more nesting than the first element has)');
    const kind = typeof data;
    // A string would otherwise become NaN; PyTorch refuses it too ("new(): invalid data type 'str'").
    if (kind !== 'number' && kind !== 'boolean' && kind !== 'bigint') {
      const where = at.length === 0 ? 'data' : `element [${at.join(', ')}]`;
      throw new TypeError(`tensor: ${where} is ${describe(data)}; expected a number, boolean or bigint`);
    }
    out.push(data);
    return;
  }
  if (!Array.isArray(data) || data.length !== shape[depth]) {
    throw new TypeError(`tensor: ragged nested array: expected ${shape[depth]} elements at depth ${depth}`);
  }
  for (let i = 0; i < data.length; i++) {
    at.push(i);
    flatten(data[i], shape, depth + 1, out, at);
    at.pop();
  }
}

// Packs JS values as the bytes of `dtype` (float16/bfloat16 go through float32 and a conversion).
function pack(values: (number | boolean | bigint)[], dtype: DType): { bytes: ArrayBufferView; as: DType } {
  const num = (v: number | boolean | bigint) => Number(v);
  switch (dtype) {
    case 'float64':
      return { bytes: Float64Array.from(values, num), as: dtype };
    case 'int64':
      return { bytes: BigInt64Array.from(values, (v) => (typeof v === 'bigint' ? v : BigInt(Math.trunc(Number(v))))), as: dtype };
    case 'int32':
      return { bytes: Int32Array.from(values, num), as: dtype };
    case 'int16':
      return { bytes: Int16Array.from(values, num), as: dtype };
    case 'int8':
      return { bytes: Int8Array.from(values, num), as: dtype };
    case 'uint8':
      return { bytes: Uint8Array.from(values, num), as: dtype };
    case 'bool':
      return { bytes: Uint8Array.from(values, (v) => (v ? 1 : 0)), as: dtype };
    default:
      return { bytes: Float32Array.from(values, num), as: 'float32' };
  }
}

/**
 * A tensor holding a copy of `data`: a TypedArray (dtype from its type, shape defaults to 1-d) or
 * nested arrays. Numbers default to float32 (JS cannot tell 1 from 1.0), booleans to bool,
 * bigints to int64; pass `dtype` for anything else.
 */
export function tensor(data: AnyTypedArray | ArrayBufferView | NestedArray, options: CreateOptions & { shape?: number[] } = {}): Tensor {
  const { device, requiresGrad } = options;
  if (ArrayBuffer.isView(data)) {
    const own = dtypeOfTypedArray(data);
    const length = data.byteLength / itemSize(own);
    const shape = options.shape === undefined ? [length] : checkShape(options.shape, 'tensor');
    const numel = shape.reduce((a, b) => a * b, 1);
    if (numel !== length) throw new TypeError(`tensor: shape [${shape.join(', ')}] holds ${numel} elements but the data has ${length}`);
    let t = new Tensor(native.fromBuffer(data, own, shape, device ?? null));
    if (options.dtype !== undefined && options.dtype !== own) {
      const converted = t.to(checkDType(options.dtype, 'tensor'));
      t.dispose();
      t = converted;
    }
    return finish(t, requiresGrad);
  }
  const inferred = inferShape(data);
  const values: (number | boolean | bigint)[] = [];
  flatten(data, inferred, 0, values, []);
  const first = values[0];
  const dtype = options.dtype !== undefined ? checkDType(options.dtype, 'tensor')
    : typeof first === 'boolean' ? 'bool' : typeof first === 'bigint' ? 'int64' : 'float32';
  const shape = options.shape === undefined ? inferred : checkShape(options.shape, 'tensor');
  if (shape.reduce((a, b) => a * b, 1) !== values.length) {
    throw new TypeError(`tensor: shape [${shape.join(', ')}] does not hold the ${values.length} elements given`);
  }
  const { bytes, as } = pack(values, dtype);
  let t = new Tensor(native.fromBuffer(bytes, as, shape, device ?? null));
  if (as !== dtype) {
    const converted = t.to(dtype);
    t.dispose();
    t = converted;
  }
  return finish(t, requiresGrad);
}

/** Zeros of `shape` (float32 by default). */
export function zeros(shape: number[], { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.zeros(checkShape(shape, 'zeros'), dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** Ones of `shape` (float32 by default). */
export function ones(shape: number[], { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.ones(checkShape(shape, 'ones'), dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** Uninitialized memory of `shape` (float32 by default). */
export function empty(shape: number[], { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.empty(checkShape(shape, 'empty'), dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** `value` everywhere (float32 by default; bool for a boolean value). */
export function full(shape: number[], value: number | boolean, { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  const type = dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32');
  return finish(new Tensor(native.full(checkShape(shape, 'full'), value, type, device ?? null)), requiresGrad);
}

/**
 * start, start + step, ... below end; `arange(n)` counts 0..n-1. As in PyTorch, integer arguments
 * give int64 and any fractional one gives float32.
 */
export function arange(end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, options?: CreateOptions): Tensor;
export function arange(start: number, end: number, step: number, options?: CreateOptions): Tensor;
export function arange(start: number, endOrOptions?: number | CreateOptions, stepOrOptions?: number | CreateOptions, last: CreateOptions = {}): Tensor {
  // torch.arange(end), arange(start, end) and arange(start, end, step), each with keyword options.
  const end = typeof endOrOptions === 'number' ? endOrOptions : undefined;
  const step = typeof stepOrOptions === 'number' ? stepOrOptions : 1;
  const options = typeof endOrOptions === 'object' ? endOrOptions : typeof stepOrOptions === 'object' ? stepOrOptions : last;
  const { dtype, device, requiresGrad } = options ?? {};
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  const type = dtype ?? ([lo, hi, step].every(Number.isInteger) ? 'int64' : 'float32');
  return finish(new Tensor(native.arange(lo, hi, step, type, device ?? null)), requiresGrad);
}

/** `steps` evenly spaced values from start to end inclusive (float32). */
export function linspace(start: number, end: number, steps: number, { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.linspace(start, end, steps, dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** The n x m identity (m defaults to n). */
export function eye(n: number, m = n, { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.eye(n, m, dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** Standard normal samples from the default generator (same numbers as PyTorch after manualSeed). */
export function randn(shape: number[], { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.randn(checkShape(shape, 'randn'), dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** U[0, 1) samples from the default generator. */
export function rand(shape: number[], { dtype, device, requiresGrad }: CreateOptions = {}): Tensor {
  return finish(new Tensor(native.rand(checkShape(shape, 'rand'), dtype ?? 'float32', device ?? null)), requiresGrad);
}

/** Integers in [low, high) from the default generator (int64). */
export function randint(low: number, high: number, shape: number[], { dtype, device }: Omit<CreateOptions, 'requiresGrad'> = {}): Tensor {
  return new Tensor(native.randint(low, high, checkShape(shape, 'randint'), dtype ?? 'int64', device ?? null));
}

/** A random permutation of 0..n-1 from the default generator (int64). */
export function randperm(n: number, { dtype, device }: Omit<CreateOptions, 'requiresGrad'> = {}): Tensor {
  return new Tensor(native.randperm(n, dtype ?? 'int64', device ?? null));
}

/**
 * The *Like creators: the shape, dtype and device of `x`, and its memory layout (PyTorch's
 * preserve_format: channels-last stays channels-last), filled by `fill` before requiresGrad is set.
 */
function like(x: Tensor, { dtype, device, requiresGrad }: CreateOptions, fill: (t: Tensor) => void): Tensor {
  const t = new Tensor(native.emptyLike(x.handle, dtype ?? null, device ?? null));
  fill(t);
  return finish(t, requiresGrad);
}

/** Zeros with the shape, dtype, device and layout of `x`. */
export function zerosLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return like(x, options, (t) => native.zero_(t.handle));
}
/** Ones with the shape, dtype, device and layout of `x`. */
export function onesLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return like(x, options, (t) => native.fill_(t.handle, 1));
}
/** Uninitialized memory with the shape, dtype, device and layout of `x`. */
export function emptyLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return like(x, options, () => {});
}
/** `value` with the shape, dtype, device and layout of `x`. */
export function fullLike(x: Tensor, value: number | boolean, options: CreateOptions = {}): Tensor {
  return like(x, options, (t) => native.fill_(t.handle, value));
}
/** Standard normal samples with the shape, dtype, device and layout of `x` (drawn in memory order, as PyTorch). */
export function randnLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return like(x, options, (t) => native.normal_(t.handle, 0, 1));
}
/** U[0, 1) samples with the shape, dtype, device and layout of `x` (drawn in memory order, as PyTorch). */
export function randLike(x: Tensor, options: CreateOptions = {}): Tensor {
  return like(x, options, (t) => native.uniform_(t.handle, 0, 1));
}
