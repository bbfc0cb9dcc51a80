// The study's data: the chosen dataset's splits, optionally cut to a limit and with label noise,
// the per-channel statistics for standardization, and the transforms of the notebook.
import { DataLoader } from '../data/dataloader.js';
import { Generator, deriveSeed } from '../data/generator.js';
import { CIFAR10, CIFAR100, CIFAR_RESOURCES } from '../vision/datasets/cifar.js';
import { FashionMNIST, MNIST } from '../vision/datasets/mnist.js';
import { ImageArrayDataset } from '../vision/datasets/array.js';
import { type ChannelStats, channelStats } from '../vision/datasets/stats.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';
import { AutoAugment } from '../vision/transforms/auto_augment.js';
import { Normalize, ToDtype, ToImage } from '../vision/transforms/convert.js';
import { RandomHorizontalFlip } from '../vision/transforms/flip_crop.js';
import { Compose, type Transform } from '../vision/transforms/transform.js';
import type { Device } from '../torch/dtype.js';
import type { StudyConfig } from './config.js';
import { pinMemoryFor } from './device.js';
import { folderOf, folderSplits } from './folder_splits.js';

/** Both splits of the study's dataset. */
export interface StudySplits {
  train: ImageClassificationDataset;
  test: ImageClassificationDataset;
}

// A mirror serves the official archive, so its MD5 is the official one unless the user says otherwise.
function cifarSource(config: StudyConfig, spec: typeof CIFAR_RESOURCES.CIFAR10) {
  return config.dataUrl === undefined ? {} : { source: { url: config.dataUrl, md5: config.dataMd5 ?? spec.python.resource.md5 } };
}

async function loadSplit(config: StudyConfig, train: boolean): Promise<ImageClassificationDataset> {
  const options = { train, download: config.download, ...(config.dataRoot ? { root: config.dataRoot } : {}) };
  const dataset = config.dataset as Exclude<StudyConfig['dataset'], `folder:${string}`>;
  switch (dataset) {
    case 'cifar10':
      return CIFAR10.load({ ...options, ...cifarSource(config, CIFAR_RESOURCES.CIFAR10) });
    case 'cifar100':
      return CIFAR100.load({ ...options, ...cifarSource(config, CIFAR_RESOURCES.CIFAR100) });
    case 'mnist':
      return MNIST.load(options);
    case 'fashion-mnist':
      return FashionMNIST.load(options);
  }
}

/** The first `limit` examples of a dataset (all when limit is 0), sharing its memory. */
export function firstExamples(ds: ImageClassificationDataset, limit: number): ImageClassificationDataset {
  if (limit <= 0 || limit >= ds.length) return ds;
  const size = ds.height * ds.width * ds.channels;
  return new ImageArrayDataset({
    images: ds.images.subarray(0, limit * size), labels: ds.labels.subarray(0, limit),
    height: ds.height, width: ds.width, channels: ds.channels, classes: ds.classes,
  });
}

/**
 * A copy of the labels where round(fraction * N) examples, drawn with `seed`, get a uniformly drawn
 * *different* class: the symmetric label noise of the robustness experiments.
 */
export function withLabelNoise(ds: ImageClassificationDataset, fraction: number, seed: number): ImageClassificationDataset {
  if (fraction <= 0) return ds;
  const labels = ds.labels.slice();
  const classes = ds.classes.length;
  const generator = new Generator().manualSeed(deriveSeed(seed, 0x6e6f6973)); // 'nois'
  const order = Int32Array.from({ length: labels.length }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = generator.randint(0, i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const count = Math.round(fraction * labels.length);
  for (let k = 0; k < count; k++) {
    const i = order[k];
    labels[i] = (labels[i] + 1 + generator.randint(0, classes - 1)) % classes;
  }
  return new ImageArrayDataset({ images: ds.images, labels, height: ds.height, width: ds.width, channels: ds.channels, classes: ds.classes });
}

/** Throws unless both splits hold images of one size and the same classes (a model cannot take both otherwise). */
export function checkSameShape(train: ImageClassificationDataset, test: ImageClassificationDataset): void {
  const size = (d: ImageClassificationDataset) => `${d.height}x${d.width}x${d.channels}`;
  if (size(train) !== size(test)) {
    throw new Error(`the training images are ${size(train)} but the test images ${size(test)}; both splits must come from one dataset (check --data-root)`);
  }
  if (train.classes.join('\n') !== test.classes.join('\n')) {
    throw new Error(`the training split has ${train.classes.length} classes (${train.classes.slice(0, 3).join(', ')}, ...) but the test split ${test.classes.length} (${test.classes.slice(0, 3).join(', ')}, ...); both must come from one dataset`);
  }
}

/** Loads both splits, limited as the config says (label noise is per seed: see withLabelNoise). */
export async function loadSplits(config: Pick<StudyConfig, 'dataset' | 'dataRoot' | 'download' | 'dataUrl' | 'dataMd5' | 'trainLimit' | 'valLimit'>): Promise<StudySplits> {
  const folder = folderOf(config.dataset);
  // One after the other: CIFAR's splits come from one archive, which the first load downloads.
  const { train, test } = folder !== null ? folderSplits(folder)
    : { train: await loadSplit(config as StudyConfig, true), test: await loadSplit(config as StudyConfig, false) };
  checkSameShape(train, test);
  return { train: firstExamples(train, config.trainLimit), test: firstExamples(test, config.valLimit) };
}

/**
 * Per-channel mean and std for standardization, from the training split. (The notebook takes the
 * std from the validation set by mistake; both come from the training images here, and the report
 * shows both values of σ.)
 */
export function standardization(train: ImageClassificationDataset): ChannelStats {
  return channelStats(train);
}

/** The training transform: flip (and AutoAugment with the CIFAR10 policy), then standardization. */
export function trainTransform(config: StudyConfig, stats: ChannelStats): Transform {
  const augment: Transform[] = config.augment === 'none' ? [] : [new RandomHorizontalFlip()];
  if (config.augment === 'autoaugment') augment.push(new AutoAugment({ policy: 'cifar10' }));
  return new Compose([new ToImage(), ...augment, new ToDtype('float32', { scale: true }), new Normalize(stats.mean, stats.std)]);
}

/** The evaluation transform: standardization only. */
export function testTransform(stats: ChannelStats): Transform {
  return new Compose([new ToImage(), new ToDtype('float32', { scale: true }), new Normalize(stats.mean, stats.std)]);
}

/**
 * Images per evaluation batch: the training batch, at least 128. Tensors of the training step's sizes
 * reuse the memory its step freed (the heap keeps it, native/runtime/cpu_heap.h), so evaluation adds
 * nothing to peak memory, where batch 512 added about 240 MB to a CIFAR ResNet-18 run; and above 128
 * images the batch size hardly changes the speed (`npm run bench:eval`), below it per-call costs show.
 */
export function evalBatchSize(config: Pick<StudyConfig, 'batchSize'>): number {
  return Math.max(config.batchSize, 128);
}

/**
 * `dataset` un-augmented and in order, in evaluation-sized batches: the test set during training,
 * or the images the analysis reads once (`workers` 0 there: no threads kept for a single pass).
 */
export function evalLoader(config: Pick<StudyConfig, 'workers' | 'batchSize'>, device: Device, dataset: ImageClassificationDataset, stats: ChannelStats, workers = config.workers) {
  return new DataLoader({ ...loaderOptions({ workers }, device), dataset, batchSize: evalBatchSize(config), shuffle: false, seed: 0, transform: testTransform(stats) });
}

/** What the study's loaders of every path share: the workers, and pinned host batches on CUDA (pinMemoryFor). */
export function loaderOptions(config: Pick<StudyConfig, 'workers'>, device: Device) {
  return { numWorkers: config.workers, persistentWorkers: config.workers > 0, pinMemory: pinMemoryFor(device) };
}
