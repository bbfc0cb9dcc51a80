// The penultimate-layer picture of Muller, Kornblith and Hinton (2019, section 2): pick three
// classes, take the orthonormal basis of the plane through their templates (the rows of the last
// layer's weight matrix), and project activations of examples of those classes onto it.
import type { PenultimateProjection } from './data.js';

/** Row-major activations: `count` rows of `dim` values. */
export interface Activations {
  values: ArrayLike<number>;
  dim: number;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>, offA = 0, n = b.length) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[offA + i] * b[i];
  return s;
};

/**
 * Projects the activations of examples labelled with one of `classes` (three class indices) onto the
 * plane through those classes' templates (`weight`: one row of length dim per class), centered on
 * the templates' mean; other examples are skipped.
 */
export function projectOntoTemplates(activations: Activations, labels: ArrayLike<number>, weight: ArrayLike<number>[], classes: number[], epsilon: number, run?: string): PenultimateProjection {
  const { values, dim } = activations;
  if (classes.length !== 3) throw new RangeError(`projectOntoTemplates: needs 3 classes, got ${classes.length}`);
  if (values.length !== labels.length * dim) throw new RangeError(`projectOntoTemplates: ${values.length} values are not ${labels.length} rows of ${dim}`);
  const [t0, t1, t2] = classes.map((c) => {
    const row = weight[c];
    if (!row || row.length !== dim) throw new RangeError(`projectOntoTemplates: weight row ${c} must have ${dim} values`);
    return Float64Array.from(row);
  });
  const center = t0.map((v, i) => (v + t1[i] + t2[i]) / 3);
  // Gram-Schmidt on the two edge vectors of the template triangle.
  const e1 = t1.map((v, i) => v - t0[i]);
  const n1 = Math.sqrt(dot(e1, e1));
  if (!(n1 > 0)) throw new RangeError('projectOntoTemplates: two templates coincide');
  e1.forEach((v, i) => { e1[i] = v / n1; });
  const u = t2.map((v, i) => v - t0[i]);
  const k = dot(u, e1);
  const e2 = u.map((v, i) => v - k * e1[i]);
  const n2 = Math.sqrt(dot(e2, e2));
  if (!(n2 > 0)) throw new RangeError('projectOntoTemplates: the three templates are collinear');
  e2.forEach((v, i) => { e2[i] = v / n2; });
  const c1 = dot(center, e1);
  const c2 = dot(center, e2);
  const wanted = new Set(classes);
  const points: PenultimateProjection['points'] = [];
  for (let r = 0; r < labels.length; r++) {
    const label = labels[r];
    if (!wanted.has(label)) continue;
    points.push({ x: dot(values, e1, r * dim, dim) - c1, y: dot(values, e2, r * dim, dim) - c2, label });
  }
  return { epsilon, run, classes: [...classes], points };
}
