// nn.OnlineLabelSmoothing (Zhang et al. 2020): the soft-label matrix after one epoch of a tiny fixed
// dataset equals the one computed by hand, the loss is alpha * CE + (1 - alpha) * soft CE with the
// labels of the previous epoch, eval mode counts nothing, and fit() resumes it bit for bit after a
// stop mid-epoch and after an epoch.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { nn, torch, train } from '../../src/index.js';
import { OnlineLabelSmoothing } from '../../src/nn/online_label_smoothing.js';
import { toySetup } from '../train/toy.js';

// Logits that are log-probabilities: their softmax is the distribution itself (to float round-off).
const PROBS = [
  [0.7, 0.2, 0.1], // class 0, predicted 0: counted
  [0.5, 0.3, 0.2], // class 0, predicted 0: counted
  [0.6, 0.3, 0.1], // class 1, predicted 0: wrong, not counted
  [0.1, 0.8, 0.1], // class 1, predicted 1: counted
];
const TARGET = [0, 0, 1, 1]; // class 2 has no sample: its label stays uniform
const logitsOf = (rows: number[][]) => torch.tensor(Float32Array.from(rows.flat().map(Math.log)), { shape: [rows.length, 3] });
const target = () => torch.tensor(BigInt64Array.from(TARGET.map(BigInt)), { dtype: 'int64', shape: [TARGET.length] });
const rowsOf = (t: torch.Tensor, c: number) => {
  const v = Array.from(t.toTypedArray() as Float32Array);
  return Array.from({ length: v.length / c }, (_, i) => v.slice(i * c, (i + 1) * c));
};
const close = (a: number[][], b: number[][], tol = 1e-6) =>
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol, `[${i}][${j}]: ${v} vs ${b[i][j]}`)));

// alpha * mean(-log p_y) + (1 - alpha) * mean(-sum_c S[y][c] log p_c), by hand.
function handLoss(rows: number[][], labels: number[], soft: number[][], alpha: number): number {
  const hard = rows.reduce((s, p, i) => s - Math.log(p[labels[i]]), 0) / rows.length;
  const softTerm = rows.reduce((s, p, i) => s - p.reduce((t, pc, c) => t + soft[labels[i]][c] * Math.log(pc), 0), 0) / rows.length;
  return alpha * hard + (1 - alpha) * softTerm;
}

test('OnlineLabelSmoothing: the soft labels after one epoch are the mean correct predictions, by hand', () => {
  const before = torch.memory().tensors;
  const ols = new OnlineLabelSmoothing(3);
  const uniform = [[1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3], [1 / 3, 1 / 3, 1 / 3]];
  close(rowsOf(ols.soft_labels, 3), uniform, 1e-7);
  // One epoch of two batches.
  const y = target();
  const x = logitsOf(PROBS);
  const first = torch.tidy(() => ols.call(x.narrow(0, 0, 2), y.narrow(0, 0, 2)).add(ols.call(x.narrow(0, 2, 2), y.narrow(0, 2, 2))).div(2).item());
  assert.ok(Math.abs(first - handLoss(PROBS, TARGET, uniform, 0.5)) < 1e-6, `epoch-1 loss ${first}`);
  close(rowsOf(ols.correct_count, 3), [[2, 1, 0]], 0);
  ols.nextEpoch();
  const expected = [[0.6, 0.25, 0.15], [0.1, 0.8, 0.1], [1 / 3, 1 / 3, 1 / 3]];
  close(rowsOf(ols.soft_labels, 3), expected);
  close(rowsOf(ols.prob_sum, 3), [[0, 0, 0], [0, 0, 0], [0, 0, 0]], 0);
  // The next epoch trains against them.
  const second = torch.tidy(() => ols.call(x, y).item());
  assert.ok(Math.abs(second - handLoss(PROBS, TARGET, expected, 0.5)) < 1e-6, `epoch-2 loss ${second}`);
  // Eval mode scores without counting.
  ols.eval();
  const counted = torch.tidy(() => ols.correct_count.sum().item());
  torch.tidy(() => { ols.call(x, y); });
  assert.equal(torch.tidy(() => ols.correct_count.sum().item()), counted);
  assert.deepEqual(torch.tidy(() => Object.keys(ols.stateDict())).sort(), ['correct_count', 'prob_sum', 'soft_labels']);
  torch.dispose([x, y]);
  ols.dispose();
  assert.equal(torch.memory().tensors, before);
});

test('OnlineLabelSmoothing: alpha weighs the hard term, gradients flow, bad arguments throw', () => {
  const ols = new OnlineLabelSmoothing(3, { alpha: 1 });
  const x = logitsOf(PROBS).requiresGrad_(true);
  const y = target();
  const loss = ols.call(x, y);
  const ce = nn.functional.crossEntropy(x, y);
  assert.ok(Math.abs(loss.item() - ce.item()) < 1e-6, 'alpha 1 is plain cross-entropy');
  loss.backward();
  assert.deepEqual(x.grad!.shape, [4, 3]);
  assert.throws(() => new OnlineLabelSmoothing(3, { alpha: 1.5 }), /invalid alpha 1.5/);
  assert.throws(() => new OnlineLabelSmoothing(0), /invalid numClasses 0/);
  assert.throws(() => ols.call(torch.zeros([2, 4]), torch.zeros([2], { dtype: 'int64' })), /must be \(N, 3\) logits/);
  assert.match(String(ols), /OnlineLabelSmoothing\(num_classes=3, alpha=1\)/);
  torch.dispose([x, y, loss, ce]);
  ols.dispose();
});

async function olsRun(dir: string, epochs: number, stopAt: { step?: number; epoch?: number } = {}) {
  const setup = toySetup(epochs);
  const ols = new OnlineLabelSmoothing(4);
  const controller = new AbortController();
  const result = await train.fit({
    ...setup, lossFn: (o, t) => ols.call(o, t), statefulLoss: ols, checkpointDir: dir, resume: true, quiet: true, signal: controller.signal,
    callbacks: {
      onStepEnd: ({ step }) => { if (step === stopAt.step) controller.abort(); },
      onEpochEnd: (r) => { if (r.epoch === stopAt.epoch) controller.abort(); },
    },
  });
  const state = torch.tidy(() => Object.fromEntries(Object.entries({ ...ols.stateDict(), ...setup.model.stateDict({ prefix: 'model.' }) })
    .map(([k, v]) => [k, Array.from(v.toTypedArray() as Float32Array)])));
  setup.dispose();
  ols.dispose();
  return { completed: result.completed, state, history: result.history };
}

test('fit with OnlineLabelSmoothing resumes bit for bit after a stop mid-epoch and after an epoch', async () => {
  const whole = await olsRun(mkdtempSync(join(tmpdir(), 'smoothlab-ols-whole-')), 3);
  assert.equal(whole.completed, true);
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-ols-resumed-'));
  assert.equal((await olsRun(dir, 3, { step: 8 })).completed, false, 'stopped in epoch 1, with sums half-counted');
  assert.equal((await olsRun(dir, 3, { epoch: 1 })).completed, false, 'stopped after epoch 1');
  const resumed = await olsRun(dir, 3);
  assert.equal(resumed.completed, true);
  assert.deepEqual(resumed.history.epochs.map((e) => e.trainLoss), whole.history.epochs.map((e) => e.trainLoss));
  assert.deepEqual(resumed.state, whole.state, 'soft labels, sums, counts and weights all equal');
  const soft = whole.state.soft_labels;
  assert.ok(soft.some((v) => Math.abs(v - 0.25) > 1e-3), 'the labels moved away from uniform');
});
