// torch.distributed on libtorch's c10d: process groups, collectives and their Work handles.
export {
  type Backend,
  type InitProcessGroupOptions,
  type ProcessGroup,
  DEFAULT_TIMEOUT_MS,
  initProcessGroup,
  destroyProcessGroup,
  isInitialized,
  isBackendAvailable,
  defaultProcessGroup,
  getRank,
  getWorldSize,
  getBackend,
} from './process_group.js';
export { type Rendezvous, resolveRendezvous } from './rendezvous.js';
export { ReduceOp, type ReduceOpName } from './reduce_op.js';
export { Work } from './work.js';
export { type ReduceOptions, allReduce, broadcast, allGather, reduceScatter, barrier } from './collectives.js';
