// The device a study trains on: 'auto' is the notebook's choice (cuda:0 when CUDA can be used,
// else cpu); an explicit CUDA device is checked before anything is loaded or written, so a machine
// without one fails at once with the reason instead of deep inside the first forward pass.
import type { Device } from '../torch/dtype.js';
import { builtWithCuda, cudaAvailable, cudaDeviceCount } from '../torch/runtime.js';

/** The device `requested` ('auto', 'cpu', 'cuda', 'cuda:N') names on this machine; throws when it cannot be used. */
export function resolveDevice(requested: string): Device {
  if (requested === 'auto') return cudaAvailable() ? 'cuda:0' : 'cpu';
  if (requested === 'cpu') return 'cpu';
  const match = /^cuda(?::(\d+))?$/.exec(requested);
  if (!match) throw new RangeError(`device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got ${JSON.stringify(requested)}`);
  if (!builtWithCuda) throw new Error(`device ${requested}: this smoothlab was built against a CPU-only libtorch (see "Which libtorch" in the README); use --device cpu or auto`);
  if (!cudaAvailable()) throw new Error(`device ${requested}: no CUDA device can be used here (driver or GPU missing); use --device cpu or auto`);
  const index = Number(match[1] ?? 0);
  const count = cudaDeviceCount();
  if (index >= count) throw new Error(`device ${requested}: only ${count} CUDA device${count === 1 ? '' : 's'} (cuda:0${count > 1 ? `..cuda:${count - 1}` : ''})`);
  return requested as Device;
}

/** The device a study of `config` trains on: a data-parallel study's ranks reduce over Gloo, so its 'auto' is the CPU. */
export function studyDevice(config: { device: string; nprocPerNode?: number }): Device {
  return resolveDevice(config.nprocPerNode !== undefined && config.device === 'auto' ? 'cpu' : config.device);
}

/** Whether a study's loaders pin their host batches: on CUDA, so that fit() and the analysis copy them to the GPU without blocking. */
export function pinMemoryFor(device: Device): boolean {
  return device !== 'cpu';
}
