// Activation modules, over nn.functional with torch.nn's defaults and printouts.
import type { Tensor } from '../torch/tensor.js';
import { type GeluApproximate, gelu, leakyRelu, silu } from './functional.js';
import { Module } from './module.js';
import { pyFloat } from './py_repr.js';

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

/** x * Phi(x) with the exact normal CDF (approximate 'none', the default) or its tanh approximation. */
export class GELU extends Module {
  readonly approximate: GeluApproximate;

  constructor({ approximate = 'none' }: { approximate?: GeluApproximate } = {}) {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new TypeError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
    this.approximate = approximate;
  }

  override forward(input: Tensor): Tensor {
    return gelu(input, { approximate: this.approximate });
  }

  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** x * sigmoid(x) (swish). */
export class SiLU extends Module {
  readonly inplace: boolean;

  constructor({ inplace = false }: { inplace?: boolean } = {}) {
    super();
    this.inplace = inplace;
  }

  override forward(input: Tensor): Tensor {
    return silu(input, this.inplace);
  }

  override extraRepr(): string {
    return this.inplace ? 'inplace=True' : '';
  }
}

/** x for x >= 0, negativeSlope * x below (default slope 0.01). */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  readonly inplace: boolean;

  constructor(negativeSlope = 0.01, { inplace = false }: { inplace?: boolean } = {}) {
    super();
    this.negativeSlope = negativeSlope;
    this.inplace = inplace;
  }

  override forward(input: Tensor): Tensor {
    return leakyRelu(input, this.negativeSlope, this.inplace);
  }

  override extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}${this.inplace ? ', inplace=True' : ''}`;
  }
}

// torch.nn.functional._get_softmax_dim: the legacy choice when no dim is given (PyTorch warns).
const legacyDim = (ndim: number) => (ndim === 0 || ndim === 1 || ndim === 3 ? 0 : 1);

/** softmax along `dim` (without one, PyTorch's legacy choice: 0 for 0-d, 1-d and 3-d input, else 1). */
export class Softmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return input.softmax(this.dim ?? legacyDim(input.ndim));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}

/** log(softmax) along `dim`, computed stably (the input NLLLoss expects). */
export class LogSoftmax extends Module {
  readonly dim: number | null;

  constructor(dim: number | null = null) {
    super();
    this.dim = dim;
  }

  override forward(input: Tensor): Tensor {
    return input.logSoftmax(this.dim ?? legacyDim(input.ndim));
  }

  override extraRepr(): string {
    return `dim=${this.dim ?? 'None'}`;
  }
}
