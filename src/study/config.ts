// The study's configuration: one typed object (airbench-style), units in comments, saved with every
// run together with the git revision and the versions that produced it.

/** Datasets the study can train on. */
export type DatasetName = 'cifar10' | 'cifar100' | 'fashion-mnist' | 'mnist';
/** Models the study can train. */
export type ModelName = 'resnet18' | 'resnet34' | 'coursenet';

/** Everything that determines a study's results. */
export interface StudyConfig {
  /** Run folder name under runs/, also the report's title. */
  name: string;
  dataset: DatasetName;
  /** Dataset folder; undefined means the dataset's default (Debian's for Fashion-MNIST). */
  dataRoot?: string;
  /** Download CIFAR / MNIST when missing. */
  download: boolean;
  model: ModelName;
  /** 'imagenet': 7x7 stride-2 conv + max-pool (torchvision, the notebook); 'cifar': 3x3 stride-1, no pool. */
  stem: 'imagenet' | 'cifar';
  /** Label-smoothing strengths; every one trains from the same initial weights. */
  epsilons: number[];
  /** 'uniform': eps / C on every class (PyTorch); 'others': eps / (C - 1) off the true class. */
  convention: 'uniform' | 'others';
  /** Seeds; each gives new initial weights and data order, shared by all epsilons. */
  seeds: number[];
  /** Fraction of training labels replaced by a uniformly drawn wrong class (0..1). */
  labelNoise: number;
  epochs: number;
  /** Images per training batch. */
  batchSize: number;
  /** Augmentation of training images. */
  augment: 'autoaugment' | 'flip' | 'none';
  /** AdamW. */
  lr: number;
  betas: [number, number];
  weightDecay: number;
  /** OneCycleLR peak learning rate. */
  maxLr: number;
  /** 'epoch': OneCycleLR over epochs (the notebook); 'step': over every batch. */
  schedule: 'epoch' | 'step';
  /** Data-loading worker threads. */
  workers: number;
  device: string;
  /** Use only the first N training / validation images (smoke runs); 0 means all. */
  trainLimit: number;
  valLimit: number;
  /** How conv weights and activations are laid out: NCHW, or NHWC for oneDNN (same math, other speed). */
  memoryFormat: 'contiguous' | 'channels-last';
  /** libtorch intra-op threads; 0 means one per core. */
  threads: number;
  /** Output folder of the run. */
  out: string;
}

/** Checks ranges and relations that flags alone cannot; throws RangeError naming the field. */
export function validateConfig(c: StudyConfig): StudyConfig {
  const fail = (field: string, rule: string, value: unknown) => {
    throw new RangeError(`${field} ${rule}, got ${JSON.stringify(value)}`);
  };
  if (c.epsilons.length === 0) fail('epsilons', 'must list at least one value', c.epsilons);
  for (const e of c.epsilons) if (!(e >= 0 && e < 1)) fail('epsilons', 'must be in [0, 1)', e);
  if (new Set(c.epsilons).size !== c.epsilons.length) fail('epsilons', 'must not repeat', c.epsilons);
  if (c.seeds.length === 0 || c.seeds.some((s) => !Number.isInteger(s) || s < 0)) fail('seeds', 'must be non-negative integers', c.seeds);
  if (!(c.labelNoise >= 0 && c.labelNoise <= 1)) fail('labelNoise', 'must be in [0, 1]', c.labelNoise);
  if (!Number.isInteger(c.epochs) || c.epochs < 1) fail('epochs', 'must be a positive integer', c.epochs);
  if (!Number.isInteger(c.batchSize) || c.batchSize < 1) fail('batchSize', 'must be a positive integer', c.batchSize);
  if (!(c.lr > 0)) fail('lr', 'must be positive', c.lr);
  if (!(c.maxLr > 0)) fail('maxLr', 'must be positive', c.maxLr);
  // Temperature scaling fits on one half of the test images and scores the other half.
  if (c.valLimit === 1) fail('valLimit', 'must be 0 (all) or at least 2', c.valLimit);
  if (!Number.isInteger(c.workers) || c.workers < 0) fail('workers', 'must be a non-negative integer', c.workers);
  if (c.model === 'coursenet' && c.stem !== 'imagenet') fail('stem', "applies to resnets only; coursenet has its own stem", c.stem);
  return c;
}
