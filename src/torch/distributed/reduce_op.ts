// The reductions of torch.distributed.ReduceOp, as the strings the addon takes.

/** A reduction of allReduce and reduceScatter (PyTorch's ReduceOp members, lower case). */
export type ReduceOpName = 'sum' | 'product' | 'min' | 'max' | 'band' | 'bor' | 'bxor' | 'avg';

/** PyTorch's torch.distributed.ReduceOp: ReduceOp.SUM is 'sum', and so on. */
export const ReduceOp = Object.freeze({
  SUM: 'sum',
  PRODUCT: 'product',
  MIN: 'min',
  MAX: 'max',
  BAND: 'band',
  BOR: 'bor',
  BXOR: 'bxor',
  AVG: 'avg',
} as const satisfies Record<string, ReduceOpName>);
