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

/** The settings torch.nn's _ConvNd.extra_repr shows. */
interface ConvSettings {
  inChannels: number;
  outChannels: number;
  kernelSize: readonly number[];
  stride: readonly number[];
  padding: readonly number[];
  dilation: readonly number[];
  outputPadding?: readonly number[];
  groups: number;
  bias: Tensor | null;
}

function convRepr(c: ConvSettings): string {
  let s = `${c.inChannels}, ${c.outChannels}, kernel_size=${pyTuple(c.kernelSize)}, stride=${pyTuple(c.stride)}`;
  if (c.padding.some((p) => p !== 0)) s += `, padding=${pyTuple(c.padding)}`;
  if (c.dilation.some((d) => d !== 1)) s += `, dilation=${pyTuple(c.dilation)}`;
  if (c.outputPadding?.some((p) => p !== 0)) s += `, output_padding=${pyTuple(c.outputPadding)}`;
  if (c.groups !== 1) s += `, groups=${c.groups}`;
  if (c.bias === null) s += ', bias=False';
  return s;
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
export class Conv1d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly dilation: [number];
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size1d,
    { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }: Conv1dOptions = {}) {
    super();
    checkGroups('Conv1d', inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = single(kernelSize);
    this.stride = single(stride);
    this.padding = single(padding);
    this.dilation = single(dilation);
    this.groups = groups;
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = this.registerParameter('bias', bias ? empty([outChannels]) : null);
    this.resetParameters();
  }

  /** PyTorch's default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weight and bias (kaiming_uniform_, a = sqrt(5)). */
  resetParameters(): void {
    defaultLayerInit_(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return conv1d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return convRepr(this);
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
export class Conv2d extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2d,
    { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true }: Conv2dOptions = {}) {
    super();
    checkGroups('Conv2d', inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    this.padding = pair(padding);
    this.dilation = pair(dilation);
    this.groups = groups;
    this.weight = this.registerParameter('weight', empty([outChannels, inChannels / groups, ...this.kernelSize]));
    this.bias = this.registerParameter('bias', bias ? empty([outChannels]) : null);
    this.resetParameters();
  }

  /**
   * PyTorch's default: kaiming_uniform_(a = sqrt(5)), i.e. U(-1/sqrt(fanIn), 1/sqrt(fanIn)), for the
   * weight and the same bound for the bias.
   */
  resetParameters(): void {
    defaultLayerInit_(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }

  override extraRepr(): string {
    return convRepr(this);
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
export class ConvTranspose2d extends Module<[input: Tensor, outputSize?: number[]], Tensor> {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];
  readonly dilation: [number, number];
  readonly groups: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inChannels: number, outChannels: number, kernelSize: Size2d,
    { stride = 1, padding = 0, outputPadding = 0, groups = 1, bias = true, dilation = 1 }: ConvTranspose2dOptions = {}) {
    super();
    checkGroups('ConvTranspose2d', inChannels, outChannels, groups);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    this.padding = pair(padding);
    this.outputPadding = pair(outputPadding);
    this.dilation = pair(dilation);
    this.groups = groups;
    this.weight = this.registerParameter('weight', empty([inChannels, outChannels / groups, ...this.kernelSize]));
    this.bias = this.registerParameter('bias', bias ? empty([outChannels]) : null);
    this.resetParameters();
  }

  /** PyTorch's default, with the fan-in of the transposed weight (dim 1, out / groups, times the kernel). */
  resetParameters(): void {
    defaultLayerInit_(this.weight, this.bias);
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

  override extraRepr(): string {
    return convRepr(this);
  }
}
