// torch.backends: the global switches of libtorch's backends (at::globalContext()), which can be set
// on a CPU-only build too, where they have no effect, as in PyTorch; and the switch of smoothlab's
// own fused layer kernels.
import { native } from './native.js';

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`torch.backends.${name} must be a boolean, got ${String(value)}`);
  return value;
}

let fusedLayers = true;

/**
 * smoothlab's fused layer kernels, which PyTorch does not have: training-mode BatchNorm2d (+ReLU) in
 * two passes each way (native/fused.cc) and, in eval mode, Conv2d+BatchNorm2d folded into one
 * convolution (nn.convBatchNorm). They round differently from ATen's kernels (float round-off of
 * each layer's output: the tests hold them to 1e-5 of its scale). With `enabled` false every layer
 * runs ATen's kernels one by one, as PyTorch does, bit for bit; that matters where rounding is
 * amplified, e.g. BatchNorm over a batch of two.
 * The fused optimizers have their own `fused` option, already bit for bit the op-by-op update.
 */
export const fused = {
  /** Whether the fused layer kernels run where they apply (default true). */
  get enabled(): boolean {
    return fusedLayers;
  },
  set enabled(value: boolean) {
    fusedLayers = flag('fused.enabled', value);
  },
};

/** torch.backends.cudnn: whether cuDNN is used, and how it picks its convolution algorithms. */
export const cudnn = {
  /** Lets cuDNN time several convolution algorithms per input shape and keep the fastest (default false). */
  get benchmark(): boolean {
    return native.getCudnnBenchmark();
  },
  set benchmark(value: boolean) {
    native.setCudnnBenchmark(flag('cudnn.benchmark', value));
  },
  /** Restricts cuDNN to deterministic algorithms (default false). */
  get deterministic(): boolean {
    return native.getCudnnDeterministic();
  },
  set deterministic(value: boolean) {
    native.setCudnnDeterministic(flag('cudnn.deterministic', value));
  },
  /** Whether cuDNN is used at all where it could be (default true). */
  get enabled(): boolean {
    return native.getCudnnEnabled();
  },
  set enabled(value: boolean) {
    native.setCudnnEnabled(flag('cudnn.enabled', value));
  },
  /** Whether this libtorch has cuDNN. */
  isAvailable(): boolean {
    return native.cudnnIsAvailable();
  },
  /** cuDNN's version number (e.g. 90100), or null without cuDNN. */
  version(): number | null {
    const v = native.cudnnVersion();
    return v === 0 ? null : v;
  },
};
