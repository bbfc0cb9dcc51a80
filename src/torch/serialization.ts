// torch.save / torch.load for named tensors in the safetensors format: an 8-byte little-endian
// header length, a JSON header {name: {dtype, shape, data_offsets}}, then the raw bytes. Python's
// `safetensors` reads these files, and they never execute code when loaded (unlike pickle).
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../utils/atomic_write.js';
import { type DType, itemSize } from './dtype.js';
import { native } from './native.js';
import { Tensor } from './tensor.js';

const TO_SAFETENSORS: Record<DType, string> = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16', int64: 'I64',
  int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const FROM_SAFETENSORS = Object.fromEntries(Object.entries(TO_SAFETENSORS).map(([k, v]) => [v, k as DType]));

/** Named tensors, as a state dict. */
export type TensorRecord = Record<string, Tensor>;

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
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of entries) {
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


function corrupt(path: string, what: string): Error {
  return new Error(`load: ${path} is not a valid safetensors file: ${what}`);
}

// Parses the length prefix and JSON header; returns them with the offset where the data starts.
function readHeader(path: string, file: Buffer): { header: Record<string, unknown>; dataStart: number } {
  if (file.byteLength < 8) throw corrupt(path, `only ${file.byteLength} bytes`);
  const headerLength = Number(file.readBigUInt64LE(0));
  if (headerLength > file.byteLength - 8) throw corrupt(path, `header length ${headerLength} exceeds the file size ${file.byteLength}`);
  try {
    return { header: JSON.parse(file.subarray(8, 8 + headerLength).toString('utf8')), dataStart: 8 + headerLength };
  } catch (error) {
    throw corrupt(path, `header is not JSON (${(error as Error).message})`);
  }
}

/** Reads the tensors of a safetensors file; every structural problem names the file. */
export function load(path: string, options: { device?: string } = {}): TensorRecord {
  const file = readFileSync(path);
  const { header, dataStart } = readHeader(path, file);
  const dataLength = file.byteLength - dataStart;
  const out: TensorRecord = {};
  try {
    for (const [name, value] of Object.entries(header)) {
      if (name === '__metadata__') continue;
      const entry = value as HeaderEntry;
      const dtype = FROM_SAFETENSORS[entry?.dtype];
      if (!dtype) throw corrupt(path, `tensor '${name}' has unsupported dtype ${JSON.stringify(entry?.dtype)}`);
      const [begin, end] = entry.data_offsets ?? [];
      if (!Array.isArray(entry.shape) || !Number.isInteger(begin) || !Number.isInteger(end) || begin > end || end > dataLength) {
        throw corrupt(path, `tensor '${name}' has bad shape or data_offsets`);
      }
      const expected = entry.shape.reduce((a, b) => a * b, 1) * itemSize(dtype);
      if (end - begin !== expected) throw corrupt(path, `tensor '${name}' has ${end - begin} bytes, its shape needs ${expected}`);
      out[name] = new Tensor(native.fromBuffer(file.subarray(dataStart + begin, dataStart + end), dtype, entry.shape, options.device ?? null));
    }
  } catch (error) {
    for (const t of Object.values(out)) t.dispose();
    throw error;
  }
  return out;
}

/** The `__metadata__` strings of a safetensors file (empty when it has none). */
export function loadMetadata(path: string): Record<string, string> {
  const { header } = readHeader(path, readFileSync(path));
  return (header.__metadata__ as Record<string, string> | undefined) ?? {};
}
