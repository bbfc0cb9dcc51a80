// Errors of the data pipeline, carrying where they happened: which sample, batch and worker.

/** A transform or dataset read failed for one sample; `cause` is the original error. */
export class SampleError extends Error {
  /** Dataset index of the sample. */
  readonly sampleIndex: number;

  /** Wraps `cause`, raised while preparing sample `sampleIndex`. */
  constructor(sampleIndex: number, cause: unknown) {
    const c = cause as Error;
    super(`sample ${sampleIndex}: ${c?.name ?? 'Error'}: ${c?.message ?? String(cause)}`, { cause });
    this.name = 'SampleError';
    this.sampleIndex = sampleIndex;
  }
}

/** A DataLoader failure, raised in the caller: a sample that failed (in a worker or not), or a worker that died. */
export class DataLoaderError extends Error {
  /** Dataset index of the failing sample, when one sample failed. */
  readonly sampleIndex: number | null;
  /** Index of the batch being prepared. */
  readonly batchIndex: number | null;
  /** Worker id (0-based), or null for the main thread. */
  readonly workerId: number | null;

  /** Describes the failure; the message names the worker, batch and sample. */
  constructor(message: string, details: { sampleIndex?: number | null; batchIndex?: number | null; workerId?: number | null; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.name = 'DataLoaderError';
    this.sampleIndex = details.sampleIndex ?? null;
    this.batchIndex = details.batchIndex ?? null;
    this.workerId = details.workerId ?? null;
  }
}

/** Rebuilds an Error sent across threads as plain fields, keeping the worker's stack. */
export function reviveError(fields: { name?: string; message?: string; stack?: string }): Error {
  const error = new Error(fields.message ?? 'unknown error');
  error.name = fields.name ?? 'Error';
  if (fields.stack) error.stack = fields.stack;
  return error;
}
