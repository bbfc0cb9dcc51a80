// nn.Conv1d, nn.Conv2d and nn.ConvTranspose2d with PyTorch's parameter layout and default
// initialization (kaiming_uniform_(a = sqrt(5)) of the weight, whose fan-in is dim 1 times the
// kernel also for the transposed layout, and the matching bound for the bias).
import { empty } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { type Size1d, type Size2d, conv1d, conv2d, convTranspose2d } from './functional.js';
import { defaultLayerInit_ } from './init.js';
import { Module } from './module.js';
import { pyTuple } from './py_repr.js';

const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
const single = (v: Size1d): [number] => (typeof v === 'number' ? [v] : [v[0]]);

function checkGroups(name: string, inChannels: number, outChannels: number, groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new TypeError(`${name}: groups must be a positive integer`);
  if (inChannels % groups !== 0) throw new TypeError(`${name}: in_channels must be divisible by groups`);
  if (outChannels % groups !== 0) throw new TypeError(`${name}: out_channels must be divisible by groups`);
}

/** What every convolution holds, normalized to one entry per spatial dimension. */
interface ConvSettings {
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  outputPadding: readonly number[];
  groups: number;
  bias: boolean;
  /** ConvTranspose's weight is (in, out / groups, ...kernel); Conv's (out, in / groups, ...kernel). */
  transposed: boolean;
}

/**
 * The parameters, settings and init of a convolution, shared by the layers below as torch.nn's
 * _ConvNd is shared by Conv1d, Conv2d and ConvTranspose2d.
 */
abstract class ConvNd<In extends unknown[] = [input: Tensor]> extends Module<In, Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly stride: readonly number[];
  readonly padding: readonly number[];
  readonly dilation: readonly number[];
  readonly outputPadding: readonly number[];
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(name: string, inChannels: number, outChannels: number, c: ConvSettings) {
    super();
    checkGroups(name, inChannels, outChannels, c.groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = c.kernelSize;
    this.stride = c.stride;
    this.padding = c.padding;
    this.dilation = c.dilation;
    this.outputPadding = c.outputPadding;
    this.groups = c.groups;
    const shape = c.transposed ? [inChannels, outChannels / c.groups] : [outChannels, inChannels / c.groups];
    this.weight = this.registerParameter('weight', empty([...shape, ...c.kernelSize]));
    this.bias = this.registerParameter('bias', c.bias ? empty([outChannels]) : null);
    this.resetParameters();
  }

  /**
   * PyTorch's default: kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)), for the
   * weight and the same bound for the bias; fanIn is dim 1 times the kernel, also when transposed.
   */
  resetParameters(): void {
    defaultLayerInit_(this.weight, this.bias);
  }

  /** The settings torch.nn's _ConvNd.extra_repr shows. */
  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyTuple(this.kernelSize)}, stride=${pyTuple(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(this.dilation)}`;
    if (this.outputPadding.some((p) => p !== 0)) s += `, output_padding=${pyTuple(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}

/** Options of Conv1d, as torch.nn.Conv1d's keywords. */
export interface Conv1dOptions {
  stride?: Size1d;
  padding?: Size1d;
  dilation?: Size1d;
  groups?: number;
  bias?: boolean;
}

/** Applies a 1-d convolution over (N, C, L) input; weight (out, in / groups, k), optional bias (out). */
export class Conv1d extends ConvNd {
  declare readonly kernelSize: [number];
  declare readonly stride: [number];
  declare readonly padding: [number];
  declare readonly dilation: [number];

  constructor(inChannels: number, outChannels: number, kernelSize: Size1d,
    { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }: Conv1dOptions = {}) {
    super('Conv1d', inChannels, outChannels, {
      kernelSize: single(kernelSize), stride: single(stride), padding: single(padding), dilation: single(dilation),
      outputPadding: [0], groups, bias, transposed: false,
    });
  }

  override forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** Options of Conv2d, as torch.nn.Conv2d's keywords. */
export interface Conv2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  dilation?: Size2d;
  groups?: number;
  bias?: boolean;
}

/** Applies a 2-d convolution over NCHW input; weight (out, in / groups, kH, kW), optional bias (out). */
export class Conv2d extends ConvNd {
  declare readonly kernelSize: [number, number];
  declare readonly stride: [number, number];
  declare readonly padding: [number, number];
  declare readonly dilation: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Size2d,
    { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }: Conv2dOptions = {}) {
    super('Conv2d', inChannels, outChannels, {
      kernelSize: pair(kernelSize), stride: pair(stride), padding: pair(padding), dilation: pair(dilation),
      outputPadding: [0, 0], groups, bias, transposed: false,
    });
  }

  override forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** Options of ConvTranspose2d, as torch.nn.ConvTranspose2d's keywords. */
export interface ConvTranspose2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  /** Extra size on one side of the output (smaller than stride or dilation). */
  outputPadding?: Size2d;
  groups?: number;
  bias?: boolean;
  dilation?: Size2d;
}

/**
 * The gradient of Conv2d with respect to its input, as a layer (upsampling by `stride`); weight
 * (in, out / groups, kH, kW), optional bias (out).
 */
export class ConvTranspose2d extends ConvNd<[input: Tensor, outputSize?: number[]]> {
  declare readonly kernelSize: [number, number];
  declare readonly stride: [number, number];
  declare readonly padding: [number, number];
  declare readonly outputPadding: [number, number];
  declare readonly dilation: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: Size2d,
    { stride = 1, padding = 0, outputPadding = 0, groups = 1, bias = true, dilation = 1 }: ConvTranspose2dOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, {
      kernelSize: pair(kernelSize), stride: pair(stride), padding: pair(padding), dilation: pair(dilation),
      outputPadding: pair(outputPadding), groups, bias, transposed: true,
    });
  }

  /** The output padding that gives `outputSize` ([H, W], or with N and C in front), as torch's _output_padding. */
  private outputPaddingFor(input: Tensor, outputSize: number[] | undefined): [number, number] {
    if (outputSize === undefined) return this.outputPadding;
    const nonSpatial = input.ndim === 4 ? 2 : 1;
    const size = outputSize.length === nonSpatial + 2 ? outputSize.slice(nonSpatial) : outputSize;
    if (size.length !== 2) {
      throw new RangeError(`ConvTranspose2D: for ${input.ndim}D input, output_size must have 2 or ${nonSpatial + 2} elements (got ${outputSize.length})`);
    }
    const shape = input.shape;
    const min = [0, 1].map((d) => (shape[d + nonSpatial] - 1) * this.stride[d] - 2 * this.padding[d] + this.dilation[d] * (this.kernelSize[d] - 1) + 1);
    const max = min.map((m, d) => m + this.stride[d] - 1);
    if (size.some((s, d) => s < min[d] || s > max[d])) {
      throw new RangeError(`requested an output size of [${size.join(', ')}], but valid sizes range from [${min.join(', ')}] to [${max.join(', ')}] ` +
        `(for an input of torch.Size([${shape.slice(nonSpatial).join(', ')}]))`);
    }
    return [size[0] - min[0], size[1] - min[1]];
  }

  override forward(input: Tensor, outputSize?: number[]): Tensor {
    return convTranspose2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, outputPadding: this.outputPaddingFor(input, outputSize), groups: this.groups, dilation: this.dilation,
    });
  }

}
