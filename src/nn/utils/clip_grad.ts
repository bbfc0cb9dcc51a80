// Gradient clipping as torch.nn.utils.clip_grad_norm_ / clip_grad_value_ in PyTorch 1.13: the
// norm of each gradient, then the norm of those norms (the norm of all gradients as one vector),
// a clip coefficient clamped to 1, and every gradient multiplied by it in place. The coefficient
// is applied even when it is 1, as in PyTorch, which avoids a device-to-host sync on GPU.
import { noGrad } from '../../torch/autograd.js';
import { zeros } from '../../torch/creation.js';
import { tidy } from '../../torch/memory.js';
import { stack } from '../../torch/ops.js';
import { Tensor } from '../../torch/tensor.js';

/** Options of clipGradNorm_. */
export interface ClipGradNormOptions {
  /** The p of the p-norm (default 2); Infinity or 'inf' for the largest absolute value. */
  normType?: number | 'inf';
  /** Throw when the total norm is NaN or ±Infinity instead of scaling by it (default false, as in PyTorch 1.13). */
  errorIfNonfinite?: boolean;
}

/** The parameters' gradients that exist (a single tensor counts as a list of one). */
function gradsOf(where: string, parameters: Iterable<Tensor> | Tensor): Tensor[] {
  if (parameters instanceof Tensor) parameters = [parameters];
  if (parameters === null || typeof parameters !== 'object' || !(Symbol.iterator in parameters)) {
    throw new TypeError(`${where}: parameters must be a Tensor or an iterable of Tensors, got ${String(parameters)}`);
  }
  const grads: Tensor[] = [];
  for (const p of parameters) {
    if (!(p instanceof Tensor)) throw new TypeError(`${where}: parameters must be Tensors, but one is ${typeof p}`);
    const g = p.grad;
    if (g !== null) grads.push(g.detach());
  }
  return grads;
}

// Python's str() of a float: 2.0, 0.5, inf.
function pythonFloat(x: number): string {
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return Number.isInteger(x) ? x.toFixed(1) : String(x);
}

/**
 * Scales the gradients of `parameters` in place so that their total norm (as one vector) is at most
 * `maxNorm`, and returns that norm before clipping as a scalar tensor (the caller owns it).
 */
export function clipGradNorm_(parameters: Iterable<Tensor> | Tensor, maxNorm: number,
  { normType = 2, errorIfNonfinite = false }: ClipGradNormOptions = {}): Tensor {
  const where = 'clipGradNorm_';
  if (typeof maxNorm !== 'number') throw new TypeError(`${where}: maxNorm must be a number, got ${typeof maxNorm}`);
  const p = normType === 'inf' ? Infinity : normType;
  if (typeof p !== 'number' || Number.isNaN(p)) throw new TypeError(`${where}: normType must be a number or 'inf', got ${String(normType)}`);
  return noGrad(() => tidy(() => {
    const grads = gradsOf(where, parameters);
    if (grads.length === 0) return zeros([]);
    const device = grads[0].device;
    let total: Tensor;
    if (p === Infinity) {
      const norms = grads.map((g) => g.abs().max().to(device));
      total = norms.length === 1 ? norms[0] : stack(norms).max();
    } else {
      total = stack(grads.map((g) => g.norm(p).to(device))).norm(p);
    }
    if (errorIfNonfinite && !total.isfinite().item()) {
      throw new Error(`${where}: The total norm of order ${pythonFloat(p)} for gradients from \`parameters\` is non-finite, so it cannot be ` +
        'clipped. To disable this error and scale the gradients by the non-finite norm anyway, set `errorIfNonfinite: false`');
    }
    // PyTorch's max_norm / (total_norm + 1e-6) is Tensor.__rdiv__: reciprocal, then times max_norm.
    const clipCoefClamped = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1);
    for (const g of grads) g.mul_(clipCoefClamped.to(g.device));
    return total;
  }));
}

/** Clamps every gradient of `parameters` to [-clipValue, clipValue] in place. */
export function clipGradValue_(parameters: Iterable<Tensor> | Tensor, clipValue: number): void {
  if (typeof clipValue !== 'number') throw new TypeError(`clipGradValue_: clipValue must be a number, got ${typeof clipValue}`);
  noGrad(() => tidy(() => {
    // The addon has no clamp_; clamp then copy_ writes the same values into the gradient's storage.
    for (const g of gradsOf('clipGradValue_', parameters)) g.copy_(g.clamp(-clipValue, clipValue));
  }));
}
