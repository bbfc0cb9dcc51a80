// Deterministic release of libtorch memory: tidy() scopes, keep(), and the live-tensor count.
// A GC finalizer in the addon frees forgotten tensors too, but only as a safety net: a training
// loop that relied on it would hold gigabytes until V8 felt like collecting.
import { native } from './native.js';

/** Anything that owns a libtorch tensor and can release it now. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

interface Trackable extends Disposable {
  kept: boolean;
}

const scopes: Trackable[][] = [];

/** Registers a new tensor with the innermost tidy() scope, if any. Called by the Tensor constructor. */
export function track(tensor: Trackable): void {
  if (scopes.length > 0) scopes[scopes.length - 1].push(tensor);
}

/** Exempts a tensor from every enclosing tidy(): it lives until disposed explicitly. */
export function keep<T extends Trackable>(tensor: T): T {
  tensor.kept = true;
  return tensor;
}

function collect(value: unknown, into: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if ('dispose' in value && 'kept' in value) {
    into.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, into, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, into, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) collect(v, into, depth + 1);
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
    for (const t of scope) if (!t.kept) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    for (const t of scope) if (!t.kept) t.dispose();
    throw new TypeError('tidy(fn): fn returned a Promise; tidy() only scopes synchronous code (await outside, tidy inside)');
  }
  const survivors = new Set<unknown>();
  collect(result, survivors);
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : undefined;
  for (const t of scope) {
    if (survivors.has(t)) parent?.push(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}

/** Disposes every tensor found in `value` (a tensor, or arrays / Maps / plain objects of them). */
export function dispose(value: unknown): void {
  const found = new Set<unknown>();
  collect(value, found);
  for (const t of found) (t as Disposable).dispose();
}

/** Live tensors right now: how many handles JS holds, and the bytes they address. */
export function memory(): { tensors: number; bytes: number } {
  return native.memory() as { tensors: number; bytes: number };
}
