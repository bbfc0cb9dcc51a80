// The fixture of scripts/goldens/nn.py (test/fixtures/nn.json), typed, and the smoothlab
// counterparts of the models it describes.
import { type nn, vision } from '../src/index.js';
import type { Digest } from './digest.js';
import { type Encoded, fixture } from './helpers.js';

/** One forward/backward pass recorded by PyTorch. */
export interface GoldenStep {
  model: string;
  train: boolean;
  modelSeed: number;
  inputSeed: number;
  size: number;
  target: number[];
  labelSmoothing: number;
  logits: Encoded;
  loss: number;
  grads: Record<string, Digest>;
  buffers: Record<string, Digest>;
}

/** test/fixtures/nn.json. */
export interface NnGolden {
  torch: string;
  threads: number;
  keys: Record<string, [string, number[]][]>;
  init: { seed: number; models: Record<string, Record<string, Digest>> };
  steps: GoldenStep[];
  initFunctions: { order: string[]; draws: Record<string, Encoded>; gains: Record<string, number> };
  batchNorm: {
    inputs: Encoded[];
    cumulative: { outputs: Encoded[]; running_mean: Encoded; running_var: Encoded; num_batches_tracked: number };
    no_running_stats_eval: Encoded;
    'momentum_0.3_then_eval': { output: Encoded; running_mean: Encoded; running_var: Encoded };
  };
  pickle: {
    value: unknown;
    cases: Record<string, string>;
    numpy: { value: Record<string, unknown>; cases: Record<string, string>; batch: string; batchValue: Record<string, unknown> };
  };
  checkpoint: {
    expected: Record<string, { dtype: string; shape: number[]; data: (number | boolean)[] }>;
    deflated: string;
  };
  strided: {
    digests: Record<string, Digest>;
    transfer: { modelSeed: number; inputSeed: number; logits: Encoded; head: Record<string, Digest> };
  };
}

/** The parsed fixture (read once per test file). */
export const golden = fixture<NnGolden>('nn.json');

/** smoothlab's construction of each model the fixture names. */
export const MODELS: Record<string, () => nn.Module> = {
  resnet18_c10: () => vision.models.resnet18({ numClasses: 10 }),
  resnet18_cifar_c10: () => vision.models.resnet18({ numClasses: 10, stem: 'cifar' }),
  resnet18_gray_zero_init: () => vision.models.resnet18({ numClasses: 10, inChannels: 1, zeroInitResidual: true }),
  resnet34: () => vision.models.resnet34(),
  resnet50: () => vision.models.resnet50(),
  course_net: () => vision.models.courseNet(),
};
