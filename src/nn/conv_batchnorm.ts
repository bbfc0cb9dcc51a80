// Conv2d then BatchNorm2d (then ReLU) in eval mode as one convolution: the BatchNorm's running
// statistics and affine map fold into the convolution's weight and bias, as PyTorch's
// torch.nn.utils.fusion.fuse_conv_bn_eval does, so the activations are read and written once
// instead of three times. The same values within float rounding (the weight is scaled before the
// convolution rather than its output after).
//
// The folded weight and bias (a second copy of the convolution's weight) are kept while the model
// stays in eval mode, until a tensor they come from changes. Each call compares, for every source,
// the tensor object, its in-place version (Tensor._version) and its count of setData_ replacements
// (which keep the version, as in PyTorch), plus eps; and num_batches_tracked's version, since
// libtorch 1.13's training BatchNorm updates the running statistics without counting a version.
// A write that bypasses all of these (into a tensor that shares a parameter's memory under another
// version counter, e.g. the vector after vectorToParameters) is not seen. The fold is let go on
// dispose(), on a change between train() and eval(), and on to(), toChannelsLast() and
// loadStateDict().
import { isAutocastEnabled } from '../torch/amp/autocast_mode.js';
import { inferenceMode, isGradEnabled, noGrad } from '../torch/autograd.js';
import { fused } from '../torch/backends.js';
import { keep, tidy } from '../torch/memory.js';
import { type Tensor, dataReplacementsOf } from '../torch/tensor.js';
import { ReLU } from './activation.js';
import { BatchNorm2d, batchNormReLU } from './batchnorm.js';
import { Conv2d } from './conv.js';
import { conv2d } from './functional.js';
import { type AnyModule, isPlainLayer, releaseWithModule } from './module.js';

/** A folded convolution and what it was computed from. */
interface Folded {
  conv: Conv2d;
  sources: (Tensor | null)[];
  stamps: number[];
  weight: Tensor;
  bias: Tensor;
}

const folds = new WeakMap<BatchNorm2d, Folded>();

function sourcesOf(conv: Conv2d, bn: BatchNorm2d): (Tensor | null)[] {
  return [conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean, bn.running_var, bn.num_batches_tracked];
}

// eps, then the version and setData_ count of each source; null where a source is an inference
// tensor, which keeps no version to key a cache on.
function stampsOf(bn: BatchNorm2d, sources: (Tensor | null)[]): number[] | null {
  const stamps = [bn.eps];
  for (const t of sources) {
    if (t === null) {
      stamps.push(0, 0);
      continue;
    }
    const version = t._version;
    if (version < 0) return null;
    stamps.push(version, dataReplacementsOf(t));
  }
  return stamps;
}

function sameStamps(folded: Folded, conv: Conv2d, sources: (Tensor | null)[], stamps: number[]): boolean {
  return folded.conv === conv && folded.sources.every((t, i) => t === sources[i]) && folded.stamps.every((s, i) => s === stamps[i]);
}

/**
 * The folded weight and bias of PyTorch's fuse_conv_bn_weights: w * g / sqrt(var + eps) per output
 * channel, and (b - mean) * g / sqrt(var + eps) + beta. Computed outside inference mode and without
 * a graph, so that they serve in any mode, and kept out of tidy() scopes.
 */
function fold(conv: Conv2d, bn: BatchNorm2d): { weight: Tensor; bias: Tensor } {
  return inferenceMode(() => noGrad(() => tidy(() => {
    const mean = bn.running_mean!;
    const scale = bn.running_var!.add(bn.eps).rsqrt();
    if (bn.weight !== null) scale.mul_(bn.weight);
    let weight = conv.weight.mul(scale.reshape([-1, 1, 1, 1]));
    // The convolution's layout, which picks oneDNN's kernel (a broadcast product may not keep it).
    if (conv.weight.isContiguous({ memoryFormat: 'channelsLast' }) && !conv.weight.isContiguous()) weight = weight.channelsLast();
    const bias = conv.bias === null ? mean.neg() : conv.bias.sub(mean);
    bias.mul_(scale);
    if (bn.bias !== null) bias.add_(bn.bias);
    return { weight: keep(weight), bias: keep(bias) };
  })), false);
}

// Only the plain layers fold (a subclass's or an instance's own forward may differ), with no hooks
// (a hook must see each layer's own output), on 4-D input (anything else gets BatchNorm2d's error),
// in eval mode with running statistics, outside autocast (whose BatchNorm runs in float32 after a
// lower-precision convolution), where no parameter needs a gradient through the fold, and while
// torch.backends.fused.enabled.
function foldable(conv: AnyModule, bn: AnyModule, relu: AnyModule | null, input: Tensor): conv is Conv2d {
  if (!fused.enabled || !isPlainLayer(bn, BatchNorm2d) || bn.training || !isPlainLayer(conv, Conv2d)) return false;
  if (relu !== null && !isPlainLayer(relu, ReLU)) return false;
  if (bn.running_mean === null || bn.running_var === null || conv.weight.dtype !== bn.running_mean.dtype) return false;
  if (input.ndim !== 4 || isAutocastEnabled(input.device.startsWith('cuda') ? 'cuda' : 'cpu')) return false;
  if (!isGradEnabled()) return true;
  return ![conv.weight, conv.bias, bn.weight, bn.bias].some((t) => t !== null && t.requiresGrad);
}

// The layers one by one (bn and relu as one kernel in training: batchNormReLU).
function oneByOne(conv: AnyModule, bn: AnyModule, relu: AnyModule | null, input: Tensor): Tensor {
  const convolved = conv.call(input) as Tensor;
  return relu === null ? (bn.call(convolved) as Tensor) : batchNormReLU(bn, relu, convolved);
}

/**
 * relu(bn(conv(input))), or bn(conv(input)) when `relu` is null: one folded convolution where the
 * layers allow it (eval mode, plain layers, no hooks; torch.backends.fused), otherwise the layers
 * one by one.
 */
export function convBatchNorm(conv: AnyModule, bn: AnyModule, relu: AnyModule | null, input: Tensor): Tensor {
  if (!foldable(conv, bn, relu, input)) return oneByOne(conv, bn, relu, input);
  const norm = bn as BatchNorm2d;
  const sources = sourcesOf(conv, norm);
  const stamps = stampsOf(norm, sources);
  if (stamps === null) return oneByOne(conv, bn, relu, input);
  let folded = folds.get(norm);
  if (folded === undefined || !sameStamps(folded, conv, sources, stamps)) {
    releaseFold(norm);
    folded = { conv, sources, stamps, ...fold(conv, norm) };
    folds.set(norm, folded);
    releaseWithModule(norm, folds, () => releaseFold(norm));
  }
  const out = conv2d(input, folded.weight, folded.bias, { stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups });
  return relu === null ? out : out.relu_();
}

/** Releases the folded convolution kept for `bn`, if any. */
function releaseFold(bn: BatchNorm2d): void {
  const folded = folds.get(bn);
  if (folded === undefined) return;
  folds.delete(bn);
  folded.weight.dispose();
  folded.bias.dispose();
}
