// DistributedDataParallel on c10d's Reducer: two ranks, each with half of every batch, end with the
// weights of one process that trains on the whole batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../../src/index.js';
import { freePort, lastJson, runRanks } from '../../torch/distributed/spawn_ranks.js';
import { BATCH, type OptimizerName, STEPS, makeModel, makeOptimizer, trainStep, weights } from './ddp_recipe.js';

const gloo = torch.distributed.isBackendAvailable('gloo');
const child = fileURLToPath(new URL('./ddp_child.js', import.meta.url));

interface Report { rank: number; initial: Record<string, number[]>; final: Record<string, number[]>; keys: string[] }

// Float32 round-off: the ranks sum two half-batch means where one process takes one mean over the
// whole batch, and AdamW divides by sqrt(v), which passes relative differences of ~1e-7 through.
// SGD adds lr times that round-off of the gradient to each weight: a few float32 ulps of weights
// below 1 (measured: 1.5e-8, one ulp). Summed instead of averaged gradients would be ~1e-2 off.
const TOLERANCE = { adamw: 2e-6, sgd: 1e-7 } satisfies Record<OptimizerName, number>;

for (const name of ['adamw', 'sgd'] as const) {
  test(`2 DDP ranks with half a batch each = 1 process with the whole batch, after 5 ${name === 'sgd' ? 'SGD' : 'AdamW'} steps (|difference| <= ${TOLERANCE[name]})`, { skip: !gloo && 'built without gloo', timeout: 60_000 }, async () => {
    const model = makeModel(7);
    const reference0 = weights(model);
    const opt = makeOptimizer(model, name);
    for (let step = 0; step < STEPS; step++) trainStep(model, opt, step, 0, BATCH);
    const reference = weights(model);
    model.dispose();

    const results = await runRanks([process.execPath, [child]], 2, await freePort(), { OPTIMIZER: name });
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const reports = results.map((r) => lastJson<Report>(r));
    for (const report of reports) {
      assert.deepEqual(report.keys, ['module.0.weight', 'module.0.bias', 'module.2.weight', 'module.2.bias']);
      // Construction broadcast rank 0's weights: rank 1 was initialized from another seed.
      assert.deepEqual(report.initial, reference0, `rank ${report.rank} starts from rank 0's weights`);
      let worst = 0;
      for (const [key, expected] of Object.entries(reference)) {
        const actual = report.final[key];
        assert.equal(actual.length, expected.length);
        for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
      }
      assert.ok(worst <= TOLERANCE[name], `rank ${report.rank}: largest difference ${worst} > ${TOLERANCE[name]}`);
      assert.notDeepEqual(report.final, reference0);
    }
    // The ranks agree with each other exactly: the same averaged gradients, the same optimizer.
    assert.deepEqual(reports[0].final, reports[1].final);
  });
}
