// smoothlab/optim: optimizers and learning-rate schedulers with torch.optim's names, defaults and numbers.
export {
  Optimizer, type BaseOptions, type ParamGroup, type ParamGroupSpec, type Params, type ParamState, type SchedulerFields,
  type OptimizerStateDict,
} from './optimizer.js';
export { SGD, type SGDOptions, type SGDState } from './sgd.js';
export { Adam } from './adam.js';
export { AdamW } from './adamw.js';
export { AdamBase, type AdamOptions, type AdamState } from './adam_base.js';
export { RMSprop, type RMSpropOptions, type RMSpropState } from './rmsprop.js';
export * as lrScheduler from './lr_scheduler/index.js';
