// torch.save / torch.load for named tensors. save writes the safetensors format: an 8-byte
// little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw
// bytes; Python's `safetensors` reads these files, and they never execute code when loaded. load
// also reads what PyTorch's torch.save writes (.pth zip archives), through the restricted unpickler,
// as torch.load(weights_only=True) does.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../utils/atomic_write.js';
import { isZip } from '../utils/zip.js';
import type { Device } from './dtype.js';
import { native } from './native.js';
import { isLegacyTorchSave, loadPth } from './pth.js';
import { TO_SAFETENSORS, readSafetensorsHeader } from './safetensors_header.js';
import { Tensor } from './tensor.js';

/** Named tensors, as a state dict. */
export type TensorRecord = Record<string, Tensor>;

// In a `u` regex a surrogate pair is one code point, so this matches only lone surrogates: strings
// that UTF-8 cannot encode (Buffer would silently write U+FFFD instead).
const LONE_SURROGATE = /\p{Surrogate}/u;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Writes named tensors to `path` as safetensors, atomically (writeFileAtomic), so an interrupted
 * save never leaves a truncated file under `path`.
 */
export function save(path: string, record: TensorRecord | Map<string, Tensor>, metadata: Record<string, string> = {}): void {
  const entries = record instanceof Map ? [...record.entries()] : Object.entries(record);
  // Null prototypes: a tensor or metadata key named '__proto__' must be written as data.
  const header: Record<string, HeaderEntry | Record<string, string>> = Object.create(null);
  const meta: Record<string, string> = Object.create(null);
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') throw new TypeError(`save: metadata '${key}' must be a string, got ${typeof value}`);
    if (LONE_SURROGATE.test(key) || LONE_SURROGATE.test(value)) throw new TypeError(`save: metadata ${JSON.stringify(key)} is not a well-formed string (it must encode as UTF-8)`);
    meta[key] = value;
  }
  if (Object.keys(meta).length > 0) header.__metadata__ = meta;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
    if (typeof name !== 'string' || LONE_SURROGATE.test(name)) throw new TypeError(`save: tensor name ${JSON.stringify(name)} is not a well-formed string (it must encode as UTF-8)`);
    if (!(t instanceof Tensor)) throw new TypeError(`save: '${name}' is not a Tensor`);
    if (name === '__metadata__') throw new TypeError("save: '__metadata__' is reserved by the safetensors format");
    const bytes = new Uint8Array(t.toBuffer());
    header[name] = { dtype: TO_SAFETENSORS[t.dtype], shape: t.shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  // Pad the header with spaces so that the data starts 8-byte aligned, as the reference writer does.
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));

  writeFileAtomic(path, [prefix, Buffer.from(json), ...chunks]);
}


/** Which format a file's first bytes announce: a PyTorch checkpoint (zip or legacy pickle), safetensors, or neither. */
export function fileFormat(start: Uint8Array, fileSize: number): 'pth' | 'safetensors' | null {
  if (isZip(start) || isLegacyTorchSave(start)) return 'pth';
  // safetensors: an 8-byte little-endian header length that fits the file, then a JSON object.
  if (start.byteLength < 9) return null;
  const length = new DataView(start.buffer, start.byteOffset, 8).getBigUint64(0, true);
  return length > 0n && length <= BigInt(fileSize - 8) && start[8] === 0x7b ? 'safetensors' : null;
}

/**
 * Reads the named tensors of a file: safetensors (smoothlab's format), or a PyTorch .pth zip
 * holding a state dict (`key` picks the entry of a wrapping dict, e.g. 'state_dict'). The record has
 * no prototype, so a tensor named '__proto__' is an entry like any other. Anything that is not a
 * PyTorch checkpoint is read as safetensors, whose validation names what is wrong.
 */
export function load(path: string, options: { device?: Device; key?: string } = {}): TensorRecord {
  const file = readFileSync(path);
  if (fileFormat(file, file.byteLength) === 'pth') {
    const record = loadPth(path, { key: options.key });
    if (options.device === undefined || options.device === 'cpu') return record;
    return moveRecord(record, options.device);
  }
  if (options.key !== undefined) throw new TypeError(`load: ${path} is a safetensors file: it has no entry '${options.key}' to select`);
  const { entries, dataStart } = readSafetensorsHeader(path, file);
  const out: TensorRecord = Object.create(null);
  try {
    for (const e of entries) {
      out[e.name] = new Tensor(native.fromBuffer(file.subarray(dataStart + e.begin, dataStart + e.end), e.dtype, e.shape, options.device ?? null));
    }
  } catch (error) {
    for (const t of Object.values(out)) t.dispose();
    throw error;
  }
  return out;
}

function moveRecord(record: TensorRecord, device: Device): TensorRecord {
  const out: TensorRecord = Object.create(null);
  try {
    for (const [name, t] of Object.entries(record)) out[name] = t.to(device);
  } catch (error) {
    for (const t of Object.values(out)) t.dispose();
    throw error;
  } finally {
    for (const t of Object.values(record)) t.dispose();
  }
  return out;
}

/** The `__metadata__` strings of a safetensors file (empty when it has none), after validating the header. */
export function loadMetadata(path: string): Record<string, string> {
  return readSafetensorsHeader(path, readFileSync(path)).metadata;
}
