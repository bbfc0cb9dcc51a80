// smoothlab/data: torch.utils.data for TypeScript. The Dataset protocol and its compositions, the
// DataLoader (worker threads, shared memory, seeded and in order), the default collate, samplers,
// and the torch-compatible random Generator the transforms draw from.
export { DataLoader, type DataLoaderOptions, type DataLoaderInit, type DataLoaderState } from './dataloader.js';
export { type Dataset, type SampleOf, TensorDataset, Subset, ConcatDataset, isDataset } from './dataset.js';
export { randomSplit } from './random_split.js';
export { type RawBatch, type Batch, type Collated, defaultCollate, tensorCollate, loadTorch, provideTorch } from './collate.js';
export { type DatasetSpec, type TensorRecord, NotTransferableError } from './dataset_spec.js';
export { DataLoaderError, SampleError } from './errors.js';
export { Generator, DEFAULT_SEED, deriveSeed } from './generator.js';
export { type Sampler, epochOrder, batchesOf, batchCount } from './sampler.js';
export { type DatasetArrays, type SampleShape } from './batch_fill.js';
export { DistributedSampler, type DistributedSamplerOptions } from './distributed_sampler.js';
