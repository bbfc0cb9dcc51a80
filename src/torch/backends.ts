// torch.backends: the global switches of libtorch's backends (at::globalContext()). They can be set
// on a CPU-only build too, where they have no effect, as in PyTorch.
import { native } from './native.js';

function flag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new TypeError(`torch.backends.cudnn.${name} must be a boolean, got ${String(value)}`);
  return value;
}

/** torch.backends.cudnn: whether cuDNN is used, and how it picks its convolution algorithms. */
export const cudnn = {
  /** Lets cuDNN time several convolution algorithms per input shape and keep the fastest (default false). */
  get benchmark(): boolean {
    return native.getCudnnBenchmark();
  },
  set benchmark(value: boolean) {
    native.setCudnnBenchmark(flag('benchmark', value));
  },
  /** Restricts cuDNN to deterministic algorithms (default false). */
  get deterministic(): boolean {
    return native.getCudnnDeterministic();
  },
  set deterministic(value: boolean) {
    native.setCudnnDeterministic(flag('deterministic', value));
  },
  /** Whether cuDNN is used at all where it could be (default true). */
  get enabled(): boolean {
    return native.getCudnnEnabled();
  },
  set enabled(value: boolean) {
    native.setCudnnEnabled(flag('enabled', value));
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
