// The module whose state a checkpoint holds. A DistributedDataParallel wrapper is saved as its
// wrapped module, as PyTorch users save ddp.module.state_dict(): the files of a data-parallel run
// then load into the bare model, and match those of a run in one process.
import type { AnyModule } from '../nn/module.js';
import { DistributedDataParallel } from '../nn/parallel/distributed.js';

/** `model`, or the module a DistributedDataParallel wraps. */
export function stateModule(model: AnyModule): AnyModule {
  return model instanceof DistributedDataParallel ? (model.module as AnyModule) : model;
}
