// nn.parallel: data parallelism across processes on c10d.
export { DistributedDataParallel, type DistributedDataParallelOptions } from './distributed.js';
