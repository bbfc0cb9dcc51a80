// Deterministic release of libtorch memory: tidy() scopes, keep(), and the live-tensor count.
// A FinalizationRegistry frees forgotten tensors too, but only as a safety net: a training loop
// that relied on it would hold gigabytes until V8 felt like collecting. Tensors inside a tidy()
// scope skip the registry (the scope frees them), which keeps the per-op cost low; they join it
// when they outlive the outermost scope or are kept.
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
  /** Whether the safety-net registry watches it. */
  guarded: boolean;
}

const scopes: Trackable[][] = [];
const registry = new FinalizationRegistry<Handle>((handle) => native.dispose(handle));

function guard(tensor: Trackable): void {
  if (tensor.guarded || tensor.isDisposed) return;
  registry.register(tensor, tensor.handle, tensor);
  tensor.guarded = true;
}

// Tensors made outside any scope join the registry in batches, when the event loop turns (or every
// YOUNG_LIMIT tensors): most temporaries are disposed before that and never pay for registration,
// which costs more than a small op. Finalization callbacks only run between tasks anyway.
const YOUNG_LIMIT = 4096;
let young: Trackable[] = [];
let flushScheduled = false;

function guardYoung(): void {
  flushScheduled = false;
  const batch = young;
  young = [];
  for (const t of batch) guard(t);
}

/** Registers a new tensor with the innermost tidy() scope, or with the GC safety net outside any scope. */
export function track(tensor: Trackable): void {
  if (scopes.length > 0) {
    scopes[scopes.length - 1].push(tensor);
    return;
  }
  young.push(tensor);
  if (young.length >= YOUNG_LIMIT) guardYoung();
  else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(guardYoung).unref();
  }
}

/** Called by dispose(): the GC safety net must not free the handle a second time. */
export function untrack(tensor: Trackable): void {
  if (tensor.guarded) registry.unregister(tensor);
}

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
