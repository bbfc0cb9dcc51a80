// smoothlab/metrics: accuracy, confusion, scoring rules and calibration for classifiers. Scalar
// metrics return JS numbers (computed in float64); inputs are tensors of logits or probabilities.
export { accuracy, MulticlassAccuracy, type Average, type AccuracyOptions, type AccuracyResult } from './accuracy.js';
export { confusionMatrix, type ConfusionNormalization } from './confusion.js';
export { nll, brierScore } from './scoring_rules.js';
export {
  calibrationError, reliabilityDiagram, type CalibrationNorm, type CalibrationOptions, type ReliabilityBin, type ReliabilityDiagram,
} from './calibration.js';
export { fitTemperature, type TemperatureFit } from './temperature.js';
export { type ScoreKind, type ScoreOptions } from './inputs.js';
