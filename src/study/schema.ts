// The study config's one schema: every field's type, range, flag and help line. The StudyConfig
// type, validateConfig, the command-line flags and `smoothlab study --help` are all derived from it,
// so a field cannot exist in one of them and be missing from another.
import { MASTER_PORT_SPEC } from '../torch/distributed/rendezvous.js';

/** How a field's value is written on the command line and checked. */
export type FieldKind = 'string' | 'choice' | 'number' | 'integer' | 'boolean' | 'numbers' | 'pair';

/** One config field; `T` is its value type (a phantom: only the type checker reads it). */
export interface Field<T> {
  kind: FieldKind;
  /** The command-line flag, kebab-case without the dashes. */
  flag: string;
  /** One line for --help; units in parentheses. */
  description: string;
  choices?: readonly string[];
  /** Inclusive bounds of numbers (each element for 'numbers' and 'pair'). */
  min?: number;
  max?: number;
  /** Exclusive upper bound, where an inclusive one would be wrong (epsilon < 1). */
  below?: number;
  /** Placeholder of the value in --help (FILE, URL, HEX, ...). */
  metavar?: string;
  /** A rule the type alone does not say; returns what is wrong, or null. */
  check?: (value: T) => string | null;
  optional?: boolean;
  readonly __type?: T;
}

const field = <T>(kind: FieldKind, spec: Omit<Field<T>, 'kind'>): Field<T> => ({ kind, ...spec });
const choice = <const C extends readonly string[]>(choices: C, spec: Omit<Field<C[number]>, 'kind' | 'choices'>): Field<C[number]> => ({ kind: 'choice', choices, ...spec });
const positive = (v: number) => (v > 0 ? null : 'must be positive');
const optional = <T>(f: Field<T>): Field<T> & { optional: true } => ({ ...f, optional: true });

/** The built-in datasets a study can train on. */
export const DATASETS = ['cifar10', 'cifar100', 'fashion-mnist', 'mnist'] as const;
/** A study's dataset: a built-in one, or `folder:PATH`, the user's own images (vision.datasets.ImageFolder). */
export type DatasetChoice = (typeof DATASETS)[number] | `folder:${string}`;
/** The precisions a study trains and evaluates in: float32, or mixed precision under autocast. */
export const PRECISIONS = ['fp32', 'bf16', 'fp16'] as const;
/** The models a study can train. */
export const MODELS = ['resnet18', 'resnet34', 'coursenet'] as const;

/** Every field of the study config, in --help order. */
export const STUDY_SCHEMA = {
  name: field<string>('string', {
    flag: 'name', description: 'study name: the report title and the folder under runs/',
    check: (v) => (!/^[\w.-]+$/.test(v) ? "may only use letters, digits, '.', '_' and '-'" : /^\.+$/.test(v) ? 'must not be only dots (it would leave the runs folder)' : null),
  }),
  dataset: field<DatasetChoice>('string', {
    flag: 'dataset', metavar: `${DATASETS.join('|')}|folder:PATH`,
    description: 'dataset; folder:PATH reads your images: PATH/train and PATH/test (or val), one folder per class in each, or class folders split 80/20',
    check: (v) => ((DATASETS as readonly string[]).includes(v) || /^folder:./.test(v) ? null : `must be one of ${DATASETS.join(', ')} or folder:PATH`),
  }),
  dataRoot: optional(field<string>('string', { flag: 'data-root', metavar: 'DIR', description: "dataset folder (default: the dataset's own, e.g. Debian's for Fashion-MNIST)" })),
  download: field<boolean>('boolean', { flag: 'download', description: 'download CIFAR / MNIST when missing (MD5-checked)' }),
  dataUrl: optional(field<string>('string', {
    flag: 'data-url', metavar: 'URL|FILE', description: 'CIFAR archive from a mirror (http/https) or a local file, instead of the official address',
  })),
  dataMd5: optional(field<string>('string', {
    flag: 'data-md5', metavar: 'HEX', description: "MD5 of the --data-url archive (default: the official archive's)",
    check: (v) => (/^[0-9a-fA-F]{32}$/.test(v) ? null : 'must be 32 hex digits'),
  })),
  model: choice(MODELS, { flag: 'model', description: "model ('coursenet': the notebook's BuildModel(128))" }),
  stem: choice(['imagenet', 'cifar'] as const, { flag: 'stem', description: 'ResNet stem: ImageNet 7x7/2 + max-pool (the notebook), or CIFAR 3x3/1' }),
  pretrained: optional(field<string>('string', { flag: 'pretrained', metavar: 'FILE', description: 'start from these weights (.pth or .safetensors state dict; a head of another shape is replaced)' })),
  freezeBackbone: field<boolean>('boolean', { flag: 'freeze-backbone', description: 'train only the last layer (the notebook\'s transfer variant; needs --pretrained)' }),
  epsilons: field<number[]>('numbers', {
    flag: 'epsilons', min: 0, below: 1, description: 'label-smoothing strengths, comma-separated; each trains from the same weights',
    check: (v) => (v.length === 0 ? 'must list at least one value' : new Set(v).size !== v.length ? 'must not repeat' : null),
  }),
  loss: optional(choice(['ls', 'ce', 'ols'] as const, {
    flag: 'loss', description: "'ls' (default): one run per epsilon; 'ce': plain cross-entropy; 'ols': online label smoothing (Zhang et al. 2020), soft labels learned per epoch",
  })),
  classes: optional(field<string>('string', {
    flag: 'classes', metavar: 'A,B,C', description: 'the three classes of the penultimate-layer figures, by name or index (default: the first three)',
    check: (v) => {
      const parts = v.split(',').map((p) => p.trim());
      return parts.length !== 3 || parts.some((p) => p === '') ? 'must name three classes, comma-separated' : new Set(parts).size !== 3 ? 'must name three different classes' : null;
    },
  })),
  convention: choice(['uniform', 'others'] as const, { flag: 'convention', description: 'smoothing: eps/C on every class (PyTorch) or eps/(C-1) off the true class' }),
  seed: field<number>('integer', { flag: 'seed', min: 0, description: 'base seed of the weights and data order (the notebook: 512)' }),
  seeds: field<number>('integer', { flag: 'seeds', min: 1, description: 'number of seeds (seed, seed+1, ...): mean and spread are reported' }),
  labelNoise: field<number>('number', { flag: 'label-noise', min: 0, max: 1, description: 'fraction of training labels replaced by a random other class' }),
  epochs: field<number>('integer', { flag: 'epochs', min: 1, description: 'epochs per run' }),
  batchSize: field<number>('integer', { flag: 'batch-size', min: 1, description: 'training batch size (images)' }),
  dropLast: field<boolean>('boolean', { flag: 'drop-last', description: 'drop the last partial training batch (the notebook: 195 steps per CIFAR epoch)' }),
  augment: choice(['autoaugment', 'flip', 'none'] as const, { flag: 'augment', description: 'training augmentation (autoaugment: flip + AutoAugment CIFAR10)' }),
  lr: field<number>('number', { flag: 'lr', description: "AdamW's learning rate before OneCycleLR takes over", check: positive }),
  betas: field<[number, number]>('pair', { flag: 'betas', metavar: 'B1,B2', min: 0, below: 1, description: 'AdamW betas, two comma-separated values (beta1 is cycled by OneCycleLR)' }),
  weightDecay: field<number>('number', { flag: 'weight-decay', min: 0, description: 'AdamW decoupled weight decay' }),
  maxLr: field<number>('number', { flag: 'max-lr', min: 0, description: 'OneCycleLR peak learning rate', check: positive }),
  schedule: choice(['epoch', 'step'] as const, { flag: 'schedule', description: 'OneCycleLR steps per epoch (the notebook) or per batch' }),
  workers: field<number>('integer', { flag: 'workers', min: 0, description: 'data-loading worker threads' }),
  device: field<string>('string', {
    flag: 'device', metavar: 'auto|cpu|cuda|cuda:N', description: "'auto': cuda:0 when CUDA can be used, else cpu (the notebook's choice)",
    check: (v) => (/^(auto|cpu|cuda(:\d+)?)$/.test(v) ? null : "must be 'auto', 'cpu', 'cuda' or 'cuda:N'"),
  }),
  precision: choice(PRECISIONS, {
    flag: 'precision', description: "'bf16': bfloat16 autocast on the device (CPU or a CUDA GPU of compute capability 8.0+); 'fp16': float16 autocast with loss scaling (GradScaler), CUDA only",
  }),
  trainLimit: field<number>('integer', { flag: 'train-limit', min: 0, description: 'use only the first N training images (0: all)' }),
  valLimit: field<number>('integer', {
    flag: 'val-limit', min: 0, description: 'use only the first N test images (0: all)',
    // Temperature scaling fits on one half of the test images and scores the other half.
    check: (v) => (v === 1 ? 'must be 0 (all) or at least 2' : null),
  }),
  memoryFormat: choice(['contiguous', 'channels-last'] as const, { flag: 'memory-format', description: 'layout of conv weights and activations (channels-last: oneDNN NHWC; same math)' }),
  threads: field<number>('integer', { flag: 'threads', min: 0, description: 'libtorch intra-op threads per process (0: the cores shared out between the processes)' }),
  nprocPerNode: optional(field<number>('integer', {
    flag: 'nproc-per-node', min: 1, metavar: 'N',
    description: 'train each run data-parallel in N processes on this machine (DistributedDataParallel over Gloo, each rank on batch-size / N images)',
  })),
  syncBatchnorm: optional(field<boolean>('boolean', {
    flag: 'sync-batchnorm', description: 'with --nproc-per-node: BatchNorm statistics over the whole batch of all ranks (nn.SyncBatchNorm), as one process computes them',
  })),
  // No --master-addr: the ranks of a study are on one node, so the store is always on 127.0.0.1.
  masterPort: optional(field<number>('integer', { flag: 'master-port', ...MASTER_PORT_SPEC, description: 'port of the ranks\' rendezvous store on 127.0.0.1 (default: a free one; needs --nproc-per-node)' })),
  out: field<string>('string', { flag: 'out', metavar: 'DIR', description: 'run folder (default: runs/NAME)' }),
};

type Schema = typeof STUDY_SCHEMA;
type ValueOf<F> = F extends Field<infer T> ? T : never;
type RequiredKeys = { [K in keyof Schema]: Schema[K] extends { optional: true } ? never : K }[keyof Schema];
type OptionalKeys = Exclude<keyof Schema, RequiredKeys>;

/** Everything that determines a study's results, as STUDY_SCHEMA describes it. */
export type StudyConfig = { [K in RequiredKeys]: ValueOf<Schema[K]> } & { [K in OptionalKeys]?: ValueOf<Schema[K]> };

/** A config field's name. */
export type StudyField = keyof Schema;

/** The fields with their specs, in schema order. */
export function schemaFields(): [StudyField, Field<unknown>][] {
  return Object.entries(STUDY_SCHEMA) as [StudyField, Field<unknown>][];
}
