// Activation modules.
import type { Tensor } from '../torch/tensor.js';
import { Module } from './module.js';

/** max(x, 0); with `inplace` it overwrites its input, as torchvision's ResNets use it. */
export class ReLU extends Module {
  readonly inplace: boolean;

  constructor({ inplace = false }: { inplace?: boolean } = {}) {
    super();
    this.inplace = inplace;
  }

  override forward(input: Tensor): Tensor {
    return this.inplace ? input.relu_() : input.relu();
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}
