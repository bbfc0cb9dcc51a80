// The collectives of torch.distributed on the default group. Each is issued at once and returns a
// Work; the tensors hold the result once `await work` has resolved (PyTorch's async_op=True).
import { keep } from '../memory.js';
import { stack } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { defaultProcessGroup } from './process_group.js';
import type { ReduceOpName } from './reduce_op.js';
import { Work } from './work.js';
import { native } from '../native.js';

/** Options of allReduce and reduceScatter. */
export interface ReduceOptions {
  /** The reduction (default 'sum', PyTorch's ReduceOp.SUM). */
  op?: ReduceOpName;
}

/** Reduces `tensor` across ranks in place, every rank receiving the result (torch.distributed.all_reduce). */
export function allReduce(tensor: Tensor, { op = 'sum' }: ReduceOptions = {}): Work {
  return new Work(native.distAllReduce(defaultProcessGroup().id, [tensor.handle], op));
}

/** Copies `tensor` of rank `src` into `tensor` on every other rank (torch.distributed.broadcast). */
export function broadcast(tensor: Tensor, { src = 0 }: { src?: number } = {}): Work {
  return new Work(native.distBroadcast(defaultProcessGroup().id, [tensor.handle], src));
}

/** Fills `tensorList[r]` with rank r's `tensor`, on every rank (torch.distributed.all_gather). */
export function allGather(tensorList: readonly Tensor[], tensor: Tensor): Work {
  return new Work(native.distAllGather(defaultProcessGroup().id, tensorList.map((t) => t.handle), tensor.handle));
}

/**
 * Reduces `inputList[r]` across ranks into `output` of rank r (torch.distributed.reduce_scatter).
 * Gloo in libtorch 1.13 has no reduce-scatter; there it is an all-reduce of the stacked inputs,
 * of which each rank keeps its slice: the same result, at world-size times the traffic.
 */
export function reduceScatter(output: Tensor, inputList: readonly Tensor[], { op = 'sum' }: ReduceOptions = {}): Work {
  const group = defaultProcessGroup();
  try {
    return new Work(native.distReduceScatter(group.id, output.handle, inputList.map((t) => t.handle), op));
  } catch (error) {
    if (!/does not support reduce_scatter/i.test((error as Error).message)) throw error;
  }
  const stacked = keep(stack(inputList as Tensor[]));  // outlives a tidy() around the call: `after` reads it
  return new Work(native.distAllReduce(group.id, [stacked.handle], op), () => {
    const mine = stacked.select(0, group.rank);
    output.copy_(mine);
    mine.dispose();
    stacked.dispose();
  });
}

/** Resolves once every rank has reached it (torch.distributed.barrier). */
export function barrier(): Work {
  return new Work(native.distBarrier(defaultProcessGroup().id));
}
