// Dropout modules: active in training mode only, drawing from the default generator.
import type { Tensor } from '../torch/tensor.js';
import { dropout, dropout2d } from './functional.js';
import { Module } from './module.js';

function checkP(p: number, name: string): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`${name}: dropout probability has to be between 0 and 1, but got ${p}`);
  return p;
}

/** Zeroes elements with probability p while training and scales the rest by 1 / (1 - p). */
export class Dropout extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = checkP(p, 'Dropout');
  }

  override forward(input: Tensor): Tensor {
    return dropout(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}

/** Zeroes whole channels of NCHW input with probability p while training. */
export class Dropout2d extends Module {
  readonly p: number;

  constructor(p = 0.5) {
    super();
    this.p = checkP(p, 'Dropout2d');
  }

  override forward(input: Tensor): Tensor {
    return dropout2d(input, this.p, this.training);
  }

  override extraRepr(): string {
    return `p=${this.p}, inplace=False`;
  }
}
