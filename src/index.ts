// smoothlab: PyTorch-style tensors, nn and training on libtorch, for the label-smoothing study.
export * as torch from './torch/index.js';
export * as nn from './nn/index.js';
export * as vision from './vision/index.js';
export * as log from './log/index.js';
