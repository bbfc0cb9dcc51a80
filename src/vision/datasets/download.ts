// Downloading dataset files: HTTP(S) with redirects, a streamed MD5 check, and atomic results.
// A download is written to a temporary name beside its target and renamed into place only once
// complete and verified; an archive is extracted into a temporary folder that is renamed into
// place only once every entry is out. On any failure the temporary files are removed, so a
// dataset folder holds either nothing new or a complete, verified copy; what a killed process left
// is swept by the next download of the same file.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { removeStaleTemporaries, temporaryPath } from '../../utils/temporary.js';
import { extractTarGz } from './tar.js';

/** Where to fetch a file and its published MD5 (lower-case hex). */
export interface Resource {
  url: string;
  md5: string;
}

/** Options of downloadFile. */
export interface DownloadOptions {
  /** Called as bytes arrive (total is null when the server does not say). */
  onProgress?: (received: number, total: number | null) => void;
  /** Give up when no byte arrives for this long (ms); 60 s by default. */
  idleTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;

/** The MD5 of a file, streamed. */
export async function md5File(path: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function request(url: string, idleTimeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolvePromise, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new TypeError(`download: not a URL: ${JSON.stringify(url)}`));
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      reject(new TypeError(`download: only http and https URLs are supported, got ${url}`));
      return;
    }
    const req = (parsed.protocol === 'https:' ? httpsGet : httpGet)(parsed, { headers: { 'user-agent': 'smoothlab' } }, resolvePromise);
    req.setTimeout(idleTimeoutMs, () => req.destroy(new Error(`no data for ${idleTimeoutMs / 1000} s`)));
    req.on('error', reject);
  });
}

// GET with redirects; resolves with a 200 response.
async function open200(url: string, idleTimeoutMs: number): Promise<{ response: IncomingMessage; finalUrl: string }> {
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await request(current, idleTimeoutMs);
    const status = response.statusCode ?? 0;
    if (status >= 300 && status < 400 && response.headers.location) {
      response.resume();
      current = new URL(response.headers.location, current).toString();
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new Error(`HTTP ${status} ${response.statusMessage ?? ''}`.trim());
    }
    return { response, finalUrl: current };
  }
  throw new Error(`more than ${MAX_REDIRECTS} redirects`);
}

/**
 * Downloads `resource.url` to `dest`, checking the byte count the server announced and the MD5.
 * The file appears at `dest` only when both are right; on any failure nothing is left behind
 * and the error names the URL and what went wrong (HTTP status, connection cut after n of m
 * bytes, checksum mismatch).
 */
export async function downloadFile(resource: Resource, dest: string, options: DownloadOptions = {}): Promise<void> {
  const { onProgress, idleTimeoutMs = 60_000 } = options;
  const expected = resource.md5.toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(expected)) throw new TypeError(`download: md5 must be 32 hex digits, got ${JSON.stringify(resource.md5)}`);
  await mkdir(dirname(dest), { recursive: true });
  removeStaleTemporaries(dest);
  const part = temporaryPath(dest, 'part');
  try {
    let response: IncomingMessage;
    try {
      ({ response } = await open200(resource.url, idleTimeoutMs));
    } catch (error) {
      throw new Error(`download of ${resource.url} failed: ${(error as Error).message}`, { cause: error });
    }
    const lengthHeader = response.headers['content-length'];
    const total = lengthHeader !== undefined && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : null;
    const hash = createHash('md5');
    let received = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        hash.update(chunk);
        onProgress?.(received, total);
        callback(null, chunk);
      },
    });
    // A connection cut mid-way makes the response 'aborted'; pipeline turns that into an error.
    response.on('aborted', () => response.destroy(new Error('the connection was closed by the server')));
    try {
      await pipeline(response, meter, createWriteStream(part, { flags: 'wx' }));
    } catch (error) {
      const of = total !== null ? ` of ${total}` : '';
      throw new Error(`download of ${resource.url} failed after ${received}${of} bytes: ${(error as Error).message}`, { cause: error });
    }
    if (total !== null && received !== total) {
      throw new Error(`download of ${resource.url} is truncated: the connection closed after ${received} of ${total} bytes`);
    }
    const actual = hash.digest('hex');
    if (actual !== expected) {
      throw new Error(`download of ${resource.url} is corrupt: MD5 ${actual}, expected ${expected} (${received} bytes received)`);
    }
    await rename(part, dest);
  } finally {
    await rm(part, { force: true });
  }
}

/** Whether `path` exists and has MD5 `md5`. */
export async function checkMd5(path: string, md5: string): Promise<boolean> {
  if (!existsSync(path)) return false;
  return (await md5File(path)) === md5.toLowerCase();
}

/** The file a resource URL names when it is local (a path or a file: URL), or null for http(s). */
export function localPath(url: string): string | null {
  if (url.startsWith('file:')) return fileURLToPath(url);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? null : resolve(url);
}

/** Options of downloadAndExtract. */
export interface ExtractOptions extends DownloadOptions {
  /** Keep the verified archive in `root` after extraction (as torchvision does), so a deleted folder can be re-extracted offline. */
  keepArchive?: boolean;
}

/**
 * Makes `root/folder` from a .tar.gz archive that holds `folder` at its top: a local resource (a
 * path or file: URL) is used where it lies once its MD5 is right; otherwise `root/archiveName` is
 * reused when its MD5 is right and downloaded when not. The archive is extracted into a temporary
 * folder inside `root`, and `folder` renamed into place. Throws without leaving anything behind
 * (but an archive that was already there) on any failure.
 */
export async function downloadAndExtract(resource: Resource, root: string, archiveName: string, folder: string, options: ExtractOptions = {}): Promise<string> {
  const { keepArchive = true } = options;
  const target = join(root, folder);
  if (existsSync(target)) throw new Error(`${target} already exists; delete it to download and extract ${archiveName} again`);
  await mkdir(root, { recursive: true });
  const local = localPath(resource.url);
  const archive = local ?? join(root, archiveName);
  if (local !== null) {
    if (!existsSync(local)) throw new Error(`${local} does not exist (the archive to extract ${folder} from)`);
    const actual = await md5File(local);
    if (actual !== resource.md5.toLowerCase()) throw new Error(`${local} has MD5 ${actual}, expected ${resource.md5.toLowerCase()}: not the archive of ${folder}`);
  }
  const hadArchive = local !== null || await checkMd5(archive, resource.md5);
  if (!hadArchive) await downloadFile(resource, archive, options);
  removeStaleTemporaries(target);
  const staging = temporaryPath(target, 'extract');
  try {
    await mkdir(staging);
    const entries = await extractTarGz(archive, staging);
    const extracted = join(staging, folder);
    if (!existsSync(extracted) || !(await stat(extracted)).isDirectory()) {
      const tops = [...new Set(entries.map((e) => e.path.split('/')[0]))].join(', ');
      throw new Error(`${archive}: expected a folder ${folder} at the top of the archive, found ${tops}`);
    }
    await rename(extracted, target);
  } catch (error) {
    // An archive we downloaded and could not use is removed too: it is the likely culprit.
    if (!hadArchive) await rm(archive, { force: true });
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  if (!keepArchive && !hadArchive) await rm(archive, { force: true });
  return target;
}
