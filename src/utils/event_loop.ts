// Long computations that never wait on I/O starve the event loop: a training loop whose batches are
// ready (or computed in this thread) runs from microtask to microtask, and signal handlers, timers,
// finalizers and worker messages wait until it ends. Loops call turnEventLoop() once per step; it
// lets the loop turn (a macrotask) when the last turn is more than TURN_INTERVAL_MS ago, which
// keeps its cost far below a step's.
import { setImmediate } from 'node:timers/promises';

const TURN_INTERVAL_MS = 8;
let lastTurn = performance.now();

/** Lets the event loop turn when it has not for a few milliseconds; null when it just did (nothing to await). */
export function turnEventLoop(): Promise<void> | null {
  const now = performance.now();
  if (now - lastTurn < TURN_INTERVAL_MS) return null;
  return setImmediate().then(() => {
    lastTurn = performance.now();
  });
}
