// What a study's --precision means on the device it runs on, checked before anything is loaded or
// written (as the device is): fp32 trains as the notebook does; bf16 runs the forward pass and the
// loss under bfloat16 autocast on that device (CPU autocast has bfloat16 on every libtorch; a CUDA
// GPU needs native bfloat16); fp16 adds loss scaling to float16 autocast and is CUDA only: CPU
// float16 autocast arrived in PyTorch 2.4, and float16's narrow range is why loss scaling exists,
// while bfloat16 keeps float32's range and needs none.
import type { AutocastOptions } from '../torch/amp/autocast_mode.js';
import { getDeviceCapability } from '../torch/cuda.js';
import type { Device } from '../torch/dtype.js';
import type { StudyConfig } from './schema.js';

/** How a study's runs compute: the autocast region (absent: float32, as fit's) and whether a GradScaler scales the loss. */
export interface StudyPrecision {
  autocast?: AutocastOptions;
  gradScaler: boolean;
}

/** The precision plan of `precision` on `device`; throws an Error naming --precision and the fix when the device cannot do it. */
export function resolvePrecision(precision: StudyConfig['precision'], device: Device): StudyPrecision {
  if (precision === 'fp32') return { gradScaler: false };
  const deviceType = device === 'cpu' ? 'cpu' : 'cuda';
  if (precision === 'fp16') {
    if (deviceType === 'cpu') {
      throw new Error('--precision fp16 (float16 autocast with loss scaling) needs a CUDA device, and this study runs on cpu; ' +
        'use --precision bf16 for mixed precision on the CPU, or --device cuda on a machine with a GPU');
    }
    return { autocast: { deviceType, dtype: 'float16' }, gradScaler: true };
  }
  // Native bfloat16 on the run's device, which need not be the current one: emulated, it is slower than float32.
  if (deviceType === 'cuda' && getDeviceCapability(device)[0] < 8) {
    throw new Error(`--precision bf16: ${device} has no native bfloat16 (it needs compute capability 8.0, Ampere, or later); ` +
      'use --precision fp16 (float16 with loss scaling) or fp32');
  }
  return { autocast: { deviceType, dtype: 'bfloat16' }, gradScaler: false };
}
