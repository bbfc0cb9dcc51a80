// smoothlab/vision: datasets (and, later, transforms and models) for image classification.
export * as datasets from './datasets/index.js';
export * as transforms from './transforms/index.js';
export * as models from './models/index.js';
