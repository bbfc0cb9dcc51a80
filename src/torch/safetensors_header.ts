// Reading and validating a safetensors header as strictly as the reference implementation
// (huggingface/safetensors, `SafeTensors::read_metadata` and `Metadata::validate`): the header is a
// UTF-8 JSON object of at most 100 MB starting with '{'; `__metadata__` maps strings to strings;
// each tensor has a known dtype, a shape of non-negative integers and data_offsets that, taken in
// order, tile the data section exactly (no overlap, no hole, no trailing bytes). Whatever the
// reference refuses is refused here, with the file's name in the message.
import { type DType, itemSize } from './dtype.js';

/** safetensors dtype names for smoothlab's dtypes. */
export const TO_SAFETENSORS: Record<DType, string> = {
  float64: 'F64', float32: 'F32', float16: 'F16', bfloat16: 'BF16', int64: 'I64',
  int32: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const FROM_SAFETENSORS = new Map(Object.entries(TO_SAFETENSORS).map(([k, v]) => [v, k as DType]));

// The reference's MAX_HEADER_SIZE: a larger length prefix is a corrupt or hostile file.
const MAX_HEADER_BYTES = 100_000_000;

/** One tensor of a safetensors file: where its bytes are, relative to the data section. */
export interface SafetensorsEntry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** A parsed and validated header. */
export interface SafetensorsHeader {
  /** Tensors in file order (by data offset). */
  entries: SafetensorsEntry[];
  /** The `__metadata__` strings, in a null-prototype record (a key '__proto__' stays data). */
  metadata: Record<string, string>;
  /** Byte offset of the data section in the file. */
  dataStart: number;
}

/** The error for a structurally invalid file: names the file and the problem. */
export function corruptSafetensors(path: string, what: string): Error {
  return new Error(`load: ${path} is not a valid safetensors file: ${what}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nonNegativeIntegers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && v >= 0);
}

// JSON.parse defines a "__proto__" key as an own property (it never sets the prototype), so the
// parsed object can be walked safely; what it is copied into must have no prototype either.
function parseJson(path: string, bytes: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw corruptSafetensors(path, 'the header is not valid UTF-8');
  }
  if (!text.startsWith('{')) throw corruptSafetensors(path, "the header does not start with '{' (it must be a JSON object)");
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw corruptSafetensors(path, `the header is not JSON (${(error as Error).message})`);
  }
  if (!isPlainObject(parsed)) throw corruptSafetensors(path, 'the header is not a JSON object');
  return parsed;
}

function readMetadata(path: string, value: unknown): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null);
  if (value === undefined || value === null) return metadata;
  if (!isPlainObject(value)) throw corruptSafetensors(path, '__metadata__ is not an object of strings');
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw corruptSafetensors(path, `__metadata__ entry '${key}' is not a string`);
    metadata[key] = v;
  }
  return metadata;
}

function readEntry(path: string, name: string, value: unknown): SafetensorsEntry {
  if (!isPlainObject(value)) throw corruptSafetensors(path, `tensor '${name}' is not an object with dtype, shape and data_offsets`);
  const dtype = typeof value.dtype === 'string' ? FROM_SAFETENSORS.get(value.dtype) : undefined;
  if (dtype === undefined) throw corruptSafetensors(path, `tensor '${name}' has unsupported dtype ${JSON.stringify(value.dtype)}`);
  if (!nonNegativeIntegers(value.shape)) throw corruptSafetensors(path, `tensor '${name}' has a bad shape ${JSON.stringify(value.shape)}`);
  const offsets = value.data_offsets;
  if (!nonNegativeIntegers(offsets) || offsets.length !== 2) {
    throw corruptSafetensors(path, `tensor '${name}' has bad data_offsets ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets;
  if (end < begin) throw corruptSafetensors(path, `tensor '${name}' has data_offsets [${begin}, ${end}] that end before they begin`);
  // BigInt: a hostile shape's product can exceed 2^53 and compare equal by rounding.
  const bytes = value.shape.reduce((acc, d) => acc * BigInt(d), BigInt(itemSize(dtype)));
  if (bytes !== BigInt(end - begin)) throw corruptSafetensors(path, `tensor '${name}' has ${end - begin} bytes, its shape needs ${bytes}`);
  return { name, dtype, shape: value.shape, begin, end };
}

/** Parses and validates the header of a safetensors file held in `file` (named `path` in errors). */
export function readSafetensorsHeader(path: string, file: Uint8Array): SafetensorsHeader {
  if (file.byteLength < 8) throw corruptSafetensors(path, `only ${file.byteLength} bytes`);
  const length = new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(file.byteLength - 8)) throw corruptSafetensors(path, `header length ${length} exceeds the file size ${file.byteLength}`);
  if (length > BigInt(MAX_HEADER_BYTES)) throw corruptSafetensors(path, `header length ${length} exceeds the format's limit of ${MAX_HEADER_BYTES} bytes`);
  const dataStart = 8 + Number(length);
  const header = parseJson(path, file.subarray(8, dataStart));
  const metadata = readMetadata(path, header.__metadata__);
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__').map(([name, v]) => readEntry(path, name, v));
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const e of entries) {
    if (e.begin !== covered) {
      throw corruptSafetensors(path, e.begin < covered ? `tensor '${e.name}' overlaps the tensor before it (offset ${e.begin}, expected ${covered})`
        : `a hole of ${e.begin - covered} bytes before tensor '${e.name}'`);
    }
    covered = e.end;
  }
  const dataLength = file.byteLength - dataStart;
  if (covered !== dataLength) {
    throw corruptSafetensors(path, covered > dataLength ? `the tensors need ${covered} bytes of data, the file holds ${dataLength} (truncated?)`
      : `${dataLength - covered} bytes after the last tensor are not covered by the header`);
  }
  return { entries, metadata, dataStart };
}
