// Adam (Kingma & Ba 2015) with L2 weight decay and the AMSGrad option: torch.optim.Adam.
import { AdamBase, type AdamOptions } from './adam_base.js';
import type { Params } from './optimizer.js';

/** Adam with coupled (L2) weight decay; PyTorch's defaults lr 1e-3, betas [0.9, 0.999], eps 1e-8, weightDecay 0. */
export class Adam extends AdamBase {
  protected override readonly decoupled = false;

  /** Optimizes `params` (tensors or parameter groups) with the given defaults. */
  constructor(params: Params<AdamOptions>, options: Partial<AdamOptions> = {}) {
    super(params, options, 0);
  }
}
