// The worker threads of a DataLoader: start (each rebuilds its transform or dataset), run batch
// tasks on the least busy worker, and stop. A worker that reports a failure, throws outside a task, or exits
// rejects the tasks it holds with a DataLoaderError naming the worker, batch and sample.
import { Worker } from 'node:worker_threads';
import { DataLoaderError, reviveError } from './errors.js';
import type { WorkerReply } from './worker.js';

interface Pending {
  batch: number;
  resolve: (payload: unknown) => void;
  reject: (error: Error) => void;
}

interface Member {
  id: number;
  worker: Worker;
  pending: Map<number, Pending>;
  exited: boolean;
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** One batch for a worker: its index (for error messages) and what the worker script reads. */
export type PoolTask = { batch: number } & Record<string, unknown>;

/** A set of started worker threads running one worker script with the same init data. */
export class WorkerPool {
  private readonly members: Member[] = [];
  private nextId = 0;
  private closing = false;

  private constructor() {}

  /** Starts `count` workers of `script` (the image worker by default) and waits until each is ready. */
  static async start(count: number, init: Record<string, unknown>, script: URL = WORKER_URL): Promise<WorkerPool> {
    const pool = new WorkerPool();
    const ready: Promise<void>[] = [];
    for (let id = 0; id < count; id++) {
      const worker = new Worker(script, { workerData: { ...init, workerId: id } });
      const member: Member = { id, worker, pending: new Map(), exited: false };
      pool.members.push(member);
      ready.push(new Promise<void>((resolve, reject) => {
        const onReady = (reply: WorkerReply) => {
          if (reply.type === 'ready') resolve();
          else if (reply.type === 'init-error') reject(new DataLoaderError(`DataLoader worker ${id} could not start: ${reply.error.message}`, { workerId: id, cause: reviveError(reply.error) }));
          if (reply.type === 'ready' || reply.type === 'init-error') {
            worker.off('message', onReady);
            worker.on('message', (r: WorkerReply) => pool.onReply(member, r));
          }
        };
        worker.on('message', onReady);
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new DataLoaderError(`DataLoader worker ${id} exited with code ${code} while starting`, { workerId: id })));
      }));
      worker.on('error', (error) => pool.fail(member, error));
      worker.on('exit', (code) => {
        member.exited = true;
        if (!pool.closing) pool.fail(member, new Error(`exited unexpectedly with code ${code}`));
      });
    }
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.close();
      throw error;
    }
    pool.setRef(false);
    return pool;
  }

  /** Number of live worker threads. */
  get size(): number {
    return this.members.filter((m) => !m.exited).length;
  }

  /**
   * Keeps the process alive while tasks run (ref) or lets it exit when the pool is idle (unref),
   * so that a forgotten persistent loader does not hang the program.
   */
  setRef(ref: boolean): void {
    for (const m of this.members) if (!m.exited) (ref ? m.worker.ref() : m.worker.unref());
  }

  /** Prepares one batch on the least busy worker; resolves with the worker's payload when done. */
  run(task: PoolTask): Promise<unknown> {
    const alive = this.members.filter((m) => !m.exited);
    if (alive.length === 0) return Promise.reject(new DataLoaderError('DataLoader: no worker is running', { batchIndex: task.batch }));
    const member = alive.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.nextId++;
    return new Promise<unknown>((resolve, reject) => {
      member.pending.set(id, { batch: task.batch, resolve, reject });
      member.worker.postMessage({ ...task, type: 'task', id });
    });
  }

  private onReply(member: Member, reply: WorkerReply): void {
    if (reply.type !== 'done' && reply.type !== 'error') return;
    const pending = member.pending.get(reply.id);
    if (pending === undefined) return;
    member.pending.delete(reply.id);
    if (reply.type === 'done') {
      pending.resolve(reply.payload);
      return;
    }
    const where = reply.sampleIndex !== null ? `sample ${reply.sampleIndex} (batch ${pending.batch})` : `batch ${pending.batch}`;
    pending.reject(new DataLoaderError(`DataLoader worker ${member.id} failed on ${where}: ${reply.error.name}: ${reply.error.message}`, {
      sampleIndex: reply.sampleIndex, batchIndex: pending.batch, workerId: member.id, cause: reviveError(reply.error),
    }));
  }

  private fail(member: Member, error: Error): void {
    for (const [id, p] of member.pending) {
      member.pending.delete(id);
      p.reject(new DataLoaderError(`DataLoader worker ${member.id} ${error.message.startsWith('exited') ? error.message : `crashed: ${error.message}`} while preparing batch ${p.batch}`, {
        batchIndex: p.batch, workerId: member.id, cause: error,
      }));
    }
  }

  /** Stops every worker and waits for the threads to exit. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.members.map(async (m) => {
      if (!m.exited) await m.worker.terminate();
      m.exited = true;
      this.fail(m, new Error('exited: the DataLoader was closed'));
    }));
  }
}
