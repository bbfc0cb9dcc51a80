// smoothlab/optim lrScheduler: learning-rate schedules with torch.optim.lr_scheduler's names and defaults.
export { LRScheduler, type AnyOptimizer, type SchedulerOptions, type SchedulerStateDict } from './lr_scheduler.js';
export { OneCycleLR, type OneCycleLROptions, type OneCyclePhase } from './one_cycle.js';
export { CosineAnnealingLR, type CosineAnnealingLROptions } from './cosine_annealing.js';
export { StepLR, type StepLROptions } from './step.js';
export { MultiStepLR, type MultiStepLROptions } from './multi_step.js';
export { LinearLR, type LinearLROptions } from './linear.js';
export { SequentialLR, type SequentialLROptions } from './sequential.js';
export { ExponentialLR, type ExponentialLROptions } from './exponential.js';
export { LambdaLR, type LambdaLROptions, type LrLambda } from './lambda.js';
export { ReduceLROnPlateau, type ReduceLROnPlateauOptions } from './reduce_on_plateau.js';
