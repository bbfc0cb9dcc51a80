// A small streaming reader of tar archives (POSIX ustar, GNU and pax headers), enough to unpack
// dataset archives without a dependency: regular files and directories only. Entries are checked
// before anything is written: absolute paths, '..' components and links are refused, so that an
// archive cannot write outside the folder it is extracted into.
import { createReadStream } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { createGunzip } from 'node:zlib';

const BLOCK = 512;

/** One entry as extractTarGz reports it. */
export interface TarEntry {
  /** Path inside the archive, '/'-separated. */
  path: string;
  type: 'file' | 'directory';
  size: number;
}

function field(block: Uint8Array, offset: number, length: number): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return Buffer.from(end < 0 ? raw : raw.subarray(0, end)).toString('utf8');
}

// Sizes are octal text, or (GNU, for sizes of 8 GiB and more) base-256 with the top bit set.
function numeric(block: Uint8Array, offset: number, length: number, what: string, archive: string): number {
  if (block[offset] & 0x80) {
    let v = 0;
    for (let i = offset + 1; i < offset + length; i++) v = v * 256 + block[i];
    return v;
  }
  const text = field(block, offset, length).trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`${archive}: corrupt tar header: ${what} field ${JSON.stringify(text)} is not octal`);
  return parseInt(text, 8);
}

function checksumOk(block: Uint8Array, archive: string): boolean {
  const stored = numeric(block, 148, 8, 'checksum', archive);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === stored;
}

// pax extended headers: records "<length> <key>=<value>\n".
function parsePax(data: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  const text = Buffer.from(data).toString('utf8');
  let pos = 0;
  while (pos < text.length) {
    const space = text.indexOf(' ', pos);
    const len = parseInt(text.slice(pos, space), 10);
    if (!(len > 0)) break;
    const record = text.slice(space + 1, pos + len - 1);
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += len;
  }
  return out;
}

/** Normalizes an entry path ('' for the folder itself, as `./`) and refuses any that could leave the destination folder. */
export function safeEntryPath(name: string, archive: string): string {
  const path = name.replace(/\/+$/, '');
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (name.startsWith('/') || parts.includes('..') || /^[A-Za-z]:/.test(name)) {
    throw new Error(`${archive}: refusing tar entry ${JSON.stringify(name)}: its path is absolute or leaves the extraction folder`);
  }
  return parts.join('/');
}

/**
 * Extracts a gzip-compressed tar archive into `dest` (which must exist), streaming: memory stays
 * small whatever the archive's size. Returns the entries written. A truncated or corrupt archive
 * throws an error naming the archive and the problem; files written before the error stay, so
 * callers extract into a temporary folder and rename it into place only on success.
 */
export async function extractTarGz(archive: string, dest: string): Promise<TarEntry[]> {
  const root = resolve(dest);
  const entries: TarEntry[] = [];
  let pending: Uint8Array = new Uint8Array(0);
  // The entry being written: its file, the bytes still due, and the padding after them.
  let file: { handle: Awaited<ReturnType<typeof open>>; remaining: number; path: string } | null = null;
  let skip = 0;
  let collect: { bytes: Uint8Array[]; remaining: number; kind: 'pax' | 'longname' } | null = null;
  let pax: Record<string, string> = {};
  let longName: string | null = null;
  let ended = false;
  let zeroBlocks = 0;

  const input = createReadStream(archive).pipe(createGunzip());
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      const data: Uint8Array = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      let pos = 0;
      while (pos < data.length && !ended) {
        if (file !== null) {
          const n = Math.min(file.remaining, data.length - pos);
          await file.handle.write(data.subarray(pos, pos + n));
          file.remaining -= n;
          pos += n;
          if (file.remaining === 0) {
            await file.handle.close();
            file = null;
          }
          continue;
        }
        if (collect !== null) {
          const n = Math.min(collect.remaining, data.length - pos);
          collect.bytes.push(data.slice(pos, pos + n));
          collect.remaining -= n;
          pos += n;
          if (collect.remaining === 0) {
            const all = Buffer.concat(collect.bytes);
            if (collect.kind === 'pax') pax = parsePax(all);
            else longName = field(all, 0, all.length);
            collect = null;
          }
          continue;
        }
        if (skip > 0) {
          const n = Math.min(skip, data.length - pos);
          skip -= n;
          pos += n;
          continue;
        }
        if (data.length - pos < BLOCK) break;
        const header = data.subarray(pos, pos + BLOCK);
        pos += BLOCK;
        if (header.every((b) => b === 0)) {
          // Two zero blocks end the archive.
          if (++zeroBlocks === 2) ended = true;
          continue;
        }
        zeroBlocks = 0;
        if (!checksumOk(header, archive)) throw new Error(`${archive}: corrupt tar header after ${entries.length} entries (checksum mismatch)`);
        const type = String.fromCharCode(header[156] || 0x30);
        const size = numeric(header, 124, 12, 'size', archive);
        const padding = (BLOCK - (size % BLOCK)) % BLOCK;
        if (type === 'x' || type === 'L') {
          collect = { bytes: [], remaining: size, kind: type === 'x' ? 'pax' : 'longname' };
          skip = padding;
          if (size === 0) collect = null;
          continue;
        }
        if (type === 'g') {
          // pax global headers carry defaults (comments, mtimes) that extraction does not need.
          skip = size + padding;
          continue;
        }
        // POSIX ustar ("ustar\0") splits long names into prefix/name; old GNU headers ("ustar  \0",
        // what GNU tar wrote the CIFAR archives with) keep other fields there and use 'L' entries.
        const posix = field(header, 257, 6) === 'ustar';
        const prefix = posix && header[345] !== 0 ? field(header, 345, 155) : '';
        const rawName = pax.path ?? longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100));
        const entrySize = pax.size !== undefined ? Number(pax.size) : size;
        pax = {};
        longName = null;
        const path = safeEntryPath(rawName, archive);
        const target = join(root, ...path.split('/'));
        if (!(target === root || target.startsWith(root + sep))) throw new Error(`${archive}: refusing tar entry ${JSON.stringify(rawName)} outside the extraction folder`);
        if (type === '5') {
          await mkdir(target, { recursive: true });
          if (path !== '') entries.push({ path, type: 'directory', size: 0 });
          skip = entrySize + ((BLOCK - (entrySize % BLOCK)) % BLOCK);
          continue;
        }
        if (type !== '0' && type !== '7') {
          const kinds: Record<string, string> = { '1': 'a hard link', '2': 'a symbolic link', '3': 'a character device', '4': 'a block device', '6': 'a FIFO' };
          throw new Error(`${archive}: refusing tar entry ${JSON.stringify(rawName)}: ${kinds[type] ?? `type '${type}'`} (only regular files and directories are extracted)`);
        }
        if (path === '') throw new Error(`${archive}: refusing tar entry ${JSON.stringify(rawName)}: a file without a name`);
        await mkdir(dirname(target), { recursive: true });
        const handle = await open(target, 'w');
        entries.push({ path, type: 'file', size: entrySize });
        if (entrySize === 0) await handle.close();
        else file = { handle, remaining: entrySize, path };
        skip = (BLOCK - (entrySize % BLOCK)) % BLOCK;
      }
      pending = data.subarray(pos);
      if (ended) break;
    }
  } catch (error) {
    await file?.handle.close().catch(() => undefined);
    const message = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' || /unexpected end of file/i.test((error as Error).message)
      ? `${archive}: truncated gzip data (${(error as Error).message})`
      : (error as Error).message.startsWith(archive) ? (error as Error).message : `${archive}: corrupt archive (${(error as Error).message})`;
    throw new Error(message, { cause: error });
  } finally {
    input.destroy();
  }
  if (file !== null) {
    const f: { handle: Awaited<ReturnType<typeof open>>; remaining: number; path: string } = file;
    await f.handle.close();
    throw new Error(`${archive}: truncated tar: entry ${JSON.stringify(f.path)} is missing its last ${f.remaining} bytes`);
  }
  if (collect !== null || (!ended && pending.length > 0)) throw new Error(`${archive}: truncated tar: the archive ends inside a header`);
  if (entries.length === 0) throw new Error(`${archive}: not a tar archive, or an empty one`);
  return entries;
}
