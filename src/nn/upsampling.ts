// nn.Upsample: nn.functional.interpolate as a layer, with torch.nn.Upsample's defaults (nearest).
import type { Tensor } from '../torch/tensor.js';
import { type InterpolateMode, type InterpolateOptions, interpolate } from './functional.js';
import { Module } from './module.js';
import { pyFloat } from './py_repr.js';

/** Resamples (N, C, ...spatial) input to `size` or by `scaleFactor`. */
export class Upsample extends Module {
  readonly size: number | number[] | null;
  readonly scaleFactor: number | number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor({ size = null, scaleFactor = null, mode = 'nearest', alignCorners = null, recomputeScaleFactor = null }: InterpolateOptions = {}) {
    super();
    this.size = size;
    // PyTorch keeps a zero scale factor as None.
    this.scaleFactor = scaleFactor === 0 ? null : scaleFactor;
    this.mode = mode;
    this.alignCorners = alignCorners;
    this.recomputeScaleFactor = recomputeScaleFactor;
  }

  override forward(input: Tensor): Tensor {
    return interpolate(input, {
      size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor,
    });
  }

  override extraRepr(): string {
    const tuple = (v: number[], f: (x: number) => string) => (v.length === 1 ? `(${f(v[0])},)` : `(${v.map(f).join(', ')})`);
    const info = this.scaleFactor !== null
      ? `scale_factor=${typeof this.scaleFactor === 'number' ? pyFloat(this.scaleFactor) : tuple(this.scaleFactor, pyFloat)}`
      : `size=${this.size === null ? 'None' : typeof this.size === 'number' ? this.size : tuple(this.size, String)}`;
    return `${info}, mode=${this.mode}`;
  }
}
