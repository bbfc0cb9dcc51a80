// Label-smoothing targets and the loss floor they imply, for the report's label-matrix figure and
// the reference lines on the loss panel. Pure arithmetic: no tensors.

/**
 * How the smoothing mass is spread: 'uniform' is PyTorch's `label_smoothing` (Szegedy et al. 2016):
 * (1 - eps) * onehot + eps / C; 'others' gives 1 - eps to the true class and eps / (C - 1) to each other.
 */
export type SmoothingConvention = 'uniform' | 'others';

function check(numClasses: number, epsilon: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new RangeError(`smoothing: numClasses must be an integer >= 2, got ${numClasses}`);
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`smoothing: epsilon must be in [0, 1], got ${epsilon}`);
}

/** The smoothed target distribution of class `label` among `numClasses`. */
export function smoothedTarget(label: number, numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number[] {
  check(numClasses, epsilon);
  const off = convention === 'uniform' ? epsilon / numClasses : epsilon / (numClasses - 1);
  const on = convention === 'uniform' ? 1 - epsilon + epsilon / numClasses : 1 - epsilon;
  return Array.from({ length: numClasses }, (_, c) => (c === label ? on : off));
}

/** The C x C matrix whose row c is the smoothed target of class c (the identity when epsilon is 0). */
export function labelMatrix(numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number[][] {
  return Array.from({ length: numClasses }, (_, c) => smoothedTarget(c, numClasses, epsilon, convention));
}

/**
 * The smallest value the label-smoothed cross-entropy can reach: the entropy of the smoothed target
 * (in nats), reached when the predicted distribution equals it. A smoothed training loss plateaus
 * above this floor instead of going to zero.
 */
export function smoothingLossFloor(numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number {
  const target = smoothedTarget(0, numClasses, epsilon, convention);
  return -target.reduce((h, p) => h + (p > 0 ? p * Math.log(p) : 0), 0);
}
