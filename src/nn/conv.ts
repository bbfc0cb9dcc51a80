// nn.Conv2d: 2-d convolution with PyTorch's parameter layout and default initialization.
import { empty } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { type Size2d, conv2d } from './functional.js';
import { defaultLayerInit_ } from './init.js';
import { Module } from './module.js';

const pair = (v: Size2d): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

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
    if (!Number.isInteger(groups) || groups < 1) throw new TypeError('Conv2d: groups must be a positive integer');
    if (inChannels % groups !== 0) throw new TypeError('Conv2d: in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new TypeError('Conv2d: out_channels must be divisible by groups');
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
    const t = (v: [number, number]) => `(${v[0]}, ${v[1]})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    if (this.padding.some((p) => p !== 0)) s += `, padding=${t(this.padding)}`;
    if (this.dilation.some((d) => d !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
