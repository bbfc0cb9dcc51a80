// The metrics against scripts/goldens/metrics.py, an independent numpy implementation, on 600
// fixed logits (ties, softmax exactly 1.0, a class that never occurs). Counts and accuracies must
// be equal; float64 sums may differ in summation order only: tolerance 1e-12 relative. The
// temperature is a bisection there and a Newton iteration here: 1e-9 relative.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metrics, torch } from '../../src/index.js';
import { type Encoded, decode, fixture } from '../helpers.js';

interface Calibration {
  ece: number;
  mce: number;
  rms: number;
  bins: { count: number; confidence: number | null; accuracy: number | null }[];
}
interface Golden {
  logits: Encoded;
  labels: Encoded;
  probs: Encoded;
  accuracy: { micro: number; macro: number; none: number[]; top3Micro: number; top3Macro: number };
  confusion: number[][];
  confusionTrue: number[][];
  nll: number;
  brier: number;
  calibration15: Calibration;
  calibration10: Calibration;
  temperature: number;
  nllAfterTemperature: number;
  eceAfterTemperature: number;
}

const golden = fixture<Golden>('metrics.json');
const close = (a: number, e: number, rtol = 1e-12, what = '') =>
  assert.ok(Math.abs(a - e) <= rtol * Math.max(Math.abs(e), 1e-300) + 1e-15, `${what}: ${a} vs reference ${e}`);

/** Runs fn with the golden logits, probabilities and labels, checking that nothing leaks. */
function withData(fn: (logits: torch.Tensor, probs: torch.Tensor, labels: torch.Tensor) => void): void {
  const before = torch.memory().tensors;
  torch.tidy(() => fn(decode(golden.logits), decode(golden.probs), decode(golden.labels)));
  assert.equal(torch.memory().tensors, before);
}

test('accuracy: micro, macro (absent class left out), per class, top-3; from logits and from labels', () => {
  withData((logits, _, labels) => {
    const a = golden.accuracy;
    close(metrics.accuracy(logits, labels), a.micro, 1e-15, 'micro');
    close(metrics.accuracy(logits, labels, { average: 'macro' }), a.macro, 1e-15, 'macro');
    metrics.accuracy(logits, labels, { average: 'none' }).forEach((r, k) => close(r, a.none[k], 1e-15, `class ${k}`));
    close(metrics.accuracy(logits, labels, { topK: 3 }), a.top3Micro, 1e-15, 'top-3 micro');
    close(metrics.accuracy(logits, labels, { topK: 3, average: 'macro' }), a.top3Macro, 1e-15, 'top-3 macro');
    close(metrics.accuracy(logits.argmax(1), labels, { numClasses: 10, average: 'macro' }), a.macro, 1e-15, 'from labels');
  });
});

test('MulticlassAccuracy streams batches to the same result; reset() forgets; default average is macro', () => {
  withData((logits, _, labels) => {
    const macro = new metrics.MulticlassAccuracy({ numClasses: 10 });
    const micro = new metrics.MulticlassAccuracy({ numClasses: 10, average: 'micro' });
    const top3 = new metrics.MulticlassAccuracy({ numClasses: 10, topK: 3, average: 'micro' });
    // Fed reducePreds' top-1 classes (what fit keeps while a loss read waits): the same counts, ties included.
    const reduced = new metrics.MulticlassAccuracy({ numClasses: 10 });
    for (let start = 0; start < 600; start += 128) {
      const length = Math.min(128, 600 - start);
      for (const m of [macro, micro, top3]) m.update(logits.narrow(0, start, length), labels.narrow(0, start, length));
      reduced.update(reduced.reducePreds(logits.narrow(0, start, length)), labels.narrow(0, start, length));
    }
    assert.deepEqual(reduced.stateDict(), macro.stateDict());
    assert.equal(top3.reducePreds(logits), logits, 'top-k needs the scores themselves');
    close(macro.compute(), golden.accuracy.macro, 1e-15, 'macro');
    close(micro.compute(), golden.accuracy.micro, 1e-15, 'micro');
    close(top3.compute(), golden.accuracy.top3Micro, 1e-15, 'top-3');
    micro.reset();
    assert.equal(micro.compute(), 0);
    micro.update(logits.narrow(0, 0, 10), labels.narrow(0, 0, 10));
    close(micro.compute(), metrics.accuracy(logits.narrow(0, 0, 10), labels.narrow(0, 0, 10)), 0, 'after reset');
  });
});

test('macro accuracy follows torchmetrics on a hand-checked case', () => {
  torch.tidy(() => {
    const preds = torch.tensor([0n, 0n, 1n, 2n]);
    const target = torch.tensor([0n, 1n, 1n, 1n]);
    // class 0: recall 1; class 1: 1/3; class 2: no label but a false positive -> 0; class 3: absent, left out.
    close(metrics.accuracy(preds, target, { numClasses: 4, average: 'macro' }), (1 + 1 / 3 + 0) / 3, 1e-15, 'macro');
    assert.deepEqual(metrics.accuracy(preds, target, { numClasses: 4, average: 'none' }), [1, 1 / 3, 0, 0]);
    close(metrics.accuracy(preds, target), 0.5, 0, 'micro');
  });
});

test('confusionMatrix: counts and row-normalized', () => {
  withData((logits, _, labels) => {
    assert.deepEqual(metrics.confusionMatrix(logits, labels), golden.confusion);
    const normalized = metrics.confusionMatrix(logits, labels, { normalize: 'true' });
    normalized.forEach((row, i) => row.forEach((v, j) => close(v, golden.confusionTrue[i][j], 1e-15, `[${i}][${j}]`)));
    const all = metrics.confusionMatrix(logits.argmax(1), labels, { numClasses: 10, normalize: 'all' });
    close(all.flat().reduce((a, b) => a + b, 0), 1, 1e-12, 'all sums to 1');
  });
});

test('nll and brierScore, from logits and from probabilities', () => {
  withData((logits, probs, labels) => {
    close(metrics.nll(logits, labels), golden.nll, 1e-12, 'nll');
    close(metrics.nll(probs, labels, { inputs: 'probs' }), golden.nll, 1e-12, 'nll (probs)');
    close(metrics.brierScore(logits, labels), golden.brier, 1e-12, 'brier');
    close(metrics.brierScore(probs, labels, { inputs: 'probs' }), golden.brier, 1e-12, 'brier (probs)');
  });
});

for (const nBins of [15, 10]) {
  test(`calibrationError (ECE, MCE, RMS) and reliabilityDiagram with ${nBins} bins`, () => {
    const ref = nBins === 15 ? golden.calibration15 : golden.calibration10;
    withData((logits, probs, labels) => {
      const options = nBins === 15 ? {} : { nBins };
      close(metrics.calibrationError(logits, labels, options), ref.ece, 1e-12, 'ECE');
      close(metrics.calibrationError(logits, labels, { ...options, norm: 'max' }), ref.mce, 1e-12, 'MCE');
      close(metrics.calibrationError(logits, labels, { ...options, norm: 'l2' }), ref.rms, 1e-12, 'RMS');
      close(metrics.calibrationError(probs, labels, { ...options, inputs: 'probs' }), ref.ece, 1e-12, 'ECE (probs)');
      const d = metrics.reliabilityDiagram(logits, labels, options);
      assert.equal(d.bins.length, nBins);
      assert.equal(d.count, 600);
      close(d.accuracy, golden.accuracy.micro, 1e-15, 'accuracy');
      d.bins.forEach((b, i) => {
        const e = ref.bins[i];
        assert.equal(b.count, e.count, `bin ${i} count`);
        close(b.lower, i / nBins, 0, 'lower edge');
        if (e.confidence === null) assert.deepEqual([b.confidence, b.accuracy], [null, null]);
        else {
          close(b.confidence!, e.confidence, 1e-12, `bin ${i} confidence`);
          close(b.accuracy!, e.accuracy!, 1e-15, `bin ${i} accuracy`);
        }
      });
    });
  });
}

test('fitTemperature finds the NLL-minimizing temperature; scaling lowers NLL and ECE', () => {
  withData((logits, _, labels) => {
    const fit = metrics.fitTemperature(logits, labels);
    close(fit.temperature, golden.temperature, 1e-9, 'temperature');
    close(fit.nllBefore, golden.nll, 1e-12, 'nll before');
    close(fit.nllAfter, golden.nllAfterTemperature, 1e-12, 'nll after');
    assert.ok(fit.iterations < 30, `${fit.iterations} iterations`);
    const scaled = logits.div(fit.temperature);
    close(metrics.nll(scaled, labels), fit.nllAfter, 1e-6, 'nll of scaled float32 logits');
    close(metrics.calibrationError(logits.double().div(fit.temperature), labels), golden.eceAfterTemperature, 1e-9, 'ECE after');
    assert.ok(golden.eceAfterTemperature < golden.calibration15.ece);
    // Already calibrated logits (the softmax of these labels' own log-frequencies) keep T = 1.
    const calibrated = torch.tensor([[Math.log(3), 0], [Math.log(3), 0], [Math.log(3), 0], [Math.log(3), 0]], { dtype: 'float64' });
    close(metrics.fitTemperature(calibrated, torch.tensor([0n, 0n, 0n, 1n])).temperature, 1, 1e-12, 'calibrated');
  });
});

test('bad arguments throw RangeError / TypeError naming the option and value', () => {
  withData((logits, _, labels) => {
    assert.throws(() => metrics.accuracy(logits, labels, { topK: 11 }), /topK 11/);
    assert.throws(() => metrics.accuracy(logits, labels, { average: 'weighted' as 'micro' }), /average "weighted"/);
    assert.throws(() => new metrics.MulticlassAccuracy({ numClasses: 0 }), /numClasses 0/);
    assert.throws(() => metrics.accuracy(logits.argmax(1), labels, { topK: 2 }), /topK 2 needs scores/);
    assert.throws(() => metrics.calibrationError(logits, labels, { nBins: 0 }), /nBins 0/);
    assert.throws(() => metrics.calibrationError(logits, labels, { norm: 'l3' as 'l1' }), /norm "l3"/);
    assert.throws(() => metrics.nll(logits, labels, { inputs: 'log' as 'logits' }), /inputs "log"/);
    assert.throws(() => metrics.nll(logits, labels.narrow(0, 0, 5)), /5 labels for 600 samples/);
    assert.throws(() => metrics.brierScore(logits, labels.float()), TypeError);
    assert.throws(() => metrics.brierScore(logits.flatten(), labels), /\(N, C\)/);
    assert.throws(() => metrics.confusionMatrix(logits, labels.add(5)), /outside \[0, 10\)/);
    assert.throws(() => metrics.fitTemperature(logits, labels, { maxIter: 0 }), /maxIter 0/);
  });
});
