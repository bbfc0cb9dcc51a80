// smoothlab/torch: tensors, autograd, memory, random state and serialization on libtorch.
export { Tensor, type TensorLike, type ValuesIndices, type ReduceOptions, type SortOptions } from './tensor.js';
export { type DType, type Device, DTYPES, itemSize, isFloatingPoint } from './dtype.js';
export { TorchError, DisposedTensorError } from './errors.js';
export * from './creation.js';
export * from './ops.js';
export * from './foreach.js';
export { noGrad, enableGrad, isGradEnabled, inferenceMode, isInferenceModeEnabled } from './autograd.js';
export { tidy, keep, dispose, memory } from './memory.js';
export { manualSeed, getRngState, setRngState } from './random.js';
export { version, builtWithCuda, cudaAvailable, cudaDeviceCount, setNumThreads, getNumThreads } from './runtime.js';
export { save, load, loadMetadata, fileFormat, type TensorRecord } from './serialization.js';
export { readPth, loadPth, isLegacyTorchSave } from './pth.js';
export { autocast, isAutocastEnabled, getAutocastDtype, type AutocastOptions } from './amp/autocast_mode.js';
export * as amp from './amp/index.js';
export * as cuda from './cuda.js';
export * as backends from './backends.js';
export * as distributed from './distributed/index.js';
