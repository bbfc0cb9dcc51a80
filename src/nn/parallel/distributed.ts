// nn.parallel.DistributedDataParallel on c10d's own Reducer: the module's state broadcast from rank
// 0 at construction, gradients averaged across ranks in buckets while backward runs (the Reducer's
// autograd hooks launch each bucket's all-reduce as soon as its gradients are ready), buffers
// broadcast from rank 0 before each forward, as PyTorch 1.13's DDP does.
import { isGradEnabled } from '../../torch/autograd.js';
import { defaultProcessGroup, type ProcessGroup } from '../../torch/distributed/process_group.js';
import { native } from '../../torch/native.js';
import { Tensor } from '../../torch/tensor.js';
import { Module } from '../module.js';

/** Options of DistributedDataParallel (PyTorch's constructor arguments, camelCase). */
export interface DistributedDataParallelOptions {
  /** The group to reduce over (default: the default group of initProcessGroup). */
  processGroup?: ProcessGroup;
  /** Broadcast buffers (BatchNorm's running statistics) from rank 0 before each forward (true). */
  broadcastBuffers?: boolean;
  /** Bucket size in MiB (25); the first bucket is 1 MiB so that communication starts early. */
  bucketCapMb?: number;
  /** Let parameters that the forward did not use count as ready (false; costs a graph walk per step). */
  findUnusedParameters?: boolean;
  /** Make each parameter's grad a view into its bucket, saving a copy (false). */
  gradientAsBucketView?: boolean;
}

// DDP's broadcast_bucket_size: 250 MiB (int(250 * 1024 * 1024)).
const BROADCAST_BUCKET_BYTES = 250 * 1024 * 1024;

// Every tensor in a forward's output (a tensor, arrays and plain objects of them), for the Reducer's
// search of unused parameters.
function outputTensors(value: unknown, out: Tensor[] = []): Tensor[] {
  if (value instanceof Tensor) out.push(value);
  else if (Array.isArray(value)) for (const v of value) outputTensors(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) outputTensors(v, out);
  return out;
}

/**
 * Data parallelism across processes (torch.nn.parallel.DistributedDataParallel): wraps `module`,
 * whose state-dict keys gain the prefix 'module.' as in PyTorch. loss.backward() returns once the
 * gradients are averaged over all ranks.
 */
export class DistributedDataParallel<In extends unknown[] = [Tensor], Out = Tensor> extends Module<In, Out> {
  /** The wrapped module. */
  declare readonly module: Module<In, Out>;
  /** The group gradients are averaged over. */
  readonly processGroup: ProcessGroup;
  /** Whether buffers follow rank 0's before each forward. */
  readonly broadcastBuffers: boolean;
  readonly #findUnused: boolean;
  #reducer: number | null;
  #requireBackwardGradSync = true;
  #requireForwardParamSync = true;

  /** Wraps `module` and makes every rank start from rank 0's parameters and buffers. */
  constructor(module: Module<In, Out>, options: DistributedDataParallelOptions = {}) {
    super();
    const { processGroup = defaultProcessGroup(), broadcastBuffers = true, bucketCapMb = 25, findUnusedParameters = false, gradientAsBucketView = false } = options;
    if (!(bucketCapMb > 0)) throw new RangeError(`DistributedDataParallel: bucketCapMb must be positive, got ${bucketCapMb}`);
    this.registerModule('module', module);
    this.processGroup = processGroup;
    this.broadcastBuffers = broadcastBuffers;
    this.#findUnused = findUnusedParameters;
    const params = module.parameters().filter((p) => p.requiresGrad);
    if (params.length === 0) throw new Error("DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.");
    native.distVerifyParamsAcrossProcesses(processGroup.id, params.map((p) => p.handle));
    // PyTorch's _sync_module_states: parameters and buffers, in flat buckets of 250 MiB. Blocking, as
    // in PyTorch: nothing on this rank can run before its weights are rank 0's.
    const states = [...module.parameters(), ...module.buffers()];
    native.distBroadcastCoalesced(processGroup.id, states.map((t) => t.handle), BROADCAST_BUCKET_BYTES, 0);
    this.#reducer = native.distReducerCreate(processGroup.id, params.map((p) => p.handle), Math.round(bucketCapMb * 1024 * 1024), findUnusedParameters, gradientAsBucketView);
  }

  /** Runs the module; with grad mode on, the next backward averages gradients across ranks (unless inside noSync). */
  forward(...input: In): Out {
    const reducer = this.#liveReducer();
    const grad = isGradEnabled();
    if (grad) native.distReducerPrepareForForward(reducer, this.#requireBackwardGradSync);
    const buffers = this.module.buffers();
    if (this.#requireForwardParamSync && this.broadcastBuffers && buffers.length > 0) {
      native.distBroadcastCoalesced(this.processGroup.id, buffers.map((b) => b.handle), BROADCAST_BUCKET_BYTES, 0);
    }
    const output = this.module.call(...input);
    if (grad && this.#requireBackwardGradSync) {
      this.#requireForwardParamSync = true;
      native.distReducerPrepareForBackward(reducer, this.#findUnused ? outputTensors(output).map((t) => t.handle) : []);
    } else {
      this.#requireForwardParamSync = false;
    }
    return output;
  }

  /** Runs `fn` with gradient averaging off: backward passes inside accumulate local gradients (PyTorch's no_sync()). */
  noSync<T>(fn: () => T): T {
    const previous = this.#requireBackwardGradSync;
    this.#requireBackwardGradSync = false;
    try {
      return fn();
    } finally {
      this.#requireBackwardGradSync = previous;
    }
  }

  /** Releases the Reducer (its autograd hooks) and the wrapped module's tensors. */
  override dispose(): void {
    if (this.#reducer !== null) native.distReducerDestroy(this.#reducer);
    this.#reducer = null;
    super.dispose();
  }

  #liveReducer(): number {
    if (this.#reducer === null) throw new Error('DistributedDataParallel: disposed');
    return this.#reducer;
  }
}
