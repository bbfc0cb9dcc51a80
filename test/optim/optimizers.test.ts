// Replays the 20-step training runs of scripts/goldens/optim.py: same initial weights, batches,
// loss and optimizer settings, so the same libtorch kernels see the same operands in the same
// order. The tolerance is therefore zero: every loss and every final weight must be bit-identical.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { optim, torch } from '../../src/index.js';
import { assertClose } from '../helpers.js';
import { type Weights, golden, initialWeights, setups, trainSteps } from './training.js';

const EXACT = { rtol: 0, atol: 0 };

test('every golden training run has a TypeScript setup', () => {
  assert.deepEqual(golden.training.map((r) => r.name).sort(), Object.keys(setups).sort());
});

for (const run of golden.training) {
  test(`20 steps match PyTorch bit for bit: ${run.name}`, () => {
    const before = torch.memory().tensors;
    const setup = setups[run.name];
    const p = initialWeights();
    const opt = setup.optimizer(p);
    const sched = setup.scheduler?.(opt);
    const losses = trainSteps(setup, p, opt, sched, 0, golden.batches.length);
    losses.forEach((l, i) => assert.equal(l, run.losses[i], `${run.name}: loss at step ${i}`));
    for (const [k, expected] of Object.entries(run.final)) assertClose(p[k as keyof Weights], expected, { ...EXACT, what: `${run.name} ${k}` });
    opt.dispose();
    torch.dispose(Object.values(p));
    assert.equal(torch.memory().tensors, before, 'the optimizer released its state and no step leaked');
  });
}

// Python frees an update's temporaries as it goes; smoothlab's op-by-op optimizers free each parameter's
// before the next (Optimizer.eachGradient), so a step never holds one temporary per parameter.
test('a step frees each parameter\'s temporaries before updating the next', () => {
  const params = Array.from({ length: 5 }, () => torch.tidy(() => torch.ones([1000]).requiresGrad_()));
  torch.tidy(() => {
    const loss = params.map((p) => p.mul(2).sum()).reduce((a, b) => a.add(b));
    loss.backward();
  });
  for (const make of [
    () => new optim.SGD(params, { lr: 0.1, momentum: 0.9, weightDecay: 0.01, nesterov: true, fused: false }),
    () => new optim.AdamW(params, { lr: 0.1, amsgrad: true, maximize: true, fused: false }),
  ]) {
    const optimizer = make();
    optimizer.step(); // creates the state
    const live: number[] = [];
    const original = torch.Tensor.prototype.addcdiv_;
    const sgdAdd = torch.Tensor.prototype.add_;
    // Sample the live-tensor count at each parameter's final in-place update.
    torch.Tensor.prototype.addcdiv_ = function (this: torch.Tensor, ...args: Parameters<typeof original>) {
      live.push(torch.memory().tensors);
      return original.apply(this, args);
    };
    torch.Tensor.prototype.add_ = function (this: torch.Tensor, ...args: Parameters<typeof sgdAdd>) {
      if (params.includes(this)) live.push(torch.memory().tensors);
      return sgdAdd.apply(this, args);
    };
    try {
      optimizer.step();
    } finally {
      torch.Tensor.prototype.addcdiv_ = original;
      torch.Tensor.prototype.add_ = sgdAdd;
    }
    assert.equal(live.length, params.length);
    assert.ok(live.every((n) => n === live[0]), `live tensors at each parameter's update: ${live.join(', ')}`);
    optimizer.dispose();
  }
  torch.dispose(params);
});
