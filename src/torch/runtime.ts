// Facts about the libtorch build and its thread pool.
import { native } from './native.js';

/** The libtorch version the addon was compiled against, e.g. '1.13.0'. */
export const version: string = native.version;

/** Whether the addon was built against a libtorch with CUDA. */
export const builtWithCuda: boolean = native.builtWithCuda;

/** Whether a CUDA device can be used now. */
export function cudaAvailable(): boolean {
  return native.cudaAvailable();
}

/** Number of visible CUDA devices (0 without CUDA). */
export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

/** Sets libtorch's intra-op thread count (torch.set_num_threads). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`setNumThreads: expected a positive integer, got ${n}`);
  native.setNumThreads(n);
}

/** libtorch's intra-op thread count. */
export function getNumThreads(): number {
  return native.getNumThreads();
}
