// Shape-only modules.
import type { Tensor } from '../torch/tensor.js';
import { Module } from './module.js';

/** Merges dimensions startDim..endDim (by default all but the batch dimension). */
export class Flatten extends Module {
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

/** Returns its input unchanged (a placeholder, e.g. for a removed max-pool). */
export class Identity extends Module {
  override forward(input: Tensor): Tensor {
    return input;
  }
}
