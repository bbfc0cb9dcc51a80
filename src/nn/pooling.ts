// Pooling modules over NCHW input.
import type { Tensor } from '../torch/tensor.js';
import { type Size2d, adaptiveAvgPool2d, avgPool2d, maxPool2d } from './functional.js';
import { Module } from './module.js';

const show = (v: Size2d) => (typeof v === 'number' ? `${v}` : `(${v[0]}, ${v[1]})`);
const py = (b: boolean) => (b ? 'True' : 'False');

/** Options of MaxPool2d, as torch.nn.MaxPool2d's keywords (stride defaults to the kernel size). */
export interface MaxPool2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  dilation?: Size2d;
  ceilMode?: boolean;
}

/** Maximum over kernelSize windows. */
export class MaxPool2d extends Module {
  /** As given (a number or a pair), as PyTorch keeps it; summary() shows it as given. */
  readonly kernelSize: Size2d;
  readonly stride: Size2d;
  readonly padding: Size2d;
  readonly dilation: Size2d;
  readonly ceilMode: boolean;

  constructor(kernelSize: Size2d, { stride, padding = 0, dilation = 1, ceilMode = false }: MaxPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  override forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}, dilation=${show(this.dilation)}, ceil_mode=${py(this.ceilMode)}`;
  }
}

/** Options of AvgPool2d, as torch.nn.AvgPool2d's keywords (stride defaults to the kernel size). */
export interface AvgPool2dOptions {
  stride?: Size2d;
  padding?: Size2d;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/** Mean over kernelSize windows. */
export class AvgPool2d extends Module {
  readonly kernelSize: Size2d;
  readonly stride: Size2d;
  readonly padding: Size2d;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Size2d, { stride, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }: AvgPool2dOptions = {}) {
    super();
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }

  override forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${show(this.kernelSize)}, stride=${show(this.stride)}, padding=${show(this.padding)}`;
  }
}

/** Mean pooling to a fixed output size (1 gives global average pooling). */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: Size2d;

  constructor(outputSize: Size2d) {
    super();
    this.outputSize = outputSize;
  }

  override forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  override extraRepr(): string {
    return `output_size=${show(this.outputSize)}`;
  }
}
