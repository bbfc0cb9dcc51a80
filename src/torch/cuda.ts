// torch.cuda: device queries, synchronisation, CUDA's generators and the caching allocator's
// statistics. On a CPU-only build the queries answer as PyTorch's CPU build does (not available,
// 0 devices, 0 bytes; seeding and emptying the cache do nothing), and what needs a device throws
// an error that names the fix.
import type { Device } from './dtype.js';
import { native } from './native.js';
import { builtWithCuda, version } from './runtime.js';

function needsCuda(op: string): void {
  if (!builtWithCuda) {
    throw new Error(
      `torch.cuda.${op}: smoothlab's addon was built against a CPU-only libtorch (${version}). Rebuild it against a CUDA ` +
        'libtorch: LIBTORCH=/path/to/libtorch (a CUDA download) or LIBTORCH_USE_PYTORCH=1 (a CUDA build of Python torch), ' +
        'then `node scripts/build-native.mjs` in a checkout or `npm rebuild smoothlab` in an app.',
    );
  }
  if (!native.cudaAvailable()) {
    throw new Error(`torch.cuda.${op}: no CUDA GPU is visible (check the NVIDIA driver with nvidia-smi, and CUDA_VISIBLE_DEVICES)`);
  }
}

// A device as torch.cuda's functions take it: an index, 'cuda' / 'cuda:N', or nothing (the current one, -1).
function deviceIndex(device: number | Device | undefined, op: string): number {
  if (device === undefined) return -1;
  if (typeof device === 'number' && Number.isInteger(device) && device >= -1) return device;
  if (device === 'cuda') return -1;
  const m = typeof device === 'string' ? /^cuda:(\d+)$/.exec(device) : null;
  if (m) return Number(m[1]);
  throw new TypeError(`torch.cuda.${op}: device must be a device index, 'cuda' or 'cuda:N', got ${String(device)}`);
}

function seed(value: number | bigint, op: string): number | bigint {
  if ((typeof value !== 'number' || !Number.isInteger(value) || value < 0) && (typeof value !== 'bigint' || value < 0n)) {
    throw new TypeError(`torch.cuda.${op}: seed must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

/** Whether a CUDA device can be used now (false on a CPU-only build). */
export function isAvailable(): boolean {
  return native.cudaAvailable();
}

/** The number of visible CUDA devices (0 on a CPU-only build). */
export function deviceCount(): number {
  return native.cudaDeviceCount();
}

/** Waits until every queued kernel on the device (default: the current one) has finished. */
export function synchronize(device?: number | Device): void {
  const index = deviceIndex(device, 'synchronize');
  needsCuda('synchronize');
  native.cudaSynchronize(index);
}

/** Seeds the current CUDA device's generator; does nothing without CUDA, as in PyTorch. */
export function manualSeed(value: number | bigint): void {
  native.cudaManualSeed(seed(value, 'manualSeed'));
}

/** Seeds every CUDA device's generator; does nothing without CUDA, as in PyTorch. */
export function manualSeedAll(value: number | bigint): void {
  native.cudaManualSeedAll(seed(value, 'manualSeedAll'));
}

/** Bytes the caching allocator has handed out to tensors on the device now (0 before any CUDA allocation). */
export function memoryAllocated(device?: number | Device): number {
  return native.cudaMemoryAllocated(deviceIndex(device, 'memoryAllocated'));
}

/** The peak of memoryAllocated since the start or the last resetPeakMemoryStats (0 before any CUDA allocation). */
export function maxMemoryAllocated(device?: number | Device): number {
  return native.cudaMaxMemoryAllocated(deviceIndex(device, 'maxMemoryAllocated'));
}

/** Starts the peak statistics (maxMemoryAllocated) afresh from the current numbers. */
export function resetPeakMemoryStats(device?: number | Device): void {
  const index = deviceIndex(device, 'resetPeakMemoryStats');
  needsCuda('resetPeakMemoryStats');
  native.cudaResetPeakMemoryStats(index);
}

/** Returns the allocator's cached, unused blocks to the driver (does nothing without CUDA). */
export function emptyCache(): void {
  native.cudaEmptyCache();
}

/** The device's (default: the current one's) compute capability as [major, minor], e.g. [9, 0] on a Hopper GPU. */
export function getDeviceCapability(device?: number | Device): [number, number] {
  const index = deviceIndex(device, 'getDeviceCapability');
  needsCuda('getDeviceCapability');
  const [major, minor] = native.cudaGetDeviceCapability(index);
  return [major, minor];
}

/** Options of isBf16Supported(), as PyTorch 2.x's is_bf16_supported(including_emulation=True). */
export interface IsBf16SupportedOptions {
  /** Also true where bfloat16 only runs emulated, slower than float32 (default true, as PyTorch's). */
  includingEmulation?: boolean;
}

/**
 * Whether the current CUDA device computes in bfloat16: natively from compute capability 8.0
 * (Ampere) with CUDA 11, or, unless includingEmulation is false, wherever a bfloat16 tensor can be
 * made. false without CUDA, as in PyTorch.
 */
export function isBf16Supported({ includingEmulation = true }: IsBf16SupportedOptions = {}): boolean {
  if (typeof includingEmulation !== 'boolean') throw new TypeError(`torch.cuda.isBf16Supported: includingEmulation must be a boolean, got ${String(includingEmulation)}`);
  return native.cudaIsBf16Supported(includingEmulation);
}
