// The notebook's own figures, drawn as it draws them beside the report's: the label matrices Y1
// (one-hot) and Y2 (smoothed) of a batch of N = 10 labels over C = 4 classes with ε = 0.3 and one
// colour bar, and six augmentations of one training image (its imgIdx = 5).
import type { SampleImage } from './data.js';
import { heatmap } from './heatmap.js';
import { imageGrid } from './image-grid.js';
import { smoothedTarget } from './smoothing.js';
import type { Figure } from './svg.js';

/** The notebook's label-matrix example: batch size, classes, smoothing. */
export const NOTEBOOK_LABELS = { n: 10, c: 4, epsilon: 0.3 } as const;

/** The notebook's index of the training image it augments six times. */
export const NOTEBOOK_IMAGE_INDEX = 5;

/** A fixed batch of `n` labels in [0, c) (a small LCG: the figure is the same on every run). */
export function exampleLabels(n: number = NOTEBOOK_LABELS.n, c: number = NOTEBOOK_LABELS.c, seed = 512): number[] {
  let state = seed >>> 0;
  return Array.from({ length: n }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return Math.floor((state / 2 ** 32) * c);
  });
}

/** Y1 (one-hot) and Y2 (smoothed with ε/(C - 1) off the true class, as the notebook draws it) as N x C heatmaps sharing one colour bar. */
export function notebookLabelPanels(labels: number[] = exampleLabels(), c: number = NOTEBOOK_LABELS.c, epsilon: number = NOTEBOOK_LABELS.epsilon): Figure[][] {
  const classes = Array.from({ length: c }, (_, k) => String(k));
  const rows = labels.map((_, i) => String(i));
  const common = { rowLabels: rows, colLabels: classes, domain: [0, 1] as [number, number], xLabel: 'class', cell: 26, format: (v: number) => (v === 0 ? '0' : v.toFixed(2)) };
  return [[
    heatmap({ ...common, matrix: labels.map((y) => smoothedTarget(y, c, 0)), title: 'Y1 (one-hot)', yLabel: 'sample', colorBar: false }),
    heatmap({ ...common, matrix: labels.map((y) => smoothedTarget(y, c, epsilon, 'others')), title: `Y2 (ε=${epsilon})`, colorBarLabel: 'target probability' }),
  ]];
}

/** The notebook's grid of one training image augmented six times. */
export function oneImageAugmentationsFigure(images: SampleImage[], index: number = NOTEBOOK_IMAGE_INDEX): Figure {
  return imageGrid({ title: `Training image ${index}, augmented ${images.length} times`, images: images.map((img, k) => ({ ...img, caption: `draw ${k + 1}` })) });
}
