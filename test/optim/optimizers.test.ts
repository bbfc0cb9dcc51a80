// Replays the 20-step training runs of scripts/goldens/optim.py: same initial weights, batches,
// loss and optimizer settings, so the same libtorch kernels see the same operands in the same
// order. The tolerance is therefore zero: every loss and every final weight must be bit-identical.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torch } from '../../src/index.js';
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
