// A small read-only ZIP reader (central directory, stored and deflated entries, ZIP64 sizes), enough
// for PyTorch's .pth checkpoints, which torch.save writes as an uncompressed zip archive.
import { inflateRawSync } from 'node:zlib';

/** One file in an archive. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's local header in the archive. */
  localHeaderOffset: number;
}

/** The entries of a ZIP archive held in memory, and their contents on demand. */
export class ZipArchive {
  readonly entries: Map<string, ZipEntry>;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #label: string;

  /** Parses the central directory; `label` (e.g. the file path) names the archive in errors. */
  constructor(bytes: Uint8Array, label = 'zip archive') {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#label = label;
    this.entries = this.#readDirectory();
  }

  #fail(what: string): never {
    throw new Error(`${this.#label} is not a valid zip archive: ${what}`);
  }

  #u16(offset: number): number {
    if (offset + 2 > this.#bytes.byteLength) this.#fail('truncated');
    return this.#view.getUint16(offset, true);
  }

  #u32(offset: number): number {
    if (offset + 4 > this.#bytes.byteLength) this.#fail('truncated');
    return this.#view.getUint32(offset, true);
  }

  #u64(offset: number): number {
    if (offset + 8 > this.#bytes.byteLength) this.#fail('truncated');
    const v = this.#view.getBigUint64(offset, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.#fail('a 64-bit size beyond 2^53');
    return Number(v);
  }

  #readDirectory(): Map<string, ZipEntry> {
    // The end-of-central-directory record sits in the last 22 + 65535 (comment) bytes.
    const n = this.#bytes.byteLength;
    let eocd = -1;
    for (let i = n - 22; i >= Math.max(0, n - 22 - 0xffff); i--) {
      if (this.#view.getUint32(i, true) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) this.#fail('no end-of-central-directory record');
    let count = this.#u16(eocd + 10);
    let dirOffset = this.#u32(eocd + 16);
    if (count === 0xffff || dirOffset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || this.#u32(locator) !== 0x07064b50) this.#fail('ZIP64 sizes without a ZIP64 locator');
      const record = this.#u64(locator + 8);
      if (this.#u32(record) !== 0x06064b50) this.#fail('bad ZIP64 end-of-central-directory record');
      count = this.#u64(record + 32);
      dirOffset = this.#u64(record + 48);
    }
    const entries = new Map<string, ZipEntry>();
    let p = dirOffset;
    const decoder = new TextDecoder();
    for (let i = 0; i < count; i++) {
      if (this.#u32(p) !== 0x02014b50) this.#fail(`bad central directory entry ${i}`);
      const method = this.#u16(p + 10);
      let compressedSize = this.#u32(p + 20);
      let size = this.#u32(p + 24);
      const nameLength = this.#u16(p + 28);
      const extraLength = this.#u16(p + 30);
      const commentLength = this.#u16(p + 32);
      let localHeaderOffset = this.#u32(p + 42);
      if (p + 46 + nameLength > n) this.#fail('truncated central directory');
      const name = decoder.decode(this.#bytes.subarray(p + 46, p + 46 + nameLength));
      // ZIP64 extra field (id 1): the 64-bit values, in this order, for the 32-bit fields set to ~0.
      let q = p + 46 + nameLength;
      const extraEnd = q + extraLength;
      while (q + 4 <= extraEnd) {
        const id = this.#u16(q);
        const len = this.#u16(q + 2);
        if (id === 1) {
          let r = q + 4;
          if (size === 0xffffffff) { size = this.#u64(r); r += 8; }
          if (compressedSize === 0xffffffff) { compressedSize = this.#u64(r); r += 8; }
          if (localHeaderOffset === 0xffffffff) localHeaderOffset = this.#u64(r);
        }
        q += 4 + len;
      }
      entries.set(name, { name, method, compressedSize, size, localHeaderOffset });
      p = extraEnd + commentLength;
    }
    return entries;
  }

  /** The uncompressed bytes of one entry (a view into the archive when stored). */
  read(name: string): Uint8Array {
    const entry = this.entries.get(name);
    if (entry === undefined) throw new Error(`${this.#label}: no entry '${name}' in the zip archive`);
    const h = entry.localHeaderOffset;
    if (this.#u32(h) !== 0x04034b50) this.#fail(`bad local header for '${name}'`);
    const start = h + 30 + this.#u16(h + 26) + this.#u16(h + 28);
    const end = start + entry.compressedSize;
    if (end > this.#bytes.byteLength) this.#fail(`entry '${name}' runs past the end of the file`);
    const raw = this.#bytes.subarray(start, end);
    if (entry.method === 0) return raw;
    if (entry.method === 8) {
      // Bounded by the declared size, so a corrupt or hostile entry cannot inflate without limit.
      const out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      if (out.byteLength !== entry.size) this.#fail(`entry '${name}' inflates to ${out.byteLength} bytes, expected ${entry.size}`);
      return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    }
    return this.#fail(`entry '${name}' uses unsupported compression method ${entry.method}`);
  }
}

/** True when the bytes start like a ZIP archive (a local file header). */
export function isZip(bytes: Uint8Array): boolean {
  return bytes.byteLength >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}
