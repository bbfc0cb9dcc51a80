// smoothlab/nn: neural-network building blocks.
export * as functional from './functional.js';
export * as init from './init.js';
export { Module, type AnyModule, type ForwardHook, type ForwardPreHook, type RemovableHandle } from './module.js';
export { type StateDict, type LoadStateDictResult } from './state_dict.js';
export { Conv2d, type Conv2dOptions } from './conv.js';
export { Linear } from './linear.js';
export { BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export { ReLU } from './activation.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pooling.js';
export { Dropout, Dropout2d } from './dropout.js';
export { Flatten, Identity } from './flatten.js';
export { Sequential, ModuleList } from './container.js';
export { loadStateDictFile } from './weights_file.js';
export { summary, ModelSummary, type SummaryLayer, type SummaryOptions, type SummaryColumn, type SummaryRowSetting } from './summary.js';
export { CrossEntropyLoss } from './losses.js';
export { smoothLabels, smoothedProbabilities, labelSmoothingLossFloor, type SmoothingConvention } from './label_smoothing.js';
export * as utils from './utils/index.js';
