// smoothlab: PyTorch-style tensors, nn and training on libtorch, for the label-smoothing study.
export * as torch from './torch/index.js';
export * as nn from './nn/index.js';
export * as vision from './vision/index.js';
export * as data from './data/index.js';
export * as log from './log/index.js';
export * as optim from './optim/index.js';
export * as metrics from './metrics/index.js';
export * as utils from './utils/index.js';
export * as report from './report/index.js';
export * as train from './train/index.js';

import * as engine from './torch/index.js';
import { provideTorch } from './data/collate.js';

// data/ imports the engine lazily (its loaders also run without the addon); here it is loaded anyway.
provideTorch(engine);
