// nn.Linear: y = x W^T + b with PyTorch's default initialization.
import { empty } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { linear } from './functional.js';
import { defaultLayerInit_ } from './init.js';
import { Module } from './module.js';

/** A fully connected layer: weight (out, in), optional bias (out). */
export class Linear extends Module {
  readonly inFeatures: number;
  readonly outFeatures: number;
  weight: Tensor;
  bias: Tensor | null;

  constructor(inFeatures: number, outFeatures: number, { bias = true }: { bias?: boolean } = {}) {
    super();
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]));
    this.bias = this.registerParameter('bias', bias ? empty([outFeatures]) : null);
    this.resetParameters();
  }

  /** PyTorch's default: kaiming_uniform_(a = sqrt(5)) for the weight, U(-1/sqrt(in), 1/sqrt(in)) for the bias. */
  resetParameters(): void {
    defaultLayerInit_(this.weight, this.bias);
  }

  override forward(input: Tensor): Tensor {
    return linear(input, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias === null ? 'False' : 'True'}`;
  }
}
