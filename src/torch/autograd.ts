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

/**
 * Runs fn in inference mode (torch.inference_mode): like noGrad, and also without the version
 * counters and view tracking autograd would need later, so evaluation does the least bookkeeping.
 * Tensors created inside are inference tensors (`isInference()`): they can be read anywhere, but
 * not modified in place outside inference mode, nor saved for a backward pass. fn must be
 * synchronous. `mode` false runs fn with inference mode off (as inference_mode(False)).
 */
export function inferenceMode<T>(fn: () => T, mode = true): T {
  native.enterInferenceMode(mode);
  try {
    return fn();
  } finally {
    native.exitInferenceMode();
  }
}

/** Whether inference mode is on now (torch.is_inference_mode_enabled). */
export function isInferenceModeEnabled(): boolean {
  return native.isInferenceModeEnabled();
}
