// smoothlab/train: the training loop, evaluation, history and checkpoints.
export { fit, NonFiniteLossError, NonFiniteStateError, type FitOptions, type FitResult, type FitCallbacks } from './fit.js';
export { type StatefulLoss } from './stateful_loss.js';
export { evaluate, type EvaluateOptions } from './evaluate.js';
export { type ReduceSums } from './rank_sums.js';
export { type Batch, type BatchSource, type SourceState, type Metric, type LossFn } from './batches.js';
export { type History, type EpochRecord, emptyHistory, historyToCsv, writeHistory } from './history.js';
export { saveCheckpoint, loadCheckpoint } from './checkpoint.js';
