// ReportData: everything the report shows, as plain JSON-friendly values (no tensors), so the study
// runner can fill it from its histories and metrics and `smoothlab report RUN_DIR` can rebuild the
// report from files alone. Fractions are in [0, 1]; losses are in nats.
import type { DistillationReport } from './distillation.js';
import type { ReliabilityBin } from './reliability.js';
import type { ResultRow } from './results.js';
import type { SmoothingConvention } from './smoothing.js';

/** The training history of one run (one epsilon and seed): per-epoch curves and the per-step learning rate. */
export interface RunHistory {
  /** Run name, for example "eps0.1-seed1" (escaped wherever it is shown). */
  name: string;
  epsilon: number;
  seed: number;
  labelNoise?: number;
  /** Mean training loss per epoch (the smoothed cross-entropy the run minimized). */
  trainLoss: number[];
  /** Validation loss per epoch, with the same criterion. */
  valLoss: number[];
  /** Training score (accuracy, 0..1) per epoch. */
  trainScore: number[];
  /** Validation score (accuracy, 0..1) per epoch. */
  valScore: number[];
  /** Learning rate per optimizer step (or per epoch when the schedule steps per epoch). */
  lr: number[];
  /** Optimizer steps per epoch, to put `lr` on the epoch axis (default: lr.length / epochs). */
  stepsPerEpoch?: number;
  /** Online label smoothing: the learned soft-label matrix (C x C, row = true class) after each epoch. */
  softLabels?: number[][][];
}

/** Reliability bins of one run on the test set, before and (optionally) after temperature scaling. */
export interface RunCalibration {
  run: string;
  epsilon: number;
  seed?: number;
  bins: ReliabilityBin[];
  ece: number;
  /** Fitted temperature; the diagram after scaling is drawn when `binsScaled` is given. */
  temperature?: number;
  binsScaled?: ReliabilityBin[];
  eceScaled?: number;
}

/** A confusion matrix of one run: rows are true classes, columns predicted classes, cells are counts. */
export interface RunConfusion {
  run: string;
  epsilon: number;
  seed?: number;
  matrix: number[][];
}

/** One HWC uint8 image and its class index; the caption defaults to the class name. */
export interface SampleImage {
  pixels: Uint8Array | number[];
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  label: number;
  caption?: string;
}

/** Examples per class in one split (for example train, test, or train after label noise). */
export interface LabelCounts {
  split: string;
  counts: number[];
}

/**
 * Penultimate-layer activations of examples of three classes, projected onto the plane through the
 * three class templates (Muller, Kornblith & Hinton 2019, section 2): one panel per epsilon.
 */
export interface PenultimateProjection {
  epsilon: number;
  run?: string;
  /** The three class indices whose templates span the plane. */
  classes: number[];
  /** Projected points; `label` is the example's class index. */
  points: { x: number; y: number; label: number }[];
  /** Which images: the test set (the default) or the training set (un-augmented). */
  split?: 'train' | 'test';
}

/** Everything the report shows; only `title`, `config`, `dataset`, `smoothing`, `runs` and `results` are required. */
export interface ReportData {
  /** Report title, usually the run folder name. */
  title: string;
  /** When the study finished (ISO 8601). */
  createdAt?: string;
  /** The full study config as saved in config.json (with git revision and versions), shown as JSON. */
  config: Record<string, unknown>;
  dataset: {
    name: string;
    /** Class names; index = label. */
    classNames: string[];
  };
  smoothing: {
    /** The epsilons the study trained with, for example [0, 0.1]. */
    epsilons: number[];
    convention: SmoothingConvention;
    /** Fraction of training labels replaced at random, when the study injects label noise. */
    labelNoise?: number;
    /** The study's loss when not per-epsilon label smoothing: 'ce' (plain) or 'ols' (online label smoothing; ε does not apply). */
    loss?: 'ce' | 'ols';
  };
  /**
   * Per-channel standardization of the study ([0, 1] pixel scale): mean and std from the training
   * images, and the std of the validation images, which the notebook uses by mistake.
   */
  standardization?: { mean: number[]; std: number[]; stdValidation?: number[] };
  /** One history per trained run. */
  runs: RunHistory[];
  /** One result row per trained run (test metrics). */
  results: ResultRow[];
  /** Reliability bins; the report draws the first entry of each epsilon. */
  calibration?: RunCalibration[];
  /** Confusion matrices; the report draws the first entry of each epsilon. */
  confusion?: RunConfusion[];
  /** Sample images of the dataset, as loaded. */
  samples?: SampleImage[];
  /** The same kind of images after training augmentation, denormalized to uint8. */
  augmented?: SampleImage[];
  /** One training image (the notebook's imgIdx = 5) augmented several times, denormalized to uint8. */
  augmentedOne?: { index: number; images: SampleImage[] };
  labelHistogram?: LabelCounts[];
  penultimate?: PenultimateProjection[];
  /** Students distilled from this study's runs (`smoothlab distill`). */
  distillation?: DistillationReport;
}
