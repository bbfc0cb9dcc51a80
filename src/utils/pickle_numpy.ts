// NumPy arrays inside pickles (CIFAR's python-format batches hold uint8 images as ndarrays). These
// handlers rebuild arrays of plain numeric dtypes from their raw bytes, for readPickle's allow-list;
// object arrays and structured dtypes are refused.
import { type GlobalHandler, PickleError, PickleGlobal, SETSTATE, type Settable, encodeString, latin1String } from './pickle.js';

// Python 2 str arguments arrive as bytes when read with encoding 'bytes': accept both forms.
const text = (v: unknown): string => (v instanceof Uint8Array ? latin1String(v) : String(v));

/** Element types of the arrays NDArray can hold (NumPy's names). */
export type NumpyDType = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

/** The TypedArray holding each dtype (float16 stays as raw Uint16Array bits). */
export type NumpyData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

const KINDS: Record<string, [NumpyDType, number, new (buffer: ArrayBuffer) => NumpyData]> = {
  b1: ['bool', 1, Uint8Array], i1: ['int8', 1, Int8Array], u1: ['uint8', 1, Uint8Array],
  i2: ['int16', 2, Int16Array], u2: ['uint16', 2, Uint16Array], i4: ['int32', 4, Int32Array],
  u4: ['uint32', 4, Uint32Array], i8: ['int64', 8, BigInt64Array], u8: ['uint64', 8, BigUint64Array],
  f2: ['float16', 2, Uint16Array], f4: ['float32', 4, Float32Array], f8: ['float64', 8, Float64Array],
};

/** A numpy.dtype as pickled: a type code such as 'u1' or 'f4' and a byte order. */
export class NumpyDtypeRef implements Settable {
  byteorder = '=';
  constructor(readonly code: string) {
    if (!(code in KINDS)) throw new PickleError(`numpy dtype '${code}' is not supported (plain numeric dtypes only)`);
  }

  /** The dtype's NumPy name, e.g. 'uint8'. */
  get name(): NumpyDType {
    return KINDS[this.code][0];
  }

  [SETSTATE](state: unknown): void {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags)
    if (!Array.isArray(state) || state.length < 8) throw new PickleError('numpy dtype: unexpected state');
    if (state[2] !== null || state[3] !== null) throw new PickleError('numpy dtype: structured and subarray dtypes are not supported');
    this.byteorder = text(state[1]);
  }
}

function bytesOf(raw: unknown, where: string): Uint8Array {
  if (raw instanceof Uint8Array) return raw;
  // A Python 2 pickle read with encoding 'latin1' turns the raw buffer into text; undo that.
  if (typeof raw === 'string') return encodeString(raw, 'latin1');
  throw new PickleError(`${where}: expected raw bytes${Array.isArray(raw) ? ' (object arrays are not supported)' : ''}`);
}

function typed(dtype: NumpyDtypeRef, raw: Uint8Array, count: number): NumpyData {
  const [, size, Ctor] = KINDS[dtype.code];
  if (raw.byteLength !== count * size) throw new PickleError(`numpy array: ${raw.byteLength} bytes for ${count} elements of ${dtype.name}`);
  const copy = raw.slice();
  // '>' is big-endian; '<', '|' and '=' are little-endian on every machine smoothlab runs on.
  if (dtype.byteorder === '>' && size > 1) {
    for (let i = 0; i < copy.length; i += size) copy.subarray(i, i + size).reverse();
  }
  return new Ctor(copy.buffer);
}

/** A NumPy array rebuilt from a pickle: dtype, shape, and the elements in memory order. */
export class NDArray implements Settable {
  dtype: NumpyDType = 'float64';
  shape: number[] = [];
  data: NumpyData = new Float64Array(0);
  /** True when `data` is in column-major (Fortran) order. */
  fortranOrder = false;

  [SETSTATE](state: unknown): void {
    // (version, shape, dtype, is_fortran, rawdata), or the same without the version.
    if (!Array.isArray(state)) throw new PickleError('numpy array: unexpected state');
    const s = state.length === 5 ? state.slice(1) : state;
    const [shape, dtype, fortran, raw] = s as [unknown, unknown, unknown, unknown];
    if (!Array.isArray(shape) || !(dtype instanceof NumpyDtypeRef)) throw new PickleError('numpy array: unexpected state');
    this.shape = shape.map(Number);
    this.dtype = dtype.name;
    this.fortranOrder = Boolean(fortran);
    this.data = typed(dtype, bytesOf(raw, 'numpy array'), this.shape.reduce((a, b) => a * b, 1));
  }
}

function dtypeArg(value: unknown): NumpyDtypeRef {
  if (value instanceof NumpyDtypeRef) return value;
  throw new PickleError('numpy: expected a dtype');
}

const handlers: Record<string, GlobalHandler> = {
  'multiarray._reconstruct': (cls: unknown) => {
    if (!(cls instanceof PickleGlobal) || cls.name !== 'ndarray') throw new PickleError('numpy _reconstruct of a non-ndarray class');
    return new NDArray();
  },
  'multiarray.scalar': (dtype: unknown, raw: unknown) => {
    const data = typed(dtypeArg(dtype), bytesOf(raw, 'numpy scalar'), 1);
    const v = data[0];
    return dtypeArg(dtype).name === 'bool' ? v !== 0 : typeof v === 'bigint' && v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : v;
  },
  'numeric._frombuffer': (raw: unknown, dtype: unknown, shape: unknown, order: unknown) => {
    const array = new NDArray();
    array[SETSTATE]([shape, dtypeArg(dtype), text(order) === 'F', bytesOf(raw, 'numpy _frombuffer')]);
    return array;
  },
};

/** Allow-list entries for NumPy arrays and scalars (NumPy 1.x and 2.x module paths); pass to readPickle's `globals`. */
export const numpyGlobals: Record<string, GlobalHandler> = {
  'numpy.ndarray': () => {
    throw new PickleError('numpy.ndarray can only be rebuilt through _reconstruct');
  },
  'numpy.dtype': (code: unknown) => new NumpyDtypeRef(text(code)),
};
for (const prefix of ['numpy.core', 'numpy._core']) {
  for (const [name, fn] of Object.entries(handlers)) numpyGlobals[`${prefix}.${name}`] = fn;
}
