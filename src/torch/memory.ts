// Deterministic release of libtorch memory: tidy() scopes, keep(), and the live-tensor count.
// Forgotten tensors are freed too, as a safety net for PyTorch-style code that never disposes: the
// addon holds a weak reference to each Tensor that outlives its first moments and, after V8 has
// collected (it collects under the pressure of the tensors' bytes, which the addon reports as
// external memory), releases the tensors whose Tensor object is gone. That happens every few dozen
// tensor creations, so even a loop that never yields to the event loop stays bounded. Tensors
// inside a tidy() scope skip all of this (the scope frees them), which keeps the per-op cost low.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Handle, native } from './native.js';

/** Anything that owns a libtorch tensor and can release it now. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

/** What memory management needs of a tensor (Tensor implements it). */
export interface Trackable extends Disposable {
  readonly handle: Handle;
  /** Marks the tensor disposed and hands its handle over for release (null when already disposed). */
  takeHandle(): Handle | null;
  /** Set by keep(): no tidy() scope disposes it. */
  kept: boolean;
  /** Whether the safety net watches it. */
  guarded: boolean;
}

const scopes: Trackable[][] = [];

function guard(tensor: Trackable): void {
  if (tensor.guarded || tensor.isDisposed) return;
  native.watch(tensor, tensor.handle);
  tensor.guarded = true;
}

// Tensors made outside any scope are watched in batches: most temporaries are disposed before that
// and never pay for a weak reference, which costs more than a small op. The batch holds them
// strongly, so it is flushed when the event loop turns, and also every YOUNG_LIMIT tensors or
// YOUNG_BYTES of growth, whichever comes first (a loop of large tensors would otherwise pin
// gigabytes). The budget is checked every CHECK_EVERY creations.
const YOUNG_LIMIT = 4096;
const YOUNG_BYTES = 32 * 1024 * 1024;
const CHECK_EVERY = 64;
let young: Trackable[] = [];
let bytesAtFlush = 0;
let flushScheduled = false;

function guardYoung(): void {
  const batch = young;
  young = [];
  for (const t of batch) guard(t);
  bytesAtFlush = native.memory()[1];
}

// The leak warning: tensors that stay reachable cannot be collected, so the safety net cannot help;
// when the live count grows across many collections in a row, say so once, with where they are made.
const LEAK_STREAK = 16;
const LEAK_MIN_TENSORS = 20_000;
let lastLive = 0;
let streak = 0;
let warned = false;

/** Where user code made the tensor being created now: the stack without smoothlab's torch/ frames. */
function creationSite(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const user = frames.filter((f) => !/[\\/]src[\\/]torch[\\/]/.test(f));
  return (user.length > 0 ? user : frames).slice(0, 4).map((f) => f.trim()).join('\n    ');
}

function afterSweep(): void {
  const live = native.memory()[0];
  streak = live > lastLive ? streak + 1 : 0;
  lastLive = live;
  if (!warned && streak >= LEAK_STREAK && live >= LEAK_MIN_TENSORS) {
    warned = true;
    process.emitWarning(
      `${live} tensors are alive and their number grew across the last ${streak} garbage collections: ` +
        'something keeps them reachable (a list of loss tensors? keep loss.item() instead), so the GC safety net cannot free them. ' +
        `dispose() them, or wrap each step in torch.tidy(() => ...). The latest were made at\n    ${creationSite()}`,
      { code: 'SMOOTHLAB_TENSOR_LEAK' },
    );
  }
}

// Frees what the last collection found unreachable (nothing, cheaply, when there was none).
function sweep(always = false): void {
  if (native.sweep(always) >= 0) afterSweep();
}

// After a collection that happens while the program waits (no tensor is being made to run the
// budget check), the finalizer of a throwaway object sweeps, and plants the next one.
const canaries = new FinalizationRegistry<number>(() => {
  sweep();
  plantCanary();
});
function plantCanary(): void {
  canaries.register({}, 0);
}
plantCanary();

function onIdle(): void {
  flushScheduled = false;
  guardYoung();
  sweep();
}

// V8 collects by itself under external memory pressure, but it raises its limit after every
// collection to what was live at that moment, garbage included (the addon frees the garbage only
// after the collection): left alone, the gaps between collections grow without bound. So when the
// libtorch bytes have grown by GC_BUDGET, or doubled, since the last full collection, the safety
// net asks for one itself. A full collection of a small heap takes milliseconds, and tensors that
// are really alive move the baseline up, so a growing working set costs one collection per doubling.
const GC_BUDGET = 64 * 1024 * 1024;
let baseline = 0;
let gcFunction: (() => void) | null | undefined;

function collector(): (() => void) | null {
  if (gcFunction === undefined) {
    gcFunction = null;
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (typeof exposed === 'function') gcFunction = exposed;
    else {
      try {
        // The documented way to reach V8's gc() without --expose-gc on the command line.
        setFlagsFromString('--expose-gc');
        const gc = runInNewContext('gc') as unknown;
        if (typeof gc === 'function') gcFunction = gc as () => void;
      } catch {
        // no collector: V8's own heuristics remain
      }
    }
  }
  return gcFunction;
}

function checkBudget(): void {
  const bytes = native.memory()[1];
  if (young.length >= YOUNG_LIMIT || bytes - bytesAtFlush > YOUNG_BYTES) guardYoung();
  baseline = Math.min(baseline, bytes);
  const gc = bytes - baseline > Math.max(GC_BUDGET, baseline) ? collector() : null;
  if (gc !== null) {
    guardYoung();
    gc();
    sweep(true);
    baseline = native.memory()[1];
  } else {
    sweep();
  }
}

/** Registers a new tensor with the innermost tidy() scope, or with the GC safety net outside any scope. */
export function track(tensor: Trackable): void {
  if (scopes.length > 0) {
    scopes[scopes.length - 1].push(tensor);
    return;
  }
  young.push(tensor);
  if (young.length % CHECK_EVERY === 0) checkBudget();
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(onIdle).unref();
  }
}

/** Called by dispose(); nothing to do: the addon drops its weak reference when the handle is released. */
export function untrack(_tensor: Trackable): void {}

/** Exempts a tensor from every enclosing tidy(): it lives until disposed explicitly. */
export function keep<T extends Trackable>(tensor: T): T {
  tensor.kept = true;
  guard(tensor);
  return tensor;
}

// torch.load returns null-prototype records (any tensor name, `__proto__` too, is a plain key):
// dispose() and tidy() look into them as into {} objects.
function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function collect(value: unknown, into: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if ('dispose' in value && 'guarded' in value) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, depth + 1);
  else if (isPlainObject(value)) for (const v of Object.values(value)) collect(v, into, depth + 1);
}

/**
 * Runs `fn` and disposes every tensor created inside it, except the tensors it returns (alone, or
 * inside arrays, Maps and plain objects) and those passed to keep(). Returned tensors belong to the
 * enclosing scope. Also disposes on throw. `fn` must be synchronous.
 */
export function tidy<T>(fn: () => T): T {
  const scope: Trackable[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    release(scope.filter((t) => !t.kept));
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    release(scope.filter((t) => !t.kept));
    throw new TypeError('tidy(fn): fn returned a Promise; tidy() only scopes synchronous code (await outside, tidy inside)');
  }
  const survivors = new Set<unknown>();
  collect(result, survivors);
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  const doomed: Trackable[] = [];
  for (const t of scope) {
    if (survivors.has(t)) {
      if (parent) parent.push(t);
      else track(t);
    } else if (!t.kept) doomed.push(t);
  }
  release(doomed);
  return result;
}

// Releases a scope's tensors in one native call rather than one per tensor: a training step makes
// hundreds of temporaries, and each call into the addon costs about as much as freeing one. The
// handles travel in one reused Int32Array, which the addon reads as plain memory; a new one per
// scope would cost a zeroed off-heap allocation each time.
let releaseBuffer = new Int32Array(1024);
function release(tensors: Trackable[]): void {
  if (releaseBuffer.length < tensors.length) releaseBuffer = new Int32Array(Math.max(tensors.length, 2 * releaseBuffer.length));
  let count = 0;
  for (const t of tensors) {
    const h = t.takeHandle();
    if (h !== null) releaseBuffer[count++] = h;
  }
  if (count > 0) native.disposeAll(releaseBuffer, count);
}

/** Disposes every tensor found in `value` (a tensor, or arrays / Maps / plain objects of them). */
export function dispose(value: unknown): void {
  const found = new Set<unknown>();
  collect(value, found);
  for (const t of found) (t as Disposable).dispose();
}

/** Live tensors right now: how many handles this JS thread holds, and the bytes they address (each worker_thread counts its own). */
export function memory(): { tensors: number; bytes: number } {
  const [tensors, bytes] = native.memory();
  return { tensors, bytes };
}
