// Test-set analysis of one trained run: accuracy, NLL and calibration (ECE, reliability bins)
// before and after temperature scaling, the confusion matrix, and the penultimate-layer projection
// of Muller, Kornblith and Hinton (2019), on test images and on training images. The forward passes run on the model's device under the
// run's autocast; the logits are gathered there in float32 and copied to the host once, where the
// metrics read them.
import type { Batch as LoaderBatch } from '../data/collate.js';
import { accuracy } from '../metrics/accuracy.js';
import { reliabilityDiagram, type ReliabilityBin as MetricBin } from '../metrics/calibration.js';
import { confusionMatrix } from '../metrics/confusion.js';
import { nll } from '../metrics/scoring_rules.js';
import { fitTemperature } from '../metrics/temperature.js';
import type { AnyModule } from '../nn/module.js';
import type { PenultimateProjection, RunCalibration, RunConfusion } from '../report/data.js';
import type { ReliabilityBin } from '../report/reliability.js';
import { type ResultRow, runFlags } from '../report/results.js';
import { noGrad } from '../torch/autograd.js';
import { dispose, keep, tidy } from '../torch/memory.js';
import { cat } from '../torch/ops.js';
import { underAutocast } from '../train/mixed_precision.js';
import type { AutocastOptions } from '../torch/amp/autocast_mode.js';
import { tensor } from '../torch/creation.js';
import type { Device } from '../torch/dtype.js';
import { DEFAULT_PROJECTION_CLASSES, PenultimateSample } from './penultimate.js';
import type { Tensor } from '../torch/tensor.js';

/** A classifier with a penultimate layer: resnets and the course net both are. */
export interface FeatureModel extends AnyModule {
  features(x: Tensor): Tensor;
  fc: AnyModule;
}

/** Everything the report shows about one run on the test set. */
export interface RunEvaluation {
  result: ResultRow;
  calibration: RunCalibration;
  confusion: RunConfusion;
  projection: PenultimateProjection;
  /** The same projection on training images, when the study made it. */
  projectionTrain?: PenultimateProjection;
}

/** Options of the test-set and training-set passes over a run's model. */
export interface AnalysisOptions {
  /** Where the model is; batches are moved there (default 'cpu'). */
  device?: Device;
  /** The run's autocast, for the forward passes (default: float32). */
  autocast?: AutocastOptions;
}

/** Which run is being evaluated. */
export interface RunIdentity {
  run: string;
  epsilon: number;
  seed: number;
  labelNoise: number;
}

const toReportBins = (bins: MetricBin[]): ReliabilityBin[] =>
  bins.map((b) => ({ lower: b.lower, upper: b.upper, count: b.count, accuracy: b.accuracy ?? 0, confidence: b.confidence ?? 0 }));

/** What two-fold cross-fitted temperature scaling gives: scaled logits, their labels and unscaled predictions (in one order), and T. */
export interface CrossFittedScaling {
  scaled: Tensor;
  labels: Tensor;
  /** The unscaled argmax: what the scaled model predicts (an infinite T ties every class). */
  predictions: Int32Array;
  /** The geometric mean of the two fitted temperatures (Infinity when either is). */
  temperature: number;
}

/**
 * Logits / T per half, with T fitted on the other half (two-fold cross-fitting): every test example
 * is scaled by a temperature that never saw it, and all examples still count.
 */
export function crossFittedScaling(logits: Tensor, labels: Tensor): CrossFittedScaling {
  const n = labels.shape[0];
  const half = (parity: number) => tensor(BigInt64Array.from({ length: Math.ceil((n - parity) / 2) }, (_, k) => BigInt(2 * k + parity)));
  const [even, odd] = [half(0), half(1)];
  const part = (index: Tensor) => ({ logits: logits.indexSelect(0, index), labels: labels.indexSelect(0, index) });
  const [a, b] = [part(even), part(odd)];
  const tA = fitTemperature(a.logits, a.labels).temperature;
  const tB = fitTemperature(b.logits, b.labels).temperature;
  const unscaled = cat([b.logits, a.logits]);
  return {
    scaled: cat([b.logits.div(tA), a.logits.div(tB)]),
    labels: cat([b.labels, a.labels]),
    predictions: Int32Array.from(unscaled.argmax(1).toArray() as (number | bigint)[], Number),
    temperature: Math.sqrt(tA * tB),
  };
}

/** Runs the model over the test batches in eval mode and computes every test-set number of the report. */
export async function evaluateRun(model: FeatureModel, batches: AsyncIterable<LoaderBatch>, id: RunIdentity, numClasses: number,
  { device = 'cpu', autocast, classes = DEFAULT_PROJECTION_CLASSES }: AnalysisOptions & { classes?: readonly number[] } = {}): Promise<RunEvaluation> {
  model.eval();
  const logitParts: Tensor[] = [];
  const labelParts: Tensor[] = [];
  const sample = new PenultimateSample(classes);
  try {
    for await (const batch of batches) {
      try {
        noGrad(() => tidy(() => {
          const [images, target] = batch;
          const [features, logits] = underAutocast(autocast, () => {
            const f = model.features(images.to({ device, nonBlocking: true }));
            return [f, model.fc.call(f) as Tensor] as const;
          });
          // float32 once (autocast's logits are bfloat16 or float16); both stay where they are until the end.
          logitParts.push(keep(logits.float()));
          labelParts.push(keep(target.detach()));
          sample.add(features, target);
        }));
      } finally {
        dispose(batch);
      }
    }
    return tidy(() => {
      const logits = cat(logitParts).to('cpu');
      const labels = cat(labelParts).to('cpu');
      const before = reliabilityDiagram(logits, labels);
      const scaling = crossFittedScaling(logits, labels);
      const after = reliabilityDiagram(scaling.scaled, scaling.labels, { predictions: scaling.predictions });
      const acc = accuracy(logits, labels, { numClasses });
      const loss = nll(logits, labels);
      const flags = runFlags(acc, loss, numClasses, labels.shape[0]);
      return {
        result: {
          ...id,
          accuracy: acc,
          nll: loss,
          ...(flags.length ? { flags } : {}),
          ece: before.ece,
          temperature: scaling.temperature,
          nllScaled: nll(scaling.scaled, scaling.labels),
          eceScaled: after.ece,
        },
        calibration: {
          run: id.run, epsilon: id.epsilon, seed: id.seed, bins: toReportBins(before.bins), ece: before.ece,
          temperature: scaling.temperature, binsScaled: toReportBins(after.bins), eceScaled: after.ece,
        },
        confusion: { run: id.run, epsilon: id.epsilon, seed: id.seed, matrix: confusionMatrix(logits, labels, { numClasses }) },
        projection: sample.project(model.fc, id.epsilon, id.run, 'test'),
      };
    });
  } finally {
    for (const t of [...logitParts, ...labelParts]) t.dispose();
    sample.dispose();
  }
}

/** The projection of training images (in eval mode, batches as given: un-augmented), reading batches only until the sample is full. */
export async function trainingProjection(model: FeatureModel, batches: AsyncIterable<LoaderBatch>, classes: readonly number[], epsilon: number, run: string,
  { device = 'cpu', autocast }: AnalysisOptions = {}): Promise<PenultimateProjection> {
  model.eval();
  const sample = new PenultimateSample(classes);
  try {
    for await (const batch of batches) {
      try {
        if (!sample.full) noGrad(() => tidy(() => sample.add(underAutocast(autocast, () => model.features(batch[0].to({ device, nonBlocking: true }))), batch[1])));
      } finally {
        dispose(batch);
      }
    }
    return sample.project(model.fc, epsilon, run, 'train');
  } finally {
    sample.dispose();
  }
}
