// The default process group: made by initProcessGroup on c10d (TCPStore + ProcessGroupGloo or
// ProcessGroupNCCL), laid out in the store as Python's init_process_group does.
import { native } from '../native.js';
import { resolveRendezvous } from './rendezvous.js';

/** A c10d backend. */
export type Backend = 'gloo' | 'nccl';

/** Options of initProcessGroup (PyTorch's init_process_group arguments). */
export interface InitProcessGroupOptions {
  /** 'gloo' (CPU tensors) or 'nccl' (CUDA tensors, CUDA builds only). */
  backend: Backend;
  /** 'env://' (default: MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE) or 'tcp://host:port'. */
  initMethod?: string;
  /** This process's rank, 0..worldSize-1 (default: RANK with env://). */
  rank?: number;
  /** The number of ranks (default: WORLD_SIZE with env://). */
  worldSize?: number;
  /** How long the rendezvous and each collective may take, in ms (PyTorch's default: 30 minutes). */
  timeoutMs?: number;
}

/** A process group: the addon's number for it and what it was made with. */
export interface ProcessGroup {
  readonly id: number;
  readonly backend: Backend;
  readonly rank: number;
  readonly worldSize: number;
}

/** PyTorch's default_pg_timeout: 30 minutes. */
export const DEFAULT_TIMEOUT_MS = 30 * 60 * 1000;

let defaultGroup: ProcessGroup | null = null;

function missingBackend(backend: string): Error {
  if (backend === 'gloo') {
    return new Error(
      "initProcessGroup: the 'gloo' backend is not in this build of the addon: gloo's headers were not found when it was compiled. " +
        'Install them (Debian/Ubuntu: apt-get install libgloo-dev) and rebuild the addon (npm run setup, or npm rebuild smoothlab).',
    );
  }
  if (backend === 'nccl') return new Error("initProcessGroup: the 'nccl' backend needs a CUDA build of libtorch and NCCL's header (nccl.h) when the addon is compiled");
  return new TypeError(`initProcessGroup: backend must be 'gloo' or 'nccl', got '${backend}'`);
}

/**
 * Joins the default process group (torch.distributed.init_process_group); resolves once every rank
 * has joined. The rendezvous runs off the JS thread.
 */
export async function initProcessGroup(options: InitProcessGroupOptions): Promise<void> {
  if (defaultGroup !== null) throw new Error('initProcessGroup: the default process group is already initialized (call destroyProcessGroup first)');
  const { backend, initMethod = 'env://', timeoutMs = DEFAULT_TIMEOUT_MS } = options;
  if (!native.distBackendAvailable(backend)) throw missingBackend(backend);
  const { host, port, rank, worldSize } = resolveRendezvous(initMethod, options.rank, options.worldSize);
  let id: number;
  try {
    id = await native.distInitProcessGroup(backend, host, port, rank, worldSize, timeoutMs);
  } catch (error) {
    const message = (error as Error).message;
    if (rank === 0 && /EADDRINUSE|address already in use/i.test(message)) {
      throw new Error(`initProcessGroup: port ${port} on ${host} is already in use (another job's rendezvous?); pick another MASTER_PORT. ${message}`, { cause: error });
    }
    throw error;
  }
  defaultGroup = Object.freeze({ id, backend, rank, worldSize });
}

/** True once initProcessGroup has finished (torch.distributed.is_initialized). */
export function isInitialized(): boolean {
  return defaultGroup !== null;
}

/** True when this build has the backend (torch.distributed.is_gloo_available / is_nccl_available). */
export function isBackendAvailable(backend: Backend): boolean {
  return native.distBackendAvailable(backend);
}

/** The default process group; throws when there is none. */
export function defaultProcessGroup(): ProcessGroup {
  if (defaultGroup === null) throw new Error('torch.distributed: the default process group is not initialized (await initProcessGroup first)');
  return defaultGroup;
}

/** This process's rank in the default group (torch.distributed.get_rank). */
export function getRank(): number {
  return defaultProcessGroup().rank;
}

/** The number of ranks in the default group (torch.distributed.get_world_size). */
export function getWorldSize(): number {
  return defaultProcessGroup().worldSize;
}

/** The default group's backend (torch.distributed.get_backend). */
export function getBackend(): Backend {
  return defaultProcessGroup().backend;
}

/** Leaves the default group and closes its connections (torch.distributed.destroy_process_group). */
export function destroyProcessGroup(): void {
  if (defaultGroup === null) return;
  native.distDestroyProcessGroup(defaultGroup.id);
  defaultGroup = null;
}
