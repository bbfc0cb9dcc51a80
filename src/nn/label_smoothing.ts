// Label smoothing (Szegedy et al. 2016, "Rethinking the Inception Architecture"): the target of
// each sample becomes a distribution that keeps 1 - eps on the true class and spreads eps over the
// classes. Two conventions are in use:
// - 'uniform' (PyTorch's crossEntropy labelSmoothing, Keras, the paper): q = (1 - eps) * onehot + eps / C,
//   so the true class holds 1 - eps + eps / C;
// - 'others' (the course notebook's picture): 1 - eps on the true class, eps / (C - 1) on each other.
// 'others' with eps equals 'uniform' with eps * C / (C - 1).
import { noGrad } from '../torch/autograd.js';
import { full } from '../torch/creation.js';
import type { DType } from '../torch/dtype.js';
import { tidy } from '../torch/memory.js';
import type { Tensor } from '../torch/tensor.js';
import { oneHot } from './functional.js';
import { type SmoothingConvention, check, smoothedProbabilities } from './smoothing_math.js';

export { type SmoothingConvention, smoothedProbabilities, labelSmoothingLossFloor } from './smoothing_math.js';

/**
 * The smoothed target matrix (N, C) for class indices `target` (N, int64): a probability target
 * for crossEntropy. With 'uniform', crossEntropy(x, smoothLabels(t, C, eps)) equals
 * crossEntropy(x, t, { labelSmoothing: eps }) (up to float round-off; with class weights, the
 * 'mean' reductions differ in the denominator: sum of target weights vs N).
 */
export function smoothLabels(
  target: Tensor, numClasses: number, eps: number,
  { convention = 'uniform', dtype = 'float32' }: { convention?: SmoothingConvention; dtype?: DType } = {},
): Tensor {
  check('smoothLabels', eps, numClasses, convention);
  if (target.dtype !== 'int64') throw new TypeError(`smoothLabels: target must hold int64 class indices, got ${target.dtype}`);
  if (target.ndim !== 1) throw new RangeError(`smoothLabels: target must be 1-d (N), got shape [${target.shape.join(', ')}]`);
  const { onTarget, offTarget } = smoothedProbabilities(numClasses, eps, convention);
  // Filling the two values (rather than onehot * (on - off) + off) rounds each once to `dtype`.
  return noGrad(() => tidy(() => full([target.shape[0], numClasses], offTarget, { dtype }).maskedFill(oneHot(target, numClasses).bool(), onTarget)));
}

