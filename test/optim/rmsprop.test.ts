// RMSprop against PyTorch 1.13: the 20-step runs of scripts/goldens/optim_extra.py replayed with the
// same weights, batches and op order (PyTorch's single-tensor update), so the tolerance is zero:
// every loss, lr, final weight and state tensor must be bit-identical. Plus resuming from state
// dicts, the state layout, and bad arguments.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, torch } from '../../src/index.js';
import { assertClose } from '../helpers.js';
import { type Weights, initialWeights, resumeFromStateDicts, trainSteps } from './training.js';
import { assertState, extra, extraSetups, replayExactly } from './training_extra.js';

const rmspropRuns = extra.training.filter((r) => r.name.startsWith('rmsprop'));

test('every golden run of optim_extra.json has a TypeScript setup', () => {
  assert.deepEqual(extra.training.map((r) => r.name).sort(), Object.keys(extraSetups).sort());
  assert.equal(rmspropRuns.length, 9);
});

for (const run of rmspropRuns) {
  test(`20 steps match PyTorch bit for bit: ${run.name}`, () => replayExactly(run));
}

for (const name of ['rmsprop_centered_momentum_maximize', 'rmsprop_groups', 'rmsprop_skipped_grads', 'rmsprop_lambda', 'rmsprop_plateau']) {
  test(`resume after 10 of 20 steps from state dicts matches PyTorch's uninterrupted run: ${name}`, () => {
    const before = torch.memory().tensors;
    const run = extra.training.find((r) => r.name === name)!;
    const { p, q, opt: opt2, losses } = resumeFromStateDicts(extraSetups[name], 10, 20, structuredClone);
    assert.deepEqual(losses, run.losses.slice(10));
    assert.deepEqual(opt2.paramGroups.map((g) => g.lr), run.lr[19]);
    for (const [k, expected] of Object.entries(run.final)) assertClose(q[k as keyof Weights], expected, { rtol: 0, atol: 0, what: k });
    assertState(opt2, run.state, name);
    opt2.dispose();
    torch.dispose([Object.values(p), Object.values(q)]);
    assert.equal(torch.memory().tensors, before);
  });
}

test('state: PyTorch\'s entries (step, squareAvg, momentumBuffer when momentum > 0, gradAvg when centered), null otherwise', () => {
  const before = torch.memory().tensors;
  const p = initialWeights();
  const opt = new optim.RMSprop([{ params: [p.w1] }, { params: [p.b1], momentum: 0.9 }, { params: [p.w2], centered: true }]);
  trainSteps({ optimizer: () => opt }, p, opt, undefined, 0, 3);
  const { state, paramGroups } = opt.stateDict();
  assert.deepEqual(Object.keys(state).map(Number), [0, 1, 2]);
  assert.deepEqual(state[0], { step: 3, squareAvg: opt.state.get(p.w1)!.squareAvg, momentumBuffer: null, gradAvg: null });
  assert.ok(state[1].momentumBuffer instanceof torch.Tensor && state[1].gradAvg === null);
  assert.ok(state[2].gradAvg instanceof torch.Tensor && state[2].momentumBuffer === null);
  assert.deepEqual(paramGroups[0], { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, params: [0] });
  // Switching momentum on after the first step starts the buffer from zero (PyTorch fails on the missing entry).
  opt.paramGroups[0].momentum = 0.5;
  trainSteps({ optimizer: () => opt }, p, opt, undefined, 3, 4);
  assert.ok(opt.state.get(p.w1)!.momentumBuffer instanceof torch.Tensor);
  assert.equal(torch.memory().tensors, before + 4 + 6, 'the weights and six state tensors');
  opt.dispose();
  torch.dispose(Object.values(p));
  assert.equal(torch.memory().tensors, before);
});

test('RMSprop rejects bad arguments with RangeErrors naming the class, option and value', () => {
  const p = torch.zeros([2], { requiresGrad: true });
  const rejects = (options: Partial<optim.RMSpropOptions>, pattern: RegExp) =>
    assert.throws(() => new optim.RMSprop([p], options), (e: Error) => e instanceof RangeError && pattern.test(e.message), pattern.source);
  rejects({ lr: -1 }, /^RMSprop: invalid lr -1 /);
  rejects({ eps: -1e-8 }, /^RMSprop: invalid eps -1e-8 /);
  rejects({ momentum: -0.1 }, /^RMSprop: invalid momentum -0.1 /);
  rejects({ weightDecay: -1 }, /^RMSprop: invalid weightDecay -1 /);
  rejects({ alpha: -0.5 }, /^RMSprop: invalid alpha -0.5 /);
  assert.throws(() => new optim.RMSprop([{ params: [p], lr: -0.1 }]), /RMSprop: invalid lr -0.1/);
  assert.throws(() => new optim.RMSprop([]), /empty parameter list/);
  p.dispose();
});
