// The arithmetic of label smoothing (no tensors, so the report can use it without libtorch).
// Label smoothing (Szegedy et al. 2016, "Rethinking the Inception Architecture"): the target of
// each sample becomes a distribution that keeps 1 - eps on the true class and spreads eps over the
// classes. Two conventions are in use:
// - 'uniform' (PyTorch's crossEntropy labelSmoothing, Keras, the paper): q = (1 - eps) * onehot + eps / C,
//   so the true class holds 1 - eps + eps / C;
// - 'others' (the course notebook's picture): 1 - eps on the true class, eps / (C - 1) on each other.
// 'others' with eps equals 'uniform' with eps * C / (C - 1).

/** How the smoothing mass eps is spread: over all C classes, or over the C - 1 wrong ones. */
export type SmoothingConvention = 'uniform' | 'others';

/** Checks eps, numClasses and convention; RangeError naming `where` and the bad value. */
export function check(where: string, eps: number, numClasses: number, convention: SmoothingConvention): void {
  if (!(Number.isInteger(numClasses) && numClasses >= 1)) throw new RangeError(`${where}: invalid numClasses ${numClasses} (an integer >= 1)`);
  if (!(typeof eps === 'number' && eps >= 0 && eps <= 1)) throw new RangeError(`${where}: invalid eps ${eps} (must be in [0, 1])`);
  if (convention !== 'uniform' && convention !== 'others') {
    throw new RangeError(`${where}: invalid convention ${JSON.stringify(convention)} ('uniform' or 'others')`);
  }
  if (convention === 'others' && numClasses < 2) throw new RangeError(`${where}: the 'others' convention needs numClasses >= 2, got ${numClasses}`);
}

/** The smoothed probability of the true class and of each other class. */
export function smoothedProbabilities(numClasses: number, eps: number, convention: SmoothingConvention = 'uniform'): { onTarget: number; offTarget: number } {
  check('smoothedProbabilities', eps, numClasses, convention);
  if (convention === 'uniform') return { onTarget: 1 - eps + eps / numClasses, offTarget: eps / numClasses };
  return { onTarget: 1 - eps, offTarget: eps / (numClasses - 1) };
}

/**
 * The lowest cross-entropy a model can reach against smoothed targets, in nats: the entropy of the
 * smoothed distribution, reached when the softmax equals it. With eps 0.1 and 10 classes it is
 * 0.5003 ('uniform'); training loss plots draw it as the floor the loss approaches.
 */
export function labelSmoothingLossFloor(eps: number, numClasses: number, convention: SmoothingConvention = 'uniform'): number {
  check('labelSmoothingLossFloor', eps, numClasses, convention);
  const { onTarget, offTarget } = smoothedProbabilities(numClasses, eps, convention);
  const plogp = (p: number) => (p === 0 ? 0 : p * Math.log(p)); // 0 log 0 = 0
  return 0 - (plogp(onTarget) + (numClasses - 1) * plogp(offTarget)); // 0 - x: +0, not -0, at eps 0
}
