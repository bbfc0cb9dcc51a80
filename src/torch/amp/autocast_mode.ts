// torch.autocast: runs a function with libtorch's autocast on, so that the ops on its list (linear,
// conv, matmul, ...) compute in a lower precision while the rest stays float32, as PyTorch 1.13's
// torch.amp.autocast does: the same defaults, the same refusals, and its enter/exit sequence, which
// restores the previous state (also when fn throws) and clears the cast-weight cache when the
// outermost autocast exits. libtorch keeps this state per thread.
import { isFloatingPoint, type DType } from '../dtype.js';
import { native } from '../native.js';
import { version } from '../runtime.js';

/** The device types autocast knows. */
export type AutocastDeviceType = 'cpu' | 'cuda';

/** The options of torch.autocast, with PyTorch's defaults. */
export interface AutocastOptions {
  /** Whose ops are autocast: 'cpu' or 'cuda'. */
  deviceType: AutocastDeviceType;
  /** The lower precision (default: the device's current autocast dtype, float16 on cuda and bfloat16 on cpu). */
  dtype?: DType;
  /** false runs fn with autocast off (also inside an enclosing autocast). Default true. */
  enabled?: boolean;
  /** Whether weights cast inside the region are cached for reuse (default: the current setting, true at start). */
  cacheEnabled?: boolean;
}

// CPU autocast learnt float16 in PyTorch 2.4 (its autocast_mode.py accepts it from then on).
const [major, minor] = version.split('.').map(Number);
const cpuFloat16 = major > 2 || (major === 2 && minor >= 4);

function checkDeviceType(deviceType: unknown, where: string): AutocastDeviceType {
  if (deviceType !== 'cpu' && deviceType !== 'cuda') {
    throw new TypeError(`${where}: deviceType must be 'cuda' or 'cpu', got ${String(deviceType)}`);
  }
  return deviceType;
}

/** Whether autocast is on for the device type now (torch.is_autocast_enabled). */
export function isAutocastEnabled(deviceType: AutocastDeviceType = 'cuda'): boolean {
  return native.isAutocastEnabled(checkDeviceType(deviceType, 'isAutocastEnabled'));
}

/** The dtype autocast casts to on the device type (torch.get_autocast_dtype). */
export function getAutocastDtype(deviceType: AutocastDeviceType): DType {
  return native.getAutocastDtype(checkDeviceType(deviceType, 'getAutocastDtype'));
}

/** What fn's region runs with, resolved as PyTorch's autocast.__init__ does (warnings included). */
function resolve(options: AutocastOptions): { deviceType: AutocastDeviceType; dtype: DType; enabled: boolean; cacheEnabled: boolean } {
  if (options === null || typeof options !== 'object') throw new TypeError('autocast: options must be an object with a deviceType');
  const deviceType = checkDeviceType(options.deviceType, 'autocast');
  let enabled = options.enabled ?? true;
  if (typeof enabled !== 'boolean') throw new TypeError(`autocast: enabled must be a boolean, got ${String(enabled)}`);
  if (options.dtype !== undefined && !isFloatingPoint(options.dtype)) {
    throw new TypeError(`autocast: dtype must be a floating-point dtype, got ${String(options.dtype)}`);
  }
  const dtype = options.dtype ?? native.getAutocastDtype(deviceType);
  const cacheEnabled = options.cacheEnabled ?? native.isAutocastCacheEnabled();
  if (enabled && deviceType === 'cuda' && !native.cudaAvailable()) {
    process.emitWarning("User provided device_type of 'cuda', but CUDA is not available. Disabling", { code: 'SMOOTHLAB_AUTOCAST' });
    enabled = false;
  }
  if (deviceType === 'cpu' && dtype !== 'bfloat16' && !(cpuFloat16 && dtype === 'float16')) {
    process.emitWarning(
      'In CPU autocast, but the target dtype is not supported. Disabling autocast.\n' +
        `CPU Autocast only supports dtype of ${cpuFloat16 ? 'torch.bfloat16, torch.float16' : 'torch.bfloat16'} currently.`,
      { code: 'SMOOTHLAB_AUTOCAST' },
    );
    enabled = false;
  }
  return { deviceType, dtype, enabled, cacheEnabled };
}

/**
 * Runs fn with autocast set as `options` say and returns its result (torch.autocast as a context
 * manager); nests, and fn must be synchronous, since the state belongs to the thread, not to a Promise.
 */
export function autocast<T>(options: AutocastOptions, fn: () => T): T {
  const { deviceType, dtype, enabled, cacheEnabled } = resolve(options);
  if (typeof fn !== 'function') throw new TypeError('autocast: fn must be a function');
  const previousCache = native.isAutocastCacheEnabled();
  const previous = native.isAutocastEnabled(deviceType);
  const previousDtype = native.getAutocastDtype(deviceType);
  native.setAutocastEnabled(deviceType, enabled);
  try {
    // libtorch 1.13 refuses a CPU dtype other than bfloat16 here (after the warning above), as PyTorch 1.13 does.
    native.setAutocastDtype(deviceType, dtype);
  } catch (error) {
    native.setAutocastEnabled(deviceType, previous);
    throw error;
  }
  native.autocastIncrementNesting();
  native.setAutocastCacheEnabled(cacheEnabled);
  let result: T;
  try {
    result = fn();
  } finally {
    if (native.autocastDecrementNesting() === 0) native.clearAutocastCache();
    native.setAutocastEnabled(deviceType, previous);
    native.setAutocastDtype(deviceType, previousDtype);
    native.setAutocastCacheEnabled(previousCache);
  }
  if (result instanceof Promise) {
    // Whatever ran after fn's first await ran without autocast: say so rather than train in the wrong precision.
    throw new TypeError('autocast: fn returned a Promise, but autocast state is per thread and ended when fn returned; run the forward pass synchronously inside fn');
  }
  return result;
}
