// AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, torch.optim.AdamW.
import { AdamBase, type AdamOptions } from './adam_base.js';
import type { Params } from './optimizer.js';

/** AdamW; PyTorch's defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 1e-2. */
export class AdamW extends AdamBase {
  protected override readonly decoupled = true;

  /** Optimizes `params` (tensors or parameter groups) with the given defaults. */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, 1e-2);
  }
}
