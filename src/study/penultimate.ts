// The penultimate-layer activations behind the projection figure of Müller, Kornblith and Hinton
// (2019, section 2): a bounded sample of examples of three classes, projected onto the plane of
// their templates. They show it on the training set and on the test set; the study does both. The
// sampled rows stay on the model's device until the projection, which copies them to the host once.
import { Linear } from '../nn/linear.js';
import type { AnyModule } from '../nn/module.js';
import type { PenultimateProjection } from '../report/data.js';
import { projectOntoTemplates } from '../report/projection.js';
import { tensor } from '../torch/creation.js';
import { dispose, keep, tidy } from '../torch/memory.js';
import { cat } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';

/** The classes of the projection figure when none are chosen. */
export const DEFAULT_PROJECTION_CLASSES: readonly number[] = [0, 1, 2];

/** How many examples of each class the figure shows: enough to see a cluster's shape, few enough to draw. */
export const POINTS_PER_CLASS = 150;

/** Collects penultimate activations of up to POINTS_PER_CLASS examples of each of three classes. */
export class PenultimateSample {
  // Selected rows (float32, on the features' device), one part per batch.
  private readonly parts: Tensor[] = [];
  private readonly labels: number[] = [];
  private readonly seen = new Map<number, number>();
  private dim = 0;

  constructor(readonly classes: readonly number[] = DEFAULT_PROJECTION_CLASSES) {
    if (classes.length !== 3) throw new RangeError(`PenultimateSample: needs 3 classes, got ${classes.length}`);
  }

  /** Whether every class has its POINTS_PER_CLASS examples. */
  get full(): boolean {
    return this.classes.every((c) => (this.seen.get(c) ?? 0) >= POINTS_PER_CLASS);
  }

  /** Adds the examples of `features` (N, dim) whose label (`target`, best on the host) is one of the classes, while their class has room. */
  add(features: Tensor, target: Tensor): void {
    this.dim = features.shape[1];
    const labels = (target.toArray() as (number | bigint)[]).map(Number);
    const picked: bigint[] = [];
    labels.forEach((label, i) => {
      const seen = this.seen.get(label) ?? 0;
      if (!this.classes.includes(label) || seen >= POINTS_PER_CLASS) return;
      this.seen.set(label, seen + 1);
      this.labels.push(label);
      picked.push(BigInt(i));
    });
    if (picked.length === 0) return;
    this.parts.push(keep(tidy(() => features.indexSelect(0, tensor(BigInt64Array.from(picked)).to(features.device)).float())));
  }

  /** The projection onto the plane of the classes' templates, the rows of the final layer `fc`'s weight. */
  project(fc: AnyModule, epsilon: number, run: string, split: 'train' | 'test'): PenultimateProjection {
    if (!(fc instanceof Linear)) throw new TypeError('the model\'s fc must be a Linear layer for the penultimate-layer projection');
    const weight = tidy(() => fc.weight.float().toTypedArray<'float32'>());
    const templates = Array.from({ length: weight.length / this.dim }, (_, c) => weight.subarray(c * this.dim, (c + 1) * this.dim));
    const values = this.parts.length === 0 ? new Float32Array(0) : tidy(() => cat(this.parts).toTypedArray<'float32'>());
    return { ...projectOntoTemplates({ values, dim: this.dim }, this.labels, templates, [...this.classes], epsilon, run), split };
  }

  /** Frees the sampled rows. */
  dispose(): void {
    dispose(this.parts);
    this.parts.length = 0;
  }
}

/** The class indices a `--classes a,b,c` value names (class names or indices of `classNames`); unknown ones throw, listing the names. */
export function resolveProjectionClasses(value: string | undefined, classNames: readonly string[]): number[] {
  if (value === undefined) return [...DEFAULT_PROJECTION_CLASSES];
  const indices = value.split(',').map((part) => {
    const name = part.trim();
    const byName = classNames.indexOf(name);
    if (byName >= 0) return byName;
    if (/^\d+$/.test(name) && Number(name) < classNames.length) return Number(name);
    throw new RangeError(`classes: no class '${name}' in this dataset (its classes: ${classNames.join(', ')}; or an index 0-${classNames.length - 1})`);
  });
  if (new Set(indices).size !== 3) throw new RangeError(`classes: '${value}' names a class twice`);
  return indices;
}
