// Label-smoothing targets and the loss floor they imply, for the report's label-matrix figure and
// the reference lines on the loss panel. Pure arithmetic: no tensors.

import { type SmoothingConvention, labelSmoothingLossFloor, smoothedProbabilities } from '../nn/smoothing_math.js';

export { type SmoothingConvention } from '../nn/smoothing_math.js';

/** The smoothed target distribution of class `label` among `numClasses`. */
export function smoothedTarget(label: number, numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number[] {
  const { onTarget, offTarget } = smoothedProbabilities(numClasses, epsilon, convention);
  return Array.from({ length: numClasses }, (_, c) => (c === label ? onTarget : offTarget));
}

/** The C x C matrix whose row c is the smoothed target of class c (the identity when epsilon is 0). */
export function labelMatrix(numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number[][] {
  return Array.from({ length: numClasses }, (_, c) => smoothedTarget(c, numClasses, epsilon, convention));
}

/** The lowest reachable smoothed cross-entropy (nats): labelSmoothingLossFloor with the report's argument order. */
export function smoothingLossFloor(numClasses: number, epsilon: number, convention: SmoothingConvention = 'uniform'): number {
  return labelSmoothingLossFloor(epsilon, numClasses, convention);
}
