// nn.Embedding: a lookup table of learned vectors, initialized N(0, 1) with the padding row zeroed,
// as torch.nn.Embedding.
import { noGrad } from '../torch/autograd.js';
import { empty } from '../torch/creation.js';
import type { Tensor } from '../torch/tensor.js';
import { type EmbeddingOptions, embedding } from './functional.js';
import { normal_ } from './init.js';
import { Module } from './module.js';
import { pyBool, pyFloat } from './py_repr.js';

/** Maps int64 indices (any shape) to rows of weight (numEmbeddings, embeddingDim). */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  /** The row that gets no gradient and starts at zero (resolved to a non-negative index), or null. */
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly scaleGradByFreq: boolean;
  weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, { paddingIdx = null, maxNorm = null, normType = 2, scaleGradByFreq = false }: EmbeddingOptions = {}) {
    super();
    if (paddingIdx !== null && !(Number.isInteger(paddingIdx) && paddingIdx < numEmbeddings && paddingIdx >= -numEmbeddings)) {
      throw new RangeError(`Embedding: Padding_idx must be within num_embeddings (${numEmbeddings}), got ${paddingIdx}`);
    }
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingIdx !== null && paddingIdx < 0 ? numEmbeddings + paddingIdx : paddingIdx;
    this.maxNorm = maxNorm;
    this.normType = normType;
    this.scaleGradByFreq = scaleGradByFreq;
    this.weight = this.registerParameter('weight', empty([numEmbeddings, embeddingDim]));
    this.resetParameters();
  }

  /** PyTorch's default: N(0, 1), then zeros in the padding row. */
  resetParameters(): void {
    normal_(this.weight);
    const idx = this.paddingIdx;
    if (idx === null) return;
    const row = this.weight.select(0, idx);
    try {
      noGrad(() => row.fill_(0));
    } finally {
      row.dispose();
    }
  }

  override forward(input: Tensor): Tensor {
    return embedding(input, this.weight, {
      paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType, scaleGradByFreq: this.scaleGradByFreq,
    });
  }

  override extraRepr(): string {
    let s = `${this.numEmbeddings}, ${this.embeddingDim}`;
    if (this.paddingIdx !== null) s += `, padding_idx=${this.paddingIdx}`;
    if (this.maxNorm !== null) s += `, max_norm=${pyFloat(this.maxNorm)}`;
    if (this.normType !== 2) s += `, norm_type=${pyFloat(this.normType)}`;
    if (this.scaleGradByFreq) s += `, scale_grad_by_freq=${pyBool(true)}`;
    return s;
  }
}
