// One study at a time in a run folder: study.lock holds the owner's pid, host and process start
// time. A second study finds a live owner and is refused with its pid; a lock whose process is gone
// (killed with SIGKILL, a power cut) is stale and taken over. The start time guards against a
// recycled pid; a lock from another host cannot be checked and is left to the user.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The lock file's name inside a run folder. */
export const LOCK_FILE = 'study.lock';

/** What a lock file records about its owner. */
export interface LockOwner {
  pid: number;
  host: string;
  /** The owner's start time in clock ticks since boot (/proc/PID/stat), null where unknown. */
  start: number | null;
  since: string;
}

/** A held lock on a run folder. */
export interface RunFolderLock {
  readonly path: string;
  /** True when this call created the run folder (so a failed start can remove it again). */
  readonly createdFolder: boolean;
  /** Removes the lock file if it is still this process's. */
  release(): void;
}

/** Thrown when another live study holds the folder. */
export class RunFolderBusyError extends Error {
  constructor(readonly dir: string, readonly owner: LockOwner) {
    super(`${dir} is in use by another study (process ${owner.pid} on ${owner.host}, since ${owner.since}); ` +
      'wait for it to finish, or choose another --out');
    this.name = 'RunFolderBusyError';
  }
}

// Field 22 of /proc/PID/stat, after the parenthesized command name (which may hold spaces).
function startTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const value = Number(fields[19]);
    return Number.isFinite(value) ? value : null;
  } catch {
    return null;
  }
}

function alive(owner: LockOwner): boolean {
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false; // EPERM: alive, another user's
  }
  const now = startTicks(owner.pid);
  return owner.start === null || now === null || now === owner.start;
}

function readOwner(path: string): { text: string; owner: LockOwner | null } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const owner = JSON.parse(text) as LockOwner;
    return { text, owner: Number.isInteger(owner.pid) && typeof owner.host === 'string' ? owner : null };
  } catch {
    return { text, owner: null }; // torn by a crash while it was written: nobody can hold it
  }
}

/** Says why a folder cannot be written, naming it, for EACCES / EPERM / EROFS; other errors pass through. */
export function notWritableError(dir: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EROFS') return new Error(`${dir} is on a read-only file system; choose another --out`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new Error(`${dir} is read-only for this user (${code}); choose another --out`, { cause: error });
  return error as Error;
}

function tryCreate(path: string, record: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, record);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Creates `dir` when missing and takes its lock: refused with RunFolderBusyError while a live
 * process holds it, taken over when its holder is gone. Released on process exit at the latest.
 */
export function lockRunFolder(dir: string): RunFolderLock {
  let createdFolder = false;
  try {
    createdFolder = mkdirSync(dir, { recursive: true }) !== undefined;
  } catch (error) {
    throw notWritableError(dir, error);
  }
  const path = join(dir, LOCK_FILE);
  const mine: LockOwner = { pid: process.pid, host: hostname(), start: startTicks(process.pid), since: new Date().toISOString() };
  const record = `${JSON.stringify(mine)}\n`;
  for (let attempt = 0; ; attempt++) {
    let created: boolean;
    try {
      created = tryCreate(path, record);
    } catch (error) {
      throw notWritableError(dir, error);
    }
    if (created) break;
    const held = readOwner(path);
    if (held === null) continue; // released in between
    const { owner } = held;
    if (owner && owner.host !== mine.host) {
      throw new Error(`${dir} is locked by process ${owner.pid} on another host (${owner.host}); if no study runs there, delete ${path}`);
    }
    if (owner && alive(owner)) throw new RunFolderBusyError(dir, owner);
    if (attempt >= 3) throw new Error(`${path}: could not take over the stale lock; delete it and retry`);
    // Stale: remove it only if it is still the same stale record (another process may have taken it over).
    if (readOwner(path)?.text === held.text) rmSync(path, { force: true });
  }
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readOwner(path)?.text === record) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, createdFolder, release };
}
