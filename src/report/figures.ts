// The report's figures, built from ReportData: each a named Figure with a title and a caption that
// says how to read it. File names (figures/NAME.svg|png) come from `name`.
import { barChart } from './bar.js';
import { categoryColor } from './colors.js';
import { composeRows } from './compose.js';
import { type DistillationReport, summarizeStudents } from './distillation.js';
import type { LabelCounts, PenultimateProjection, ReportData, RunCalibration, RunConfusion, RunHistory, SampleImage } from './data.js';
import { heatmap } from './heatmap.js';
import { imageGrid } from './image-grid.js';
import { legendFigure, type LegendItem } from './legend.js';
import { lineChart, type LineSeries } from './line.js';
import { reliabilityDiagram } from './reliability.js';
import type { ResultRow } from './results.js';
import { summarizeResults } from './results.js';
import { scatterChart, type ScatterSeries } from './scatter.js';
import { formatFixed } from './tables.js';
import { niceDomain } from './scale.js';
import { NOTEBOOK_LABELS, notebookLabelPanels, oneImageAugmentationsFigure } from './notebook_figures.js';
import { labelMatrix, smoothingLossFloor, type SmoothingConvention } from './smoothing.js';
import type { Figure } from './svg.js';

/** A figure of the report: file stem, title, caption (plain text), its panels in rows, and all of them composed. */
export interface ReportFigure {
  name: string;
  title: string;
  caption: string;
  /** Panels in rows: the HTML report lets them wrap on narrow screens instead of shrinking them. */
  rows: Figure[][];
  /** The panels composed into one drawing, for figures/NAME.svg and .png. */
  figure: Figure;
}

const className = (names: string[], label: number) => names[label] ?? String(label);
const epsLabel = (eps: number) => `ε=${eps}`;
const DASH_VAL = '6 4';

/** The first entry per epsilon, in ascending epsilon order (the report draws one seed per epsilon). */
export function firstPerEpsilon<T extends { epsilon: number }>(items: T[]): T[] {
  const seen = new Map<number, T>();
  for (const item of items) if (!seen.has(item.epsilon)) seen.set(item.epsilon, item);
  return [...seen.values()].sort((a, b) => a.epsilon - b.epsilon);
}

/** A grid of images captioned with their class names. */
export function samplesFigure(images: SampleImage[], classNames: string[], title: string): Figure {
  return imageGrid({ title, images: images.map((i) => ({ ...i, caption: i.caption ?? className(classNames, i.label) })) });
}

/** Examples per class, one bar per split. */
export function labelHistogramFigure(histograms: LabelCounts[], classNames: string[]): Figure {
  const n = Math.max(classNames.length, ...histograms.map((h) => h.counts.length));
  const categories = Array.from({ length: n }, (_, i) => className(classNames, i));
  return barChart({ title: 'Examples per class', categories, series: histograms.map((h) => ({ name: h.split, values: h.counts })), xLabel: 'class', yLabel: 'examples', width: Math.max(420, Math.min(900, n * 44)) });
}

/** The one-hot targets and the smoothed targets of every class, side by side with a shared color bar. */
export function labelMatricesPanels(classNames: string[], epsilon: number, convention: SmoothingConvention): Figure[][] {
  const c = classNames.length;
  const common = { rowLabels: classNames, colLabels: classNames, domain: [0, 1] as [number, number], xLabel: 'target class', format: (v: number) => (v === 0 ? '0' : v.toFixed(2)) };
  return [[
    heatmap({ ...common, matrix: labelMatrix(c, 0), title: 'one-hot (ε=0)', yLabel: 'true class', colorBar: false }),
    heatmap({ ...common, matrix: labelMatrix(c, epsilon, convention), title: `smoothed (${epsLabel(epsilon)})`, colorBarLabel: 'target probability' }),
  ]];
}

/** The notebook's three panels (loss with the smoothing floor, accuracy, learning rate); train solid, validation dashed. */
export function trainingCurvesPanels(runs: RunHistory[], numClasses: number, convention: SmoothingConvention): Figure[][] {
  const epsilons = [...new Set(runs.map((r) => r.epsilon))].sort((a, b) => a - b);
  const color = (eps: number) => categoryColor(epsilons.indexOf(eps));
  const epochs = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const curves = (pick: (r: RunHistory) => [number[], number[]], scale = 1): LineSeries[] => runs.flatMap((r) => {
    const [train, val] = pick(r);
    return [
      { name: `${r.name} train`, x: epochs(train.length), y: train.map((v) => v * scale), color: color(r.epsilon) },
      { name: `${r.name} validation`, x: epochs(val.length), y: val.map((v) => v * scale), color: color(r.epsilon), dash: DASH_VAL },
    ];
  });
  // The floors' values go in the legend: a label at the line's end would sit on the curves that approach it.
  const floors = numClasses >= 2 ? epsilons.filter((e) => e > 0).map((e) => {
    const floor = smoothingLossFloor(numClasses, e, convention);
    return { y: floor, color: color(e), legend: `loss floor ${epsLabel(e)}: ${floor.toFixed(3)}` };
  }) : [];
  const lr: LineSeries[] = runs.map((r) => {
    const per = r.stepsPerEpoch ?? (r.trainLoss.length > 0 ? r.lr.length / r.trainLoss.length : 1);
    // Step i at (i + 1) / per: the last step of epoch e sits at x = e, beside that epoch's loss and accuracy.
    return { name: r.name, x: r.lr.map((_, i) => (i + 1) / (per || 1)), y: r.lr, color: color(r.epsilon) };
  });
  const panel = { width: 400, height: 300, legend: false };
  const items: LegendItem[] = [
    ...epsilons.map((e) => {
      const seeds = runs.filter((r) => r.epsilon === e).length;
      return { label: seeds > 1 ? `${epsLabel(e)} (${seeds} runs)` : `${epsLabel(e)}: ${runs.find((r) => r.epsilon === e)?.name ?? ''}`, color: color(e) };
    }),
    { label: 'train', color: '#555555' },
    { label: 'validation', color: '#555555', dash: DASH_VAL },
    ...floors.map((f) => ({ label: f.legend, color: f.color, dash: '2 3' })),
  ];
  const loss = curves((r) => [r.trainLoss, r.valLoss]);
  return [[
    lineChart({ ...panel, title: 'Loss', xLabel: 'epoch', yLabel: 'cross-entropy (nats)', series: loss, hlines: floors.map(({ y, color: c }) => ({ y, color: c })), yScale: 'auto' }),
    lineChart({ ...panel, title: 'Accuracy', xLabel: 'epoch', yLabel: 'accuracy (%)', series: curves((r) => [r.trainScore, r.valScore], 100) }),
    lineChart({ ...panel, title: 'Learning rate', xLabel: 'epoch', yLabel: 'learning rate', series: lr }),
    legendFigure(items),
  ]];
}

/** One reliability diagram per epsilon; a second row after temperature scaling when the data has it. */
export function reliabilityPanels(calibration: RunCalibration[]): Figure[][] {
  const picks = firstPerEpsilon(calibration);
  const before = picks.map((c) => reliabilityDiagram({ bins: c.bins, ece: c.ece, title: epsLabel(c.epsilon), color: categoryColor(0) }));
  const after = picks.every((c) => c.binsScaled)
    ? picks.map((c) => reliabilityDiagram({ bins: c.binsScaled!, ece: c.eceScaled, title: `${epsLabel(c.epsilon)}, T=${c.temperature === undefined ? '?' : formatFixed(c.temperature, 2)}`, color: categoryColor(2) }))
    : [];
  return after.length ? [before, after] : [before];
}

/** Accuracy and ECE (before and after temperature scaling) against epsilon: seeds as faint points, means with ± sd bars. */
export function epsilonPanels(results: ResultRow[]): Figure[][] {
  const summary = summarizeResults(results);
  const noises = [...new Set(summary.map((s) => s.labelNoise))];
  const tag = (noise: number) => (noises.length > 1 ? ` (noise ${noise})` : '');
  const meanSeries = (name: string, color: string, noise: number, pick: (s: typeof summary[number]) => { mean: number; spread: number } | undefined, dash?: string): ScatterSeries => ({
    name: `${name}${tag(noise)}`, color, connect: true, dash,
    points: summary.filter((s) => s.labelNoise === noise && pick(s)).map((s) => {
      const { mean, spread } = pick(s)!;
      const err = Number.isFinite(spread) ? spread : 0;
      // Accuracy and ECE cannot go below 0: the bar stops there.
      return { x: s.epsilon, y: mean * 100, yLow: Math.max(0, mean - err) * 100, yHigh: (mean + err) * 100, label: `${epsLabel(s.epsilon)}: ${(mean * 100).toFixed(2)}` };
    }),
  });
  const seedSeries = (color: string, noise: number, pick: (r: ResultRow) => number | undefined): ScatterSeries => ({
    name: 'seeds', color, opacity: 0.35, radius: 3, hideInLegend: true,
    points: results.filter((r) => (r.labelNoise ?? 0) === noise && pick(r) !== undefined).map((r) => ({ x: r.epsilon, y: pick(r)! * 100, label: r.run })),
  });
  const accuracy: ScatterSeries[] = noises.flatMap((n, i) => [seedSeries(categoryColor(i), n, (r) => r.accuracy), meanSeries('mean ± sd', categoryColor(i), n, (s) => s.accuracy)]);
  const hasScaled = results.some((r) => r.eceScaled !== undefined);
  const ece: ScatterSeries[] = noises.flatMap((n, i) => [
    seedSeries(categoryColor(2 * i), n, (r) => r.ece),
    meanSeries('before TS', categoryColor(2 * i), n, (s) => s.ece),
    ...(hasScaled ? [seedSeries(categoryColor(2 * i + 1), n, (r) => r.eceScaled), meanSeries('after TS', categoryColor(2 * i + 1), n, (s) => s.eceScaled, '5 3')] : []),
  ]);
  const xs = summary.map((s) => s.epsilon);
  const pad = Math.max(0.01, (Math.max(...xs) - Math.min(...xs)) * 0.1);
  const xDomain: [number, number] = [Math.min(...xs) - pad, Math.max(...xs) + pad];
  return [[
    scatterChart({ title: 'Test accuracy', xLabel: 'label smoothing ε', yLabel: 'accuracy (%)', series: accuracy, xDomain, legend: true, yMin: 0 }),
    scatterChart({ title: 'Calibration error', xLabel: 'label smoothing ε', yLabel: 'ECE (%)', series: ece, xDomain, legend: true, yMin: 0 }),
  ]];
}

/**
 * Students' test accuracy against the distillation temperature T, one line per teacher setting
 * (mean ± sd over seeds, single students faint), and each teacher setting's own accuracy as a
 * dotted level: Müller et al.'s figure of section 4, where the smoothed teacher's students sit lower.
 */
export function studentsPanels(report: DistillationReport): Figure[][] {
  const summary = summarizeStudents(report);
  const teachers = [...new Set(summary.map((s) => s.teacher))];
  const series: ScatterSeries[] = teachers.flatMap((teacher, i) => {
    const color = categoryColor(i);
    const mine = summary.filter((s) => s.teacher === teacher);
    const students = report.students.filter((s) => mine.some((m) => m.teacherLoss === s.teacherLoss && m.teacherEpsilon === s.teacherEpsilon));
    return [
      { name: `${teacher} teacher's students`, hideInLegend: true, color, opacity: 0.35, radius: 3, points: students.map((s) => ({ x: s.temperature, y: s.accuracy * 100, label: s.run })) },
      {
        name: `students of the ${teacher} teacher`, color, connect: true,
        points: mine.map((s) => {
          const err = Number.isFinite(s.accuracy.spread) ? s.accuracy.spread : 0;
          return { x: s.temperature, y: s.accuracy.mean * 100, yLow: Math.max(0, s.accuracy.mean - err) * 100, yHigh: (s.accuracy.mean + err) * 100, label: `T=${s.temperature}: ${(s.accuracy.mean * 100).toFixed(2)}` };
        }),
      },
      {
        // Drawn as small points too, so a single temperature still shows its teachers' level.
        name: `${teacher} teacher`, color, connect: true, dash: '2 3', radius: 2, opacity: 0.8,
        points: mine.filter((s) => Number.isFinite(s.teacherAccuracy.mean)).map((s) => ({ x: s.temperature, y: s.teacherAccuracy.mean * 100, label: `teacher ${teacher}` })),
      },
    ];
  });
  const ts = summary.map((s) => s.temperature);
  const pad = Math.max(0.5, (Math.max(...ts) - Math.min(...ts)) * 0.1);
  return [[scatterChart({ title: 'Students of each teacher', xLabel: 'distillation temperature T', yLabel: 'student test accuracy (%)', series, xDomain: [Math.min(...ts) - pad, Math.max(...ts) + pad], legend: true })]];
}

/** One confusion matrix per epsilon, colored by the row-normalized rate and annotated with counts. */
export function confusionPanels(confusion: RunConfusion[], classNames: string[]): Figure[][] {
  const picks = firstPerEpsilon(confusion);
  return [picks.map((c, i) => {
    const rates = c.matrix.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (total > 0 ? v / total : 0));
    });
    return heatmap({
      matrix: rates, annotations: c.matrix.map((row) => row.map(String)), rowLabels: classNames, colLabels: classNames,
      title: `${epsLabel(c.epsilon)}: ${c.run}`, xLabel: 'predicted', yLabel: 'true', domain: [0, 1],
      colorBar: i === picks.length - 1, colorBarLabel: 'share of the true class',
    });
  })];
}

/** Penultimate-layer activations of three classes projected on their templates' plane, one panel per epsilon; a row for the training set above the test set's when both are given. */
export function penultimatePanels(projections: PenultimateProjection[], classNames: string[]): Figure[][] {
  const test = projections.filter((p) => (p.split ?? 'test') === 'test');
  const train = projections.filter((p) => p.split === 'train');
  return [...(train.length ? penultimateRow(train, classNames, 'training set') : []), ...penultimateRow(test, classNames, train.length ? 'test set' : undefined)];
}

// One row of projection panels, one per epsilon, with the classes' legend.
function penultimateRow(projections: PenultimateProjection[], classNames: string[], split?: string): Figure[][] {
  const picks = firstPerEpsilon(projections);
  // One square scale for every panel, with ticks: how tight a cluster is compares across epsilons.
  const reach = Math.max(1e-9, ...picks.flatMap((p) => p.points.flatMap((q) => [Math.abs(q.x), Math.abs(q.y)]).filter(Number.isFinite)));
  const domain = niceDomain(-reach * 1.05, reach * 1.05);
  const classes = picks[0]?.classes ?? [];
  const panels = picks.map((p) => scatterChart({
    title: split ? `${epsLabel(p.epsilon)}, ${split}` : epsLabel(p.epsilon), width: 320, height: 320, legend: false, xDomain: domain, yDomain: domain,
    xLabel: 'template plane, x', yLabel: 'template plane, y', margin: { top: 34, right: 12, bottom: 44, left: 58 },
    series: p.classes.map((c, i) => ({ name: className(classNames, c), color: categoryColor(i), radius: 2.2, opacity: 0.6, points: p.points.filter((q) => q.label === c).map((q) => ({ x: q.x, y: q.y })) })),
  }));
  // The classes' legend is a panel of its own, off the data.
  return [[...panels, legendFigure(classes.map((c, i) => ({ label: className(classNames, c), color: categoryColor(i), kind: 'dot' as const })))]];
}

/** The soft-label matrix an online-label-smoothing run learned, one panel per epoch on one colour scale. */
export function softLabelPanels(run: RunHistory, classNames: string[]): Figure[][] {
  const epochs = run.softLabels ?? [];
  const format = (v: number) => (v < 0.005 ? '0' : v.toFixed(2));
  return [epochs.map((matrix, e) => heatmap({
    matrix, rowLabels: classNames, colLabels: classNames, domain: [0, 1], format, title: `after epoch ${e + 1}`,
    xLabel: 'target class', yLabel: e === 0 ? 'true class' : undefined, colorBar: e === epochs.length - 1, colorBarLabel: 'soft label',
  }))];
}

/** Builds every figure the data allows, in reading order. */
export function reportFigures(data: ReportData): ReportFigure[] {
  const names = data.dataset.classNames;
  const out: ReportFigure[] = [];
  const add = (name: string, title: string, caption: string, build: () => Figure | Figure[][]) => {
    const built = build();
    const rows = Array.isArray(built) ? built : [[built]];
    out.push({ name, title, caption, rows, figure: Array.isArray(built) ? composeRows(rows, { gap: 12 }) : built });
  };
  if (data.samples?.length) add('samples', 'Sample images', `Images from ${data.dataset.name} with their class names.`, () => samplesFigure(data.samples!, names, 'Sample images'));
  if (data.augmented?.length) add('augmented', 'Augmented images', 'Training images after augmentation, denormalized for display: what the network actually sees.', () => samplesFigure(data.augmented!, names, 'Augmented images'));
  if (data.augmentedOne?.images.length) add('augmented-one', 'One image, several augmentations', `The notebook's view of the augmentation: training image ${data.augmentedOne.index} drawn through the training transform ${data.augmentedOne.images.length} times.`, () => oneImageAugmentationsFigure(data.augmentedOne!.images, data.augmentedOne!.index));
  if (data.labelHistogram?.length) add('label-histogram', 'Label histogram', 'Examples per class in each split; label noise moves examples between classes at random.', () => labelHistogramFigure(data.labelHistogram!, names));
  const smoothEps = Math.max(...data.smoothing.epsilons.filter((e) => e > 0), 0) || 0.1;
  if (names.length >= 2) add('label-matrices', 'One-hot and smoothed targets', `Row c is the training target for an example of class c. Smoothing (${epsLabel(smoothEps)}, ${data.smoothing.convention} convention) moves probability mass from the true class to the others.`, () => labelMatricesPanels(names, smoothEps, data.smoothing.convention));
  add('notebook-labels', 'The notebook\'s label matrices', `As the notebook draws them: a batch of N=${NOTEBOOK_LABELS.n} labels over C=${NOTEBOOK_LABELS.c} classes, one-hot (Y1) and smoothed with ε=${NOTEBOOK_LABELS.epsilon} (Y2: 1 − ε on the true class, ε/(C − 1) on each other), on one colour scale.`, () => notebookLabelPanels());
  if (data.runs.length) add('training-curves', 'Training curves', 'Loss, accuracy and learning rate per epoch; train solid, validation dashed (a run of one epoch shows as points). Dotted lines: the smallest value the smoothed cross-entropy can reach (the entropy of the smoothed target), so smoothed losses level off above zero. The loss axis is logarithmic when the losses span a decade or more.', () => trainingCurvesPanels(data.runs, names.length, data.smoothing.convention));
  if (data.calibration?.length) add('reliability', 'Reliability diagrams', 'Test accuracy per confidence bin against the diagonal of perfect calibration (one seed per ε). Red: the gap to the bin\'s mean confidence (above the bar: over-confident). Numbers: predictions per bin. Second row, when present: after temperature scaling.', () => reliabilityPanels(data.calibration!));
  if (data.results.length) add('epsilon', 'Accuracy and calibration against ε', 'Faint points: single seeds; lines: means with ± one sample standard deviation over seeds. ECE is shown before and after temperature scaling (TS).', () => epsilonPanels(data.results));
  if (data.confusion?.length) add('confusion', 'Confusion matrices', 'Rows: true class, columns: predicted class; numbers are counts, colors the share of the true class (one seed per ε).', () => confusionPanels(data.confusion!, names));
  const olsRun = data.runs.find((r) => r.softLabels?.length);
  if (olsRun) add('soft-labels', 'Learned soft labels (online label smoothing)', `Row c is the target that online label smoothing (Zhang et al. 2020) trains class c towards in the next epoch: the mean predicted distribution of the training images of class c the model classified correctly during that epoch (run ${olsRun.name}; the first epoch trains against uniform labels). Mass off the diagonal shows which classes the model finds alike.`, () => softLabelPanels(olsRun, names));
  if (data.distillation?.students.length) add('students', 'Distillation: students against T', 'Test accuracy of the students of each teacher setting against the distillation temperature T: lines are means with ± one sample standard deviation over seeds, faint points single students, dotted lines the teachers\' own accuracy (Müller, Kornblith & Hinton 2019, section 4).', () => studentsPanels(data.distillation!));
  if (data.penultimate?.length) add('penultimate', 'Penultimate-layer projections', `Activations of three classes projected onto the plane through their class templates (Muller, Kornblith & Hinton 2019), on one scale for every panel of a row${data.penultimate.some((p) => p.split === 'train') ? '; first row: training images (un-augmented), second row: test images' : ''}. Muller et al. observed that with smoothing each class forms a tight cluster, equally far from the others.`, () => penultimatePanels(data.penultimate!, names));
  return out;
}
