/** A failure inside libtorch (shape mismatch, wrong dtype, ...), with libtorch's message and the op's name. */
export class TorchError extends Error {
  /** The smoothlab operation that failed, e.g. 'matmul'. */
  readonly op: string;

  constructor(message: string, op: string) {
    super(`${op}: ${message}`);
    this.name = 'TorchError';
    this.op = op;
  }
}

/** Thrown when a tensor is used after `dispose()` (directly or by the `tidy` that owned it). */
export class DisposedTensorError extends Error {
  constructor(what = 'Tensor') {
    super(`${what} was used after it was disposed (by dispose(), a \`using\` block or the tidy() that created it)`);
    this.name = 'DisposedTensorError';
  }
}
