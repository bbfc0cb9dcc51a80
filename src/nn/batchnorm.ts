// nn.BatchNorm1d and nn.BatchNorm2d with PyTorch's defaults (eps 1e-5, momentum 0.1, affine,
// running statistics).
// The buffers keep PyTorch's snake_case names because attribute names are the state-dict keys.
import { ones, tensor, zeros } from '../torch/creation.js';
import { fused } from '../torch/backends.js';
import { native } from '../torch/native.js';
import { Tensor } from '../torch/tensor.js';
import { ReLU } from './activation.js';
import { batchNorm } from './functional.js';
import { ones_, zeros_ } from './init.js';
import { type AnyModule, Module, isPlainLayer } from './module.js';

/** Options of BatchNorm1d / BatchNorm2d, as torch.nn.BatchNorm2d's keywords. */
export interface BatchNormOptions {
  eps?: number;
  /** Weight of the new batch statistic in the running average; null for a cumulative average. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

/**
 * The shared body of the BatchNorm layers (torch.nn's _BatchNorm): each channel (dim 1) is
 * normalized by the batch statistics while training (updating running estimates with the unbiased
 * batch variance) and by the running estimates in eval mode. Training on one value per channel
 * throws, as PyTorch does, before the running statistics change.
 */
export abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  running_mean: Tensor | null;
  running_var: Tensor | null;
  num_batches_tracked: Tensor | null;

  constructor(numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }: BatchNormOptions = {}) {
    super();
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures]) : null);
    this.running_mean = this.registerBuffer('running_mean', trackRunningStats ? zeros([numFeatures]) : null);
    this.running_var = this.registerBuffer('running_var', trackRunningStats ? ones([numFeatures]) : null);
    this.num_batches_tracked = this.registerBuffer('num_batches_tracked', trackRunningStats ? tensor(0n) : null);
  }

  /** Running mean 0, variance 1, no batches seen. */
  resetRunningStats(): void {
    if (this.running_mean) zeros_(this.running_mean);
    if (this.running_var) ones_(this.running_var);
    if (this.num_batches_tracked) zeros_(this.num_batches_tracked);
  }

  /** resetRunningStats(), and weight 1, bias 0. */
  resetParameters(): void {
    this.resetRunningStats();
    if (this.weight) ones_(this.weight);
    if (this.bias) zeros_(this.bias);
  }

  /** Throws unless the input has the ranks this layer normalizes. */
  protected abstract checkInputDim(input: Tensor): void;

  override forward(input: Tensor): Tensor {
    this.checkInputDim(input);
    return this.fusedTraining(input, false) ?? this.unfused(input);
  }

  protected unfused(input: Tensor): Tensor {
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.num_batches_tracked !== null) {
      // Counted before batchNorm's size check, as in PyTorch: a refused batch still counts.
      this.num_batches_tracked.add_(1);
      if (this.momentum === null) factor = 1 / this.num_batches_tracked.item();
    }
    // Batch statistics while training, or when there are no running estimates to use.
    const useBatchStats = this.training || (this.running_mean === null && this.running_var === null);
    const track = !this.training || this.trackRunningStats;
    return batchNorm(input, track ? this.running_mean : null, track ? this.running_var : null,
      { weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps });
  }

  /**
   * Training with batch statistics on a channels-last or contiguous float32 CPU tensor: the native
   * kernel of native/fused/batch_norm.h (two passes each way, and the ReLU in the same passes when
   * `relu`), equal to batchNorm (then relu) within float rounding. Null, with nothing counted or
   * updated, where it does not apply or torch.backends.fused.enabled is false.
   */
  protected fusedTraining(input: Tensor, relu: boolean): Tensor | null {
    // What native checks first, checked here too: a declined call must not pay momentum null's item().
    if (!fused.enabled || !this.training || this.weight === null || this.bias === null || input.ndim !== 4 || input.dtype !== 'float32' || input.device !== 'cpu') return null;
    const counts = this.trackRunningStats && this.num_batches_tracked !== null;
    const factor = counts && this.momentum === null ? 1 / (this.num_batches_tracked!.item() + 1) : this.momentum ?? 0;
    const track = this.trackRunningStats;
    const handle = native.batchNormTraining(input.handle, this.weight.handle, this.bias.handle,
      track ? this.running_mean?.handle ?? null : null, track ? this.running_var?.handle ?? null : null, factor, this.eps, relu);
    if (handle === null) return null;
    if (counts) this.num_batches_tracked!.add_(1);
    return new Tensor(handle);
  }

  override extraRepr(): string {
    const py = (b: boolean) => (b ? 'True' : 'False');
    // Python's float repr: 1e-05 rather than JS's 0.00001.
    const num = (x: number) => (x !== 0 && Math.abs(x) < 1e-4 ? x.toExponential().replace(/e([+-])(\d)$/, 'e$10$2') : String(x));
    return `${this.numFeatures}, eps=${num(this.eps)}, momentum=${this.momentum === null ? 'None' : num(this.momentum)}, ` +
      `affine=${py(this.affine)}, track_running_stats=${py(this.trackRunningStats)}`;
  }
}

/** Batch normalization of (N, C) or (N, C, L) input, per channel C. */
export class BatchNorm1d extends BatchNormBase {
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 2 && input.ndim !== 3) throw new TypeError(`BatchNorm1d: expected 2D or 3D input (got ${input.ndim}D input)`);
  }
}

/** Batch normalization of NCHW input, per channel C. */
export class BatchNorm2d extends BatchNormBase {
  protected override checkInputDim(input: Tensor): void {
    if (input.ndim !== 4) throw new TypeError(`BatchNorm2d: expected 4D input (got ${input.ndim}D input)`);
  }

  /** relu(forward(input)), in one native kernel where fusedTraining applies. */
  forwardReLU(input: Tensor): Tensor {
    this.checkInputDim(input);
    return this.fusedTraining(input, true) ?? this.unfused(input).relu_();
  }
}

/**
 * relu.call(bn.call(input)), which the ResNets run after most convolutions, as one kernel where
 * BatchNorm2d.forwardReLU can: a plain BatchNorm2d and ReLU (isPlainLayer: not subclasses or
 * instances with their own forward, no hooks, since a hook must see each layer's own output).
 */
export function batchNormReLU(bn: AnyModule, reluLayer: AnyModule, input: Tensor): Tensor {
  if (isPlainLayer(bn, BatchNorm2d) && isPlainLayer(reluLayer, ReLU)) {
    return bn.forwardReLU(input);
  }
  return reluLayer.call(bn.call(input) as Tensor) as Tensor;
}
