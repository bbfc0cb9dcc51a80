// nn.SyncBatchNorm: batch normalization whose training statistics are those of the whole global
// batch, summed over the ranks of a process group (torch.nn.SyncBatchNorm, PyTorch 1.13).
import { noGrad } from '../torch/autograd.js';
import { full } from '../torch/creation.js';
import { defaultProcessGroup, isInitialized, type ProcessGroup } from '../torch/distributed/process_group.js';
import { tidy } from '../torch/memory.js';
import { native } from '../torch/native.js';
import { cat } from '../torch/ops.js';
import { Tensor } from '../torch/tensor.js';
import { BatchNormBase, type BatchNormOptions } from './batchnorm.js';
import { batchNorm } from './functional.js';
import type { AnyModule } from './module.js';

/** Options of SyncBatchNorm: BatchNorm's keywords and the group whose ranks share statistics. */
export interface SyncBatchNormOptions extends BatchNormOptions {
  /** The ranks to synchronize over (default: the default group of initProcessGroup). */
  processGroup?: ProcessGroup;
}

// A sum over the group's ranks that autograd differentiates: its backward sums the gradients over
// the ranks too, which is how the gradient of every rank's loss with respect to the statistics
// reaches each rank's input (PyTorch's backward all-reduces sum_dy and sum_dy_xmu, the same terms).
function allReduceSum(group: ProcessGroup, t: Tensor): Tensor {
  return new Tensor(native.distAllReduceAutograd(group.id, t.handle));
}

/**
 * Batch normalization over the global batch of a process group, for input of shape (N, C, ...):
 * while training in a group of more than one rank, per-channel sums, sums of squares and counts
 * are summed over the ranks, each rank normalizes with the global mean and biased variance and
 * updates the running estimates with the unbiased global variance. Otherwise (eval mode, one rank,
 * no group) it is BatchNorm.
 */
export class SyncBatchNorm extends BatchNormBase {
  /** The group given at construction; undefined means the default group at forward time. */
  readonly processGroup: ProcessGroup | undefined;

  /** A SyncBatchNorm over `numFeatures` channels. */
  constructor(numFeatures: number, options: SyncBatchNormOptions = {}) {
    super(numFeatures, options);
    this.processGroup = options.processGroup;
  }

  protected override checkInputDim(input: Tensor): void {
    if (input.ndim < 2) throw new TypeError(`SyncBatchNorm: expected at least 2D input (got ${input.ndim}D input)`);
  }

  override forward(input: Tensor): Tensor {
    const group = this.training ? this.#group() : null;
    // PyTorch 1.13 refuses CPU input here; Gloo reduces CPU tensors, so smoothlab allows them.
    if (group === null || group.worldSize < 2) return super.forward(input);
    this.checkInputDim(input);
    let factor = this.momentum ?? 0;
    if (this.trackRunningStats && this.num_batches_tracked !== null) {
      this.num_batches_tracked.add_(1);
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.item();
    }
    return tidy(() => this.#syncForward(input, group, factor));
  }

  #group(): ProcessGroup | null {
    if (this.processGroup !== undefined) return this.processGroup;
    // Without a group it is BatchNorm (PyTorch would throw), so one model runs with and without launch.
    return isInitialized() ? defaultProcessGroup() : null;
  }

  #syncForward(input: Tensor, group: ProcessGroup, factor: number): Tensor {
    const channels = input.shape[1];
    const dims = input.shape.map((_, i) => i).filter((i) => i !== 1);
    const shape = input.shape.map((s, i) => (i === 1 ? s : 1));
    const count = input.numel() / channels;
    // Each rank's shifted moments (its own mean, then squares about it: no cancellation in float32),
    // turned into plain sums in float64, where Q - S²/N over the global batch stays exact enough.
    let sums: Tensor;
    if (count > 0) {
      const localMean = input.mean(dims).double();
      const m2 = input.sub(input.mean(dims, { keepdim: true })).square().sum(dims).double();
      sums = cat([localMean.mul(count), m2.add(localMean.square().mul(count)), full([1], count, { dtype: 'float64' })]);
    } else {
      sums = full([2 * channels + 1], 0, { dtype: 'float64' });  // a rank with an empty batch adds nothing, as in PyTorch
    }
    const total = allReduceSum(group, sums);
    const n = total.select(0, 2 * channels).item();
    if (n <= 1) throw new RangeError(`SyncBatchNorm: expected more than 1 value per channel when training, got ${n} over the group`);
    const mean = total.narrow(0, 0, channels).div(n);
    const variance = total.narrow(0, channels, channels).div(n).sub(mean.square());
    if (this.running_mean !== null && this.running_var !== null) {
      const runningMean = this.running_mean;
      const runningVar = this.running_var;
      noGrad(() => {
        runningMean.mul_(1 - factor).add_(mean.to(runningMean.dtype).mul(factor));
        runningVar.mul_(1 - factor).add_(variance.mul(n / (n - 1)).to(runningVar.dtype).mul(factor));
      });
    }
    const invstd = variance.add(this.eps).rsqrt().to(input.dtype).view(shape);
    let out = input.sub(mean.to(input.dtype).view(shape)).mul(invstd);
    if (this.weight !== null) out = out.mul(this.weight.view(shape));
    if (this.bias !== null) out = out.add(this.bias.view(shape));
    return out;
  }

  /**
   * Replaces every BatchNorm layer in `module` (or `module` itself) by a SyncBatchNorm that takes
   * over its parameters and buffers (torch.nn.SyncBatchNorm.convert_sync_batchnorm); returns the result.
   */
  static convertSyncBatchnorm<M extends AnyModule>(module: M, processGroup?: ProcessGroup): M | SyncBatchNorm {
    let output: AnyModule = module;
    if (module instanceof BatchNormBase && !(module instanceof SyncBatchNorm)) {
      const sync = new SyncBatchNorm(module.numFeatures, { eps: module.eps, momentum: module.momentum, affine: module.affine, trackRunningStats: module.trackRunningStats, processGroup });
      // The same tensors, not copies, as in PyTorch; the fresh ones are released.
      for (const name of ['weight', 'bias'] as const) {
        sync[name]?.dispose();
        sync.registerParameter(name, module[name], { requiresGrad: module[name]?.requiresGrad ?? true });
      }
      for (const name of ['running_mean', 'running_var', 'num_batches_tracked'] as const) {
        sync[name]?.dispose();
        sync.registerBuffer(name, module[name]);
      }
      output = sync;
    }
    for (const [name, child] of module.namedChildren()) output.registerModule(name, SyncBatchNorm.convertSyncBatchnorm(child, processGroup));
    return output as M | SyncBatchNorm;
  }
}

