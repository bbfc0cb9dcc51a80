// PyTorch checkpoints (.pth / .pt) as torch.save writes them since PyTorch 1.6: a zip archive
// holding `<name>/data.pkl` (the pickled object, whose tensors refer to storages by persistent id)
// and one raw little-endian file per storage, `<name>/data/<key>`. The pickle is read with
// readPickle and an allow-list of the few torch globals that rebuild tensors, so loading a
// checkpoint never runs code (unlike torch.load without weights_only).
import { readFileSync } from 'node:fs';
import { type DType, itemSize } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';
import { type GlobalHandler, PickleGlobal, readPickle } from '../utils/pickle.js';
import { ZipArchive, isZip } from '../utils/zip.js';

const STORAGE_DTYPES: Record<string, DType> = {
  FloatStorage: 'float32', DoubleStorage: 'float64', HalfStorage: 'float16', BFloat16Storage: 'bfloat16',
  LongStorage: 'int64', IntStorage: 'int32', ShortStorage: 'int16', CharStorage: 'int8',
  ByteStorage: 'uint8', BoolStorage: 'bool',
};

// torch.save's legacy (pre-zip) format starts with a pickled magic number: protocol 2, LONG1 of
// 10 bytes, 0x1950a86a20f9469cfc6c.
const LEGACY_MAGIC = [0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19];

/** True when the bytes start like torch.save's legacy (pre-1.6, non-zip) format. */
export function isLegacyTorchSave(bytes: Uint8Array): boolean {
  return LEGACY_MAGIC.every((b, i) => bytes[i] === b);
}

interface Storage {
  dtype: DType;
  bytes: Uint8Array;
  numel: number;
}

function isContiguous(size: number[], stride: number[]): boolean {
  let expected = 1;
  for (let d = size.length - 1; d >= 0; d--) {
    if (size[d] !== 1 && stride[d] !== expected) return false;
    expected *= size[d];
  }
  return true;
}

// The bytes of a strided view of a storage, in row-major order (copying element by element when
// the view is not contiguous, e.g. a transposed or expanded tensor).
function viewBytes(storage: Storage, offset: number, size: number[], stride: number[], label: string): Uint8Array {
  const item = itemSize(storage.dtype);
  const numel = size.reduce((a, b) => a * b, 1);
  if (numel === 0) return new Uint8Array(0);
  const last = offset + size.reduce((acc, s, d) => acc + (s - 1) * stride[d], 0);
  if (offset < 0 || stride.some((s) => s < 0) || last >= storage.numel) {
    throw new Error(`${label}: a tensor of shape [${size.join(', ')}] reaches past its storage of ${storage.numel} elements`);
  }
  if (isContiguous(size, stride)) return storage.bytes.subarray(offset * item, (offset + numel) * item);
  // Copy in the widest unit the element size allows, from an aligned copy of the storage.
  const unit = item % 4 === 0 ? 4 : item % 2 === 0 ? 2 : 1;
  const View = unit === 4 ? Uint32Array : unit === 2 ? Uint16Array : Uint8Array;
  // A stored zip entry starts wherever the archive put it (Python's zipfile does not align), and
  // Buffer#slice is a view, not a copy: copy through the Uint8Array constructor instead.
  const aligned = storage.bytes.byteOffset % unit === 0 ? storage.bytes : new Uint8Array(storage.bytes);
  const src = new View(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.byteLength / unit);
  const out = new Uint8Array(numel * item);
  const dst = new View(out.buffer);
  const k = item / unit;
  const index = new Array<number>(size.length).fill(0);
  let from = offset;
  for (let i = 0; i < numel; i++) {
    for (let u = 0; u < k; u++) dst[i * k + u] = src[from * k + u];
    for (let d = size.length - 1; d >= 0; d--) {
      index[d]++;
      from += stride[d];
      if (index[d] < size[d]) break;
      from -= stride[d] * size[d];
      index[d] = 0;
    }
  }
  return out;
}

function ints(value: unknown, what: string, label: string): number[] {
  if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v))) throw new Error(`${label}: bad tensor ${what}`);
  return value as number[];
}

/**
 * Reads a torch.save zip checkpoint held in memory into plain JS values (see readPickle) whose
 * tensors are smoothlab Tensors (CPU, new memory the caller owns). `label` names it in errors.
 */
export function readPth(bytes: Uint8Array, label = 'checkpoint'): unknown {
  if (isLegacyTorchSave(bytes)) {
    throw new Error(`${label} uses torch.save's legacy (pre-1.6) format, which smoothlab does not read; ` +
      're-save it in Python with torch.save(torch.load(path), path) to get the zip format');
  }
  if (!isZip(bytes)) throw new Error(`${label} is not a PyTorch zip checkpoint (torch.save writes a zip archive)`);
  const zip = new ZipArchive(bytes, label);
  const pkl = [...zip.entries.keys()].find((name) => /^([^/]+\/)?data\.pkl$/.test(name));
  if (pkl === undefined) throw new Error(`${label} is a zip archive without data.pkl: not a PyTorch checkpoint`);
  const prefix = pkl.slice(0, -'data.pkl'.length);
  const order = zip.entries.has(`${prefix}byteorder`) ? new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim() : 'little';
  if (order !== 'little') throw new Error(`${label}: ${order}-endian checkpoints are not supported`);

  const storages = new Map<string, Storage>();
  const created: Tensor[] = [];
  const persistentLoad = (pid: unknown): Storage => {
    // ('storage', storage type, key, location, numel)
    if (!Array.isArray(pid) || pid[0] !== 'storage' || !(pid[1] instanceof PickleGlobal)) throw new Error(`${label}: unexpected persistent id`);
    const dtype = STORAGE_DTYPES[pid[1].name];
    const key = String(pid[2]);
    let storage = storages.get(key);
    if (storage === undefined) {
      const data = zip.read(`${prefix}data/${key}`);
      const numel = data.byteLength / itemSize(dtype);
      if (!Number.isInteger(numel)) throw new Error(`${label}: storage ${key} has ${data.byteLength} bytes, not whole ${dtype} elements`);
      storage = { dtype, bytes: data, numel };
      storages.set(key, storage);
    }
    return storage;
  };
  const rebuildTensor: GlobalHandler = (storage, offset, size, stride) => {
    const s = storage as Storage;
    const shape = ints(size, 'size', label);
    const strides = ints(stride, 'stride', label);
    // An expanded tensor (stride 0 along a dimension) is saved as its small storage: rebuild only
    // the distinct elements and expand them again, so that 789 bytes on disk never become a
    // 20000 x 20000 copy in memory. PyTorch loads it as the same kind of view.
    const distinct = shape.map((n, d) => (strides[d] === 0 ? Math.min(n, 1) : n));
    const bytesView = viewBytes(s, Number(offset), distinct, strides, label);
    let t = new Tensor(native.fromBuffer(bytesView, s.dtype, distinct, null));
    if (distinct.some((n, d) => n !== shape[d])) {
      const expanded = t.expand(shape);
      t.dispose();
      t = expanded;
    }
    created.push(t);
    return t;
  };
  const globals: Record<string, GlobalHandler> = {
    'torch._utils._rebuild_tensor_v2': rebuildTensor,
    // Parameters are saved as their data plus requires_grad; the data is what a state dict needs.
    'torch._utils._rebuild_parameter': (data) => data,
    'torch._utils._rebuild_parameter_with_state': (data) => data,
  };
  for (const name of Object.keys(STORAGE_DTYPES)) {
    globals[`torch.${name}`] = () => {
      throw new Error(`${label}: torch.${name} is only valid inside a persistent id`);
    };
  }
  try {
    return readPickle(zip.read(pkl), { globals, persistentLoad });
  } catch (error) {
    for (const t of created) t.dispose();
    if (error instanceof Error && !error.message.includes(label)) error.message = `${label}: ${error.message}`;
    throw error;
  }
}

/**
 * Reads a state dict (a dict of tensors) from a torch.save zip checkpoint file. `key` selects an
 * entry of a wrapping dict, e.g. 'state_dict' or 'model' in training checkpoints.
 */
export function loadPth(path: string, { key }: { key?: string } = {}): Record<string, Tensor> {
  const value = readPth(readFileSync(path), path);
  let dict = value;
  if (key !== undefined) {
    dict = value instanceof Map ? value.get(key) : undefined;
    if (dict === undefined) {
      disposeTensors(value);
      throw new Error(`${path}: no entry '${key}' in the checkpoint`);
    }
  }
  if (!(dict instanceof Map) || ![...dict.values()].every((v) => v instanceof Tensor) || ![...dict.keys()].every((k) => typeof k === 'string')) {
    const keys = dict instanceof Map ? [...dict.keys()].slice(0, 8).map(String).join(', ') : typeof dict;
    disposeTensors(value);
    throw new Error(`${path} does not hold a state dict (a dict of tensors): found ${keys}; ` +
      'pass { key } to pick the entry that holds it');
  }
  // No prototype: a key '__proto__' is an entry, as in the pickled dict.
  const record: Record<string, Tensor> = Object.create(null);
  for (const [k, v] of dict as Map<string, Tensor>) record[k] = v;
  if (dict !== value) disposeTensors(value, new Set(Object.values(record)));
  return record;
}

// Releases the tensors found anywhere in an unpickled value (except `keep`).
function disposeTensors(value: unknown, keep = new Set<Tensor>(), seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof Tensor) {
    if (!keep.has(value)) value.dispose();
  } else if (value instanceof Map) {
    for (const v of value.values()) disposeTensors(v, keep, seen);
  } else if (Array.isArray(value) || value instanceof Set) {
    for (const v of value) disposeTensors(v, keep, seen);
  }
}
