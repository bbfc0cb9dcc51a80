// Writing a file so that readers (and crashes) see the old content or the new, never half of it:
// a temporary file in the same folder, every byte written and fsynced, a rename, then an fsync of
// the folder so the rename itself survives a power cut. A temporary stranded by a killed process
// is removed by the next write of the same file.
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { removeStaleTemporaries, temporaryPath } from './temporary.js';

// Best effort: some file systems cannot fsync a folder; the data was fsynced before the rename.
function syncFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // not supported here
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Writes `data` (text, bytes, or byte chunks in order) to `path` atomically. */
export function writeFileAtomic(path: string, data: string | Uint8Array | Uint8Array[]): void {
  removeStaleTemporaries(path);
  const tmp = temporaryPath(path);
  const chunks = typeof data === 'string' ? [Buffer.from(data, 'utf8')] : Array.isArray(data) ? data : [data];
  try {
    const fd = openSync(tmp, 'w');
    try {
      // writeSync may write less than asked (a full disk, a signal): loop until each chunk is out.
      for (const bytes of chunks) for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  syncFolder(dirname(path));
}
