// Datasets and samples across threads. A worker thread cannot receive a dataset object, only data:
// a DatasetSpec names the module and export that rebuild it, with arguments that structured clone
// carries (typed arrays in shared memory are not copied). Samples come back the same way, with each
// tensor as a record of its bytes (a tensor belongs to the thread that made it), and the calling
// thread turns the records into tensors again.
import type { DType } from '../torch/dtype.js';
import type { Tensor } from '../torch/tensor.js';

/** How a worker thread rebuilds a dataset: `new (await import(module))[name](...args)`. */
export interface DatasetSpec {
  /** URL of the module that exports the class. */
  module: string;
  /** The exported class. */
  name: string;
  /** Constructor arguments; `{ $dataset: spec }` anywhere in them is rebuilt first. */
  args: unknown[];
}

/** A tensor in transit: its element type, shape and values (row-major). */
export interface TensorRecord {
  __smoothlabTensor: true;
  dtype: DType;
  shape: number[];
  data: ArrayBufferView;
}

/** Thrown when a dataset (or a part of it) has no workerSpec, so that worker threads cannot load it. */
export class NotTransferableError extends TypeError {
  constructor(where: string, what: unknown) {
    const name = (what as object)?.constructor?.name ?? typeof what;
    super(`${where}: a ${name} cannot be rebuilt in a worker thread (it has no workerSpec()); use numWorkers: 0, or give it a workerSpec`);
    this.name = 'NotTransferableError';
  }
}

/** `{ $dataset: spec }` of a part of a composed dataset, for its own workerSpec. */
export function datasetRef(dataset: { workerSpec?(): DatasetSpec }, where: string): { $dataset: DatasetSpec } {
  if (typeof dataset.workerSpec !== 'function') throw new NotTransferableError(where, dataset);
  return { $dataset: dataset.workerSpec() };
}

type Typed = Float32Array | Float64Array | BigInt64Array | Int32Array | Int16Array | Int8Array | Uint8Array | Uint16Array | Uint32Array;

/** A copy of a typed array in a SharedArrayBuffer (kept as is when it already is in one). */
export function sharedCopyOf<A extends Typed>(a: A): A {
  if (a.buffer instanceof SharedArrayBuffer) return a;
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => A;
  const copy = new Ctor(new SharedArrayBuffer(a.byteLength));
  (copy as unknown as { set(x: A): void }).set(a);
  return copy;
}

async function reviveArg(value: unknown): Promise<unknown> {
  if (Array.isArray(value)) return Promise.all(value.map(reviveArg));
  if (value !== null && typeof value === 'object' && '$dataset' in value) return reviveDataset((value as { $dataset: DatasetSpec }).$dataset);
  return value;
}

/** Rebuilds a dataset from its spec (in a worker thread). */
export async function reviveDataset(spec: DatasetSpec): Promise<unknown> {
  const mod = (await import(spec.module)) as Record<string, unknown>;
  const Ctor = mod[spec.name];
  if (typeof Ctor !== 'function') throw new TypeError(`${spec.module} exports no class '${spec.name}' to rebuild the dataset from`);
  const args = (await reviveArg(spec.args)) as unknown[];
  return new (Ctor as new (...a: unknown[]) => unknown)(...args);
}

function isTensor(value: object): value is Tensor {
  return typeof (value as Tensor).toTypedArray === 'function' && typeof (value as Tensor).dispose === 'function' && 'dtype' in value;
}

/** Whether a value is a tensor record. */
export function isTensorRecord(value: unknown): value is TensorRecord {
  return value !== null && typeof value === 'object' && (value as TensorRecord).__smoothlabTensor === true;
}

/** A sample as structured clone carries it: tensors become records, whose buffers go in `transfer`. */
export function encodeSample(value: unknown, transfer: ArrayBuffer[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (isTensorRecord(value)) {
    if (!(value.data.buffer instanceof SharedArrayBuffer)) transfer.push(value.data.buffer as ArrayBuffer);
    return value;
  }
  if (isTensor(value)) {
    const data = value.toTypedArray() as Typed;
    transfer.push(data.buffer as ArrayBuffer);
    return { __smoothlabTensor: true, dtype: value.dtype, shape: value.shape, data } satisfies TensorRecord;
  }
  if (ArrayBuffer.isView(value)) return value;
  if (Array.isArray(value)) return value.map((v) => encodeSample(v, transfer));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Map, Date, ...: structured clone decides
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeSample(v, transfer)]));
}

/** A sample from encodeSample with its records made into tensors by `toTensor`. */
export function decodeSample(value: unknown, toTensor: (r: TensorRecord) => Tensor): unknown {
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) return value;
  if (isTensorRecord(value)) return toTensor(value);
  if (Array.isArray(value)) return value.map((v) => decodeSample(v, toTensor));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeSample(v, toTensor)]));
}

/** TensorDataset as a worker rebuilds it: rows of typed arrays in shared memory, returned as tensor records. */
export class TensorRowsDataset {
  /** Number of samples. */
  readonly length: number;

  /** Takes what TensorDataset.workerSpec() sent. */
  constructor(private readonly tensors: { dtype: DType; shape: number[]; data: Typed }[]) {
    this.length = tensors[0].shape[0];
  }

  /** Row i of each tensor, as records. */
  get(i: number): TensorRecord[] {
    return this.tensors.map(({ dtype, shape, data }) => {
      const row = shape.slice(1).reduce((a, b) => a * b, 1);
      return { __smoothlabTensor: true, dtype, shape: shape.slice(1), data: data.slice(i * row, (i + 1) * row) };
    });
  }
}
