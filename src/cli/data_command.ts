// `smoothlab data --dataset fashion-mnist`: split sizes, per-channel statistics, the label
// histogram, and a sample grid written as SVG and PNG. Needs no libtorch.
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { labelHistogramFigure, samplesFigure } from '../report/figures.js';
import { svgToPng } from '../report/raster.js';
import { writeFileAtomic } from '../report/write.js';
import type { StudyConfig } from '../study/config.js';
import { loadSplits, standardization } from '../study/data.js';
import { STUDY_SCHEMA } from '../study/schema.js';
import { labelHistogram } from '../vision/datasets/stats.js';
import { type OptionSpecs, UsageError, helpText, parseOptions } from './args.js';

const SPECS: OptionSpecs = {
  dataset: { type: 'string', metavar: 'cifar10|cifar100|fashion-mnist|mnist|folder:PATH', description: 'dataset; folder:PATH: your images, one folder per class (as study --dataset)', defaultText: 'fashion-mnist' },
  'data-root': { type: 'string', description: 'dataset folder (default: the dataset\'s own)' },
  download: { type: 'boolean', description: 'download CIFAR / MNIST when missing' },
  out: { type: 'string', description: 'folder for the figures', defaultText: 'runs/data-DATASET' },
  samples: { type: 'integer', min: 1, max: 100, description: 'images in the sample grid', defaultText: '32' },
};

/** Help of the data command. */
export const DATA_HELP = helpText('data', '[options]', 'Show a dataset: sizes, per-channel mean and std, label histogram, sample images.', SPECS);

/** Runs `smoothlab data`. */
export async function dataCommand(argv: string[]): Promise<void> {
  const { values } = parseOptions('data', argv, SPECS);
  if (values.help) {
    console.log(DATA_HELP);
    return;
  }
  const dataset = ((values.dataset as string | undefined) ?? 'fashion-mnist') as StudyConfig['dataset'];
  const check = STUDY_SCHEMA.dataset.check?.(dataset);
  if (check) throw new UsageError(`--dataset ${check}, got '${dataset}'`, 'data');
  const { train, test } = await loadSplits({
    dataset, dataRoot: values['data-root'] as string | undefined, download: values.download === true, trainLimit: 0, valLimit: 0,
  } as StudyConfig);
  const stats = standardization(train);
  const classes = [...train.classes];
  const histograms = [{ split: 'train', counts: labelHistogram(train) }, { split: 'test', counts: labelHistogram(test) }];
  console.log(`${dataset}: ${train.length} training and ${test.length} test images of ${train.height}x${train.width}x${train.channels}`);
  console.log(`per-channel mean ${stats.mean.map((v) => v.toFixed(4)).join(', ')}; std ${stats.std.map((v) => v.toFixed(4)).join(', ')} (training set, [0, 1] scale)`);
  const width = Math.max(...classes.map((c) => c.length));
  classes.forEach((c, i) => console.log(`  ${c.padEnd(width)}  train ${String(histograms[0].counts[i]).padStart(6)}  test ${String(histograms[1].counts[i]).padStart(6)}`));

  const out = (values.out as string | undefined) ?? join('runs', `data-${dataset.startsWith('folder:') ? basename(dataset.slice('folder:'.length)) : dataset}`);
  mkdirSync(out, { recursive: true });
  const size = train.height * train.width * train.channels;
  const count = Math.min((values.samples as number | undefined) ?? 32, train.length);
  const images = Array.from({ length: count }, (_, i) => ({
    pixels: train.images.slice(i * size, (i + 1) * size), width: train.width, height: train.height, channels: train.channels as 1 | 3, label: train.labels[i],
  }));
  for (const [name, figure] of [['samples', samplesFigure(images, classes, `${dataset}: training samples`)], ['label-histogram', labelHistogramFigure(histograms, classes)]] as const) {
    writeFileAtomic(join(out, `${name}.svg`), figure.svg);
    writeFileAtomic(join(out, `${name}.png`), await svgToPng(figure.svg, { scale: 2 }));
  }
  console.log(`figures: ${join(out, 'samples.svg')}, ${join(out, 'label-histogram.svg')} (and .png)`);
}
