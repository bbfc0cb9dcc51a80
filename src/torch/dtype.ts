/** Element types smoothlab tensors can hold (PyTorch's names). */
export type DType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

/** 'cpu' or 'cuda' / 'cuda:N'. */
export type Device = 'cpu' | 'cuda' | `cuda:${number}`;

/** Every supported dtype, in a stable order. */
export const DTYPES: readonly DType[] = ['float32', 'float64', 'float16', 'bfloat16', 'int64', 'int32', 'int16', 'int8', 'uint8', 'bool'];

/** The TypedArray `toTypedArray()` returns for each dtype (half types widen to float32). */
export interface TypedArrayOf {
  float32: Float32Array;
  float64: Float64Array;
  float16: Float32Array;
  bfloat16: Float32Array;
  int64: BigInt64Array;
  int32: Int32Array;
  int16: Int16Array;
  int8: Int8Array;
  uint8: Uint8Array;
  bool: Uint8Array;
}

/** Any TypedArray smoothlab reads or writes. */
export type AnyTypedArray = TypedArrayOf[DType];

/** Bytes per element. */
export function itemSize(dtype: DType): number {
  switch (dtype) {
    case 'float64':
    case 'int64':
      return 8;
    case 'float32':
    case 'int32':
      return 4;
    case 'float16':
    case 'bfloat16':
    case 'int16':
      return 2;
    default:
      return 1;
  }
}

/** True for float32, float64, float16 and bfloat16. */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16';
}

/** Checks a user-supplied dtype name, so that a typo fails with the list of valid names. */
export function checkDType(dtype: unknown, where: string): DType {
  if (typeof dtype === 'string' && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new TypeError(`${where}: unknown dtype ${JSON.stringify(dtype)}; expected one of ${DTYPES.join(', ')}`);
}

/** The dtype a TypedArray holds when it becomes a tensor. */
export function dtypeOfTypedArray(data: ArrayBufferView): DType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  throw new TypeError(`tensor: unsupported TypedArray ${data.constructor.name}; use Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array`);
}

/** Views raw little-endian bytes as the TypedArray of `dtype` (half types must already be widened). */
export function typedArrayFromBuffer<D extends DType>(buffer: ArrayBuffer, dtype: D): TypedArrayOf[D] {
  switch (dtype) {
    case 'float32':
    case 'float16':
    case 'bfloat16':
      return new Float32Array(buffer) as TypedArrayOf[D];
    case 'float64':
      return new Float64Array(buffer) as TypedArrayOf[D];
    case 'int64':
      return new BigInt64Array(buffer) as TypedArrayOf[D];
    case 'int32':
      return new Int32Array(buffer) as TypedArrayOf[D];
    case 'int16':
      return new Int16Array(buffer) as TypedArrayOf[D];
    case 'int8':
      return new Int8Array(buffer) as TypedArrayOf[D];
    default:
      return new Uint8Array(buffer) as TypedArrayOf[D];
  }
}
