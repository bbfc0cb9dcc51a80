// Turning samples into a batch. defaultCollate is torch.utils.data.default_collate: tensors are
// stacked, numbers gathered into one tensor, arrays and objects collated field by field. The image
// pipeline has a faster equivalent that copies a prepared batch straight into two tensors. The
// engine is imported lazily, so that loaders with their own collate (tests, tools that only want
// bytes) run without the native addon.
import type { Device } from '../torch/dtype.js';
import type { Tensor } from '../torch/tensor.js';

/** A prepared image batch as the loader hands it to a raw `collate`: views of its slot, valid until the next batch is requested. */
export interface RawBatch {
  /** N x C x H x W values (CHW per sample), float32 or uint8 as the transform produced them. */
  images: Float32Array | Uint8Array;
  /** N labels. */
  labels: Int32Array;
  /** Indices of the N samples in the loader's dataset. */
  indices: Int32Array;
  /** [N, C, H, W]. */
  shape: [number, number, number, number];
  /** Index of the batch within its epoch. */
  batch: number;
  /** The epoch it belongs to. */
  epoch: number;
}

/** The batch of the training loop everywhere: inputs [N, ...] and targets [N] (or [N, C]), owned by the caller (torch.dispose(batch)). */
export type Batch = [input: Tensor, target: Tensor];

/** The type defaultCollate makes of samples of type T. */
export type Collated<T> = T extends Tensor ? Tensor
  : T extends number | bigint | boolean | ArrayBufferView ? Tensor
  : T extends string ? string[]
  : T extends readonly unknown[] ? { -readonly [K in keyof T]: Collated<T[K]> }
  : T extends object ? { [K in keyof T]: Collated<T[K]> }
  : never;

type TorchModule = typeof import('../torch/index.js');
let torchModule: TorchModule | undefined;
let torchLoading: Promise<TorchModule> | undefined;

/** The engine, imported on first use. */
export function loadTorch(): Promise<TorchModule> {
  torchLoading ??= import('../torch/index.js').then((m) => (torchModule = m));
  return torchLoading;
}

/** Hands over the engine when the caller has imported it already (smoothlab's index does), so that defaultCollate works at once. */
export function provideTorch(torch: TorchModule): void {
  torchModule = torch;
  torchLoading ??= Promise.resolve(torch);
}

function engine(): TorchModule {
  if (torchModule === undefined) throw new Error('defaultCollate: the engine is not loaded yet; `await data.loadTorch()` first (a DataLoader does it by itself)');
  return torchModule;
}

const TYPED_DTYPES = new Map<unknown, string>([
  [Float32Array, 'float32'], [Float64Array, 'float64'], [BigInt64Array, 'int64'], [Int32Array, 'int32'],
  [Int16Array, 'int16'], [Int8Array, 'int8'], [Uint8Array, 'uint8'],
]);

function isTensor(value: unknown, torch: TorchModule): value is Tensor {
  return value instanceof torch.Tensor;
}

function collateTyped(torch: TorchModule, samples: ArrayBufferView[]): Tensor {
  const first = samples[0] as Uint8Array;
  const Ctor = first.constructor as new (n: number) => Uint8Array;
  if (!TYPED_DTYPES.has(Ctor)) throw new TypeError(`defaultCollate: a ${Ctor.name} has no tensor dtype (use Float32Array, Float64Array, BigInt64Array, Int32Array, Int16Array, Int8Array or Uint8Array)`);
  const n = first.length;
  const out = new Ctor(samples.length * n);
  samples.forEach((s, k) => {
    if (s.constructor !== Ctor || (s as Uint8Array).length !== n) {
      throw new TypeError(`defaultCollate: sample ${k} is a ${s.constructor.name} of ${(s as Uint8Array).length} elements, but sample 0 a ${Ctor.name} of ${n}`);
    }
    out.set(s as Uint8Array, k * n);
  });
  return torch.tensor(out, { shape: [samples.length, n] });
}

function collateNumbers(torch: TorchModule, samples: number[]): Tensor {
  // Python's int and float map to int64 and float64; JS has one number type, so a batch of whole
  // numbers (labels) is int64 and any fraction makes it float64.
  if (samples.every((v) => Number.isInteger(v))) return torch.tensor(BigInt64Array.from(samples, (v) => BigInt(v)));
  return torch.tensor(Float64Array.from(samples));
}

/**
 * torch.utils.data.default_collate: a list of samples to one batch. Tensors are stacked along a new
 * first dimension; typed arrays become [N, length] tensors of their type; whole numbers an int64
 * tensor, other numbers float64, bigints int64, booleans bool; strings stay a list; arrays (tuples)
 * and plain objects are collated position by position and key by key.
 */
export function defaultCollate<T>(samples: readonly T[]): Collated<T> {
  const torch = engine();
  return collate(torch, samples as unknown[], 'batch') as Collated<T>;
}

function collate(torch: TorchModule, samples: unknown[], where: string): unknown {
  if (samples.length === 0) throw new TypeError('defaultCollate: the batch is empty');
  const first = samples[0];
  const kind = (v: unknown) => (v === null ? 'null' : isTensor(v, torch) ? 'Tensor' : ArrayBuffer.isView(v) ? 'typed array' : Array.isArray(v) ? 'array' : typeof v);
  const k0 = kind(first);
  samples.forEach((s, i) => {
    if (kind(s) !== k0) throw new TypeError(`defaultCollate: ${where} of sample ${i} is a ${kind(s)}, but of sample 0 a ${k0}`);
  });
  switch (k0) {
    case 'Tensor':
      return torch.stack(samples as Tensor[], 0);
    case 'typed array':
      return collateTyped(torch, samples as ArrayBufferView[]);
    case 'number':
      return collateNumbers(torch, samples as number[]);
    case 'bigint':
      return torch.tensor(BigInt64Array.from(samples as bigint[]));
    case 'boolean':
      return torch.tensor(samples as boolean[], { dtype: 'bool' });
    case 'string':
      return [...samples];
    case 'array': {
      const n = (first as unknown[]).length;
      samples.forEach((s, i) => {
        if ((s as unknown[]).length !== n) throw new TypeError(`defaultCollate: each element in list of batch should be of equal size (${where} of sample ${i} has ${(s as unknown[]).length}, of sample 0 ${n})`);
      });
      return Array.from({ length: n }, (_, j) => collate(torch, samples.map((s) => (s as unknown[])[j]), `${where}[${j}]`));
    }
    case 'object': {
      const proto: unknown = Object.getPrototypeOf(first);
      if (proto === Object.prototype || proto === null) {
        return Object.fromEntries(Object.keys(first as object).map((key) => [key, collate(torch, samples.map((s) => (s as Record<string, unknown>)[key]), `${where}.${key}`)]));
      }
    }
  }
  const name = (first as object | undefined)?.constructor?.name ?? k0;
  throw new TypeError(`defaultCollate: ${where} must contain tensors, typed arrays, numbers, bigints, booleans, strings, arrays or plain objects; found ${name}`);
}

// The batch with each of its tensors replaced by fn(tensor) (a replaced original is disposed);
// arrays and plain objects are walked, anything else is kept.
function mapTensors<B>(batch: B, fn: (t: Tensor) => Tensor): B {
  const torch = engine();
  const map = (v: unknown): unknown => {
    if (isTensor(v, torch)) {
      const out = fn(v);
      if (out !== v) v.dispose();
      return out;
    }
    if (Array.isArray(v)) return v.map(map);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, map(x)]));
    return v;
  };
  return map(batch) as B;
}

/**
 * Moves every tensor of a collated batch to `device` (the originals are disposed). nonBlocking
 * queues copies from pinned memory on the CUDA stream; disposing their pinned sources at once is
 * safe, since libtorch's pinned-memory allocator reuses a block only after its copies have finished.
 */
export function toDevice<B>(batch: B, device: Device, { nonBlocking = false }: { nonBlocking?: boolean } = {}): B {
  if (device === 'cpu') return batch;
  return mapTensors(batch, (t) => t.to({ device, nonBlocking }));
}

/** Puts every CPU tensor of a collated batch in pinned host memory (torch.utils.data's pin_memory; the originals are disposed). */
export function pinBatch<B>(batch: B): B {
  return mapTensors(batch, (t) => (t.device === 'cpu' && !t.isPinned() ? t.pinMemory() : t));
}

/** The image pipeline's collate: copies the prepared batch into [images, labels] tensors (float32 or uint8 [N, C, H, W], int64 [N]) on `device`. */
export function tensorCollate(device: Device = 'cpu'): (raw: RawBatch) => Promise<Batch> {
  return async (raw) => {
    const torch = await loadTorch();
    // slice(): libtorch copies from a private buffer (its addon cannot read a SharedArrayBuffer),
    // and the slot is reused for a later batch anyway.
    const images = torch.tensor(raw.images.slice(), { shape: raw.shape });
    const labels = torch.tensor(raw.labels.slice(), { dtype: 'int64', shape: [raw.shape[0]] });
    return toDevice<Batch>([images, labels], device);
  };
}
