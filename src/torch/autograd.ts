// Grad mode: whether libtorch records operations for backward(). libtorch keeps it per thread (a
// worker_thread has its own), and both helpers restore it in `finally`, also when fn throws.
import { native } from './native.js';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const previous = native.setGradEnabled(enabled);
  try {
    return fn();
  } finally {
    native.setGradEnabled(previous);
  }
}

/** Runs fn without recording operations for autograd (torch.no_grad). fn must be synchronous. */
export function noGrad<T>(fn: () => T): T {
  return withGradMode(false, fn);
}

/** Runs fn with autograd recording on, even inside noGrad (torch.enable_grad). */
export function enableGrad<T>(fn: () => T): T {
  return withGradMode(true, fn);
}

/** Whether operations are being recorded now. */
export function isGradEnabled(): boolean {
  return native.isGradEnabled();
}
