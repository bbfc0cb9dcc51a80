// nn.init: in-place initializers with torch.nn.init's formulas (PyTorch 1.13). The bounds are
// computed in double precision with the same operations in the same order as Python, and the draws
// come from libtorch's default generator, so after the same manualSeed the tensors are bit-equal.
import { noGrad } from '../torch/autograd.js';
import type { Tensor } from '../torch/tensor.js';

/** Nonlinearities calculateGain knows (PyTorch's names). */
export type Nonlinearity =
  | 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' | 'conv_transpose3d'
  | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';

/** Which fan Kaiming initialization preserves: the forward pass's ('fan_in') or the backward's ('fan_out'). */
export type FanMode = 'fan_in' | 'fan_out';

/** Options of kaimingUniform_ / kaimingNormal_, as torch.nn.init's keywords. */
export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only used with 'leaky_relu'). */
  a?: number;
  mode?: FanMode;
  nonlinearity?: Nonlinearity;
}

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d':
    case 'conv_transpose1d': case 'conv_transpose2d': case 'conv_transpose3d': case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new TypeError(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/** [fanIn, fanOut] of a weight: dims 1 and 0 times the receptive field (torch's _calculate_fan_in_and_fan_out). */
export function calculateFanInAndFanOut(tensor: Tensor): [number, number] {
  const shape = tensor.shape;
  if (shape.length < 2) throw new TypeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = shape.slice(2).reduce((a, b) => a * b, 1);
  return [shape[1] * receptive, shape[0] * receptive];
}

function fan(tensor: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') throw new TypeError(`Mode ${mode} not supported, please use one of fan_in, fan_out`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/** Fills with U(a, b). */
export function uniform_(tensor: Tensor, a = 0, b = 1): Tensor {
  return noGrad(() => tensor.uniform_(a, b));
}

/** Fills with N(mean, std^2). */
export function normal_(tensor: Tensor, mean = 0, std = 1): Tensor {
  return noGrad(() => tensor.normal_(mean, std));
}

/** Fills with `value`. */
export function constant_(tensor: Tensor, value: number): Tensor {
  return noGrad(() => tensor.fill_(value));
}

/** Fills with 1. */
export function ones_(tensor: Tensor): Tensor {
  return constant_(tensor, 1);
}

/** Fills with 0. */
export function zeros_(tensor: Tensor): Tensor {
  return noGrad(() => tensor.zero_());
}

/** Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fanIn + fanOut)). */
export function xavierUniform_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(tensor, -a, a);
}

/** Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fanIn + fanOut)). */
export function xavierNormal_(tensor: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(tensor);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(tensor, 0, std);
}

/** He uniform: U(-bound, bound) with bound = gain * sqrt(3 / fan); defaults as PyTorch (a 0, fan_in, leaky_relu). */
export function kaimingUniform_(tensor: Tensor, { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions = {}): Tensor {
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
  const bound = Math.sqrt(3.0) * std;
  return uniform_(tensor, -bound, bound);
}

/** He normal: N(0, std^2) with std = gain / sqrt(fan); defaults as PyTorch (a 0, fan_in, leaky_relu). */
export function kaimingNormal_(tensor: Tensor, { a = 0, mode = 'fan_in', nonlinearity = 'leaky_relu' }: KaimingOptions = {}): Tensor {
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan(tensor, mode));
  return normal_(tensor, 0, std);
}

/**
 * The default initialization of PyTorch's Linear and ConvNd layers: kaiming_uniform_(a = sqrt(5)),
 * i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)), for the weight, then the same bound for the bias.
 */
export function defaultLayerInit_(weight: Tensor, bias: Tensor | null): void {
  kaimingUniform_(weight, { a: Math.sqrt(5) });
  if (bias === null) return;
  const [fanIn] = calculateFanInAndFanOut(weight);
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  uniform_(bias, -bound, bound);
}
