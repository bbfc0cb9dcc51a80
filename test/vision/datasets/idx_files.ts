// Writes small IDX files for the dataset tests, plain or gzip-compressed, in a fresh temp folder.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The bytes of an IDX file: magic, big-endian dimensions, then `data`. */
export function idxBytes(magic: number, dims: number[], data: Uint8Array): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** A temp folder that the test removes again with `cleanup()`. */
export function tempRoot(): { root: string; write: (name: string, bytes: Uint8Array, gzip?: boolean) => string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-mnist-'));
  return {
    root,
    write(name, bytes, gzip = false) {
      const path = join(root, gzip ? `${name}.gz` : name);
      writeFileSync(path, gzip ? gzipSync(bytes) : bytes);
      return path;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** `n` images of h x w whose pixel j of image i is (7 * i + j) mod 256, so every image differs. */
export function patternImages(n: number, h: number, w: number): Uint8Array {
  return Uint8Array.from({ length: n * h * w }, (_, k) => (7 * Math.floor(k / (h * w)) + (k % (h * w))) % 256);
}
