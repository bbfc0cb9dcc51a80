// nn.SyncBatchNorm: two ranks with half a batch each normalize, update running statistics and
// backpropagate exactly as one process with BatchNorm2d on the whole batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nn, torch } from '../../../src/index.js';
import { freePort, lastJson, runRanks } from '../../torch/distributed/spawn_ranks.js';
import { BATCH, type Step, makeModel, step } from './sync_bn_recipe.js';

const gloo = torch.distributed.isBackendAvailable('gloo');
const child = fileURLToPath(new URL('./sync_batchnorm_child.js', import.meta.url));

// Float32 round-off: the global statistics are sums of the ranks' float32 moments (combined in
// float64) where one process reduces the whole batch at once; the largest measured difference is 1.2e-7.
const ATOL = 1e-6;

function worst(actual: number[], expected: number[]): number {
  assert.equal(actual.length, expected.length);
  let w = 0;
  for (let i = 0; i < expected.length; i++) w = Math.max(w, Math.abs(actual[i] - expected[i]));
  return w;
}

let largest = 0;

function assertClose(actual: number[], expected: number[], what: string): void {
  const w = worst(actual, expected);
  largest = Math.max(largest, w);
  assert.ok(w <= ATOL, `${what}: largest difference ${w} > ${ATOL}`);
}

test('convertSyncBatchnorm replaces every BatchNorm, keeping its tensors and state-dict keys', () => {
  const model = makeModel();
  const keys = Object.keys(model.stateDict());
  const weight = model.at(1).parameters()[0];
  const converted = nn.SyncBatchNorm.convertSyncBatchnorm(model);
  assert.equal(converted, model);
  assert.ok(model.at(1) instanceof nn.SyncBatchNorm && model.at(4) instanceof nn.SyncBatchNorm);
  assert.equal((model.at(4) as nn.SyncBatchNorm).momentum, null);
  assert.equal(model.at(1).parameters()[0], weight);
  assert.deepEqual(Object.keys(model.stateDict()), keys);
  const alone = nn.SyncBatchNorm.convertSyncBatchnorm(new nn.BatchNorm2d(3, { eps: 1e-3 }));
  assert.ok(alone instanceof nn.SyncBatchNorm && alone.eps === 1e-3);
  model.dispose();
  alone.dispose();
});

test('SyncBatchNorm without a process group is BatchNorm2d (training and eval)', () => {
  const reference = makeModel();
  const converted = nn.SyncBatchNorm.convertSyncBatchnorm(makeModel());
  assert.deepEqual(step(converted, 0, BATCH), step(reference, 0, BATCH));
  converted.eval();
  reference.eval();
  const x = torch.randn([2, 3, 5, 5]);
  assert.deepEqual(torch.tidy(() => torch.noGrad(() => converted.call(x)).toTypedArray()), torch.tidy(() => torch.noGrad(() => reference.call(x)).toTypedArray()));
  x.dispose();
  converted.dispose();
  reference.dispose();
});

test('2 ranks with SyncBatchNorm and half a batch each = 1 process with BatchNorm2d on the whole batch', { skip: !gloo && 'built without gloo', timeout: 60_000 }, async (t) => {
  const model = makeModel();
  const reference = step(model, 0, BATCH);
  model.dispose();

  const results = await runRanks([process.execPath, [child]], 2, await freePort());
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const reports = results.map((r) => lastJson<Step & { rank: number; types: string[] }>(r));
  const per = reference.output.length / BATCH;
  const perInput = reference.inputGrad.length / BATCH;
  for (const report of reports) {
    assert.equal(report.types.filter((t) => t === 'SyncBatchNorm').length, 2);
    const rows = (a: number[], width: number) => a.slice(report.rank * (BATCH / 2) * width, (report.rank + 1) * (BATCH / 2) * width);
    assertClose(report.output, rows(reference.output, per), `rank ${report.rank} output`);
    assertClose(report.inputGrad, rows(reference.inputGrad, perInput), `rank ${report.rank} input gradient`);
    for (const [key, expected] of Object.entries(reference.buffers)) assertClose(report.buffers[key], expected, `rank ${report.rank} ${key}`);
  }
  // Each rank's parameter gradients come from its own rows (DDP would average them); they add up to the whole batch's.
  for (const [key, expected] of Object.entries(reference.grads)) {
    assertClose(reports[0].grads[key].map((g, i) => g + reports[1].grads[key][i]), expected, `gradient of ${key}`);
  }
  assert.deepEqual(reports[0].buffers, reports[1].buffers);
  t.diagnostic(`largest difference from one process: ${largest}`);
});

test('SyncBatchNorm inside DistributedDataParallel: every rank holds the whole batch\'s gradients, halved by the averaging', { skip: !gloo && 'built without gloo', timeout: 60_000 }, async () => {
  const model = makeModel();
  const reference = step(model, 0, BATCH);
  model.dispose();
  const results = await runRanks([process.execPath, [child]], 2, await freePort(), { DDP: '1' });
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  for (const report of results.map((r) => lastJson<Step & { rank: number }>(r))) {
    for (const [key, expected] of Object.entries(reference.grads)) assertClose(report.grads[key].map((g) => 2 * g), expected, `rank ${report.rank} gradient of ${key}`);
  }
});
