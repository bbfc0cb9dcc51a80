// Temporary names beside a target, for writes that appear by rename (atomic files, downloads,
// extraction folders). A name carries its writer's pid, so that a later writer can sweep what a
// killed process left behind (a SIGKILL mid-checkpoint would otherwise strand a file as large as
// the checkpoint) without touching a temporary that a live process is still writing.
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** A hidden name beside `path` for a temporary: `.NAME.PID-RANDOM.SUFFIX`. */
export function temporaryPath(path: string, suffix = 'tmp'): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.${suffix}`);
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes the temporaries of `path` (files or folders, any suffix) whose writing process is gone.
 * Best effort: a folder that cannot be listed, or an entry that cannot be removed, is left as is.
 */
export function removeStaleTemporaries(path: string): void {
  const prefix = `.${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(path));
  } catch {
    return;
  }
  for (const name of names) {
    const match = name.startsWith(prefix) ? /^(\d+)-[0-9a-f]{8}\.[a-z]+$/.exec(name.slice(prefix.length)) : null;
    if (!match || processAlive(Number(match[1]))) continue;
    try {
      rmSync(join(dirname(path), name), { recursive: true, force: true });
    } catch {
      // not ours to remove (permissions); harmless to leave
    }
  }
}
