// IDX files, the format of MNIST and its drop-in relatives: a big-endian header (a magic number
// whose low bytes give the element type and the number of dimensions, then one uint32 per
// dimension), followed by the elements in row-major order.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Magic number of an IDX file of unsigned bytes with 3 dimensions (count, rows, columns): images. */
export const IDX_IMAGES_MAGIC = 2051;

/** Magic number of an IDX file of unsigned bytes with 1 dimension (count): labels. */
export const IDX_LABELS_MAGIC = 2049;

/** The dimensions and the unsigned-byte elements of one IDX file. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

const describe = (magic: number): string =>
  magic === IDX_IMAGES_MAGIC ? 'IDX images' : magic === IDX_LABELS_MAGIC ? 'IDX labels' : 'not an unsigned-byte IDX file';

/**
 * Parses the bytes of an unsigned-byte IDX file, checking the magic number and that the payload
 * has exactly the size the header promises; `file` only names the source in error messages.
 */
export function parseIdx(bytes: Uint8Array, expectedMagic: number, file: string): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new Error(`${file}: truncated: ${bytes.byteLength} bytes is too short for an IDX header`);
  const magic = view.getUint32(0);
  if (magic !== expectedMagic) {
    throw new Error(`${file}: bad magic number ${magic} (${describe(magic)}); expected ${expectedMagic} (${describe(expectedMagic)})`);
  }
  const ndim = magic & 0xff;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.byteLength < headerBytes) {
    throw new Error(`${file}: truncated: ${bytes.byteLength} bytes is too short for a ${ndim}-dimensional IDX header (${headerBytes} bytes)`);
  }
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = bytes.byteLength - headerBytes;
  if (actual < expected) {
    throw new Error(`${file}: truncated: the header promises ${dims.join(' x ')} = ${expected} bytes of data, the file has ${actual}`);
  }
  if (actual > expected) {
    throw new Error(`${file}: size mismatch: the header promises ${dims.join(' x ')} = ${expected} bytes of data, the file has ${actual - expected} more`);
  }
  // A view rather than a copy: the decompressed buffer is ours alone and can be 47 MB.
  return { dims, data: new Uint8Array(bytes.buffer, bytes.byteOffset + headerBytes, expected) };
}

/** Reads an unsigned-byte IDX file, gzip-compressed or plain (told apart by content, not by name). */
export function readIdx(path: string, expectedMagic: number): IdxArray {
  let bytes: Uint8Array = readFileSync(path);
  // 1f 8b opens every gzip stream, and no IDX file: its first two bytes are always zero.
  if (bytes.byteLength >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes);
    } catch (error) {
      throw new Error(`${path}: truncated or corrupt gzip data (${(error as Error).message})`, { cause: error });
    }
  }
  return parseIdx(bytes, expectedMagic, path);
}
