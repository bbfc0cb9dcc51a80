// smoothlab/data: the DataLoader (worker threads, shared memory, seeded and in order), samplers,
// and the torch-compatible random Generator the transforms draw from.
export { DataLoader, type DataLoaderOptions } from './dataloader.js';
export { type RawBatch, type Batch, tensorCollate } from './collate.js';
export { DataLoaderError, SampleError } from './errors.js';
export { Generator, DEFAULT_SEED, deriveSeed } from './generator.js';
export { epochOrder, batchesOf, batchCount } from './sampler.js';
export { type DatasetArrays, type SampleShape } from './batch_fill.js';
