// Runs a child script as several ranks of one group on 127.0.0.1 and collects what each prints.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A port that was free a moment ago (the OS picks it: no fixed port to collide with another job). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** One rank's exit code, stdout and stderr. */
export interface RankResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** What a rank runs: a command and its arguments. */
export type RankCommand = readonly [string, readonly string[]];

/** Starts each rank's command (one command for all, or one per rank) with torchrun's variables set, and waits for all of them. */
export function runRanks(command: RankCommand | ((rank: number) => RankCommand), worldSize: number, port: number, extraEnv: Record<string, string> = {}): Promise<RankResult[]> {
  return Promise.all(
    Array.from({ length: worldSize }, (_, rank) =>
      new Promise<RankResult>((resolve, reject) => {
        const env = {
          ...process.env, MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(worldSize),
          LOCAL_RANK: String(rank), LOCAL_WORLD_SIZE: String(worldSize), OMP_NUM_THREADS: '1', ...extraEnv,
        };
        const [file, args] = typeof command === 'function' ? command(rank) : command;
        const child = spawn(file, [...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ code, stdout, stderr }));
      })),
  );
}

/** The last line of a rank's stdout, parsed as JSON (the children print their results that way). */
export function lastJson<T>(result: RankResult): T {
  const lines = result.stdout.trim().split('\n');
  try {
    return JSON.parse(lines[lines.length - 1]) as T;
  } catch {
    throw new Error(`rank printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}
