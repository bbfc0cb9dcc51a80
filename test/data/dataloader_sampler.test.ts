// DataLoader({ sampler }) as torch.utils.data's: the sampler decides the order, excludes shuffle,
// and a DistributedSampler splits an epoch between ranks, reshuffled by setEpoch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, DistributedSampler, type RawBatch } from '../../src/data/index.js';
import { SyntheticImages } from '../../src/vision/datasets/index.js';

const copy = (b: RawBatch) => ({ indices: Array.from(b.indices), labels: Array.from(b.labels), shape: b.shape });
const small = new SyntheticImages({ length: 37, height: 8, width: 8, seed: 3 });

async function indices(loader: DataLoader<ReturnType<typeof copy>>): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of loader) out.push(b.indices);
  return out;
}

test('a sampler excludes shuffle: true, with PyTorch\'s message; it must be iterable', () => {
  assert.throws(() => new DataLoader({ dataset: small, sampler: [0, 1], shuffle: true }), /sampler option is mutually exclusive with shuffle/);
  assert.throws(() => new DataLoader({ dataset: small, sampler: 3 as never }), /sampler must be an iterable of dataset indices/);
  assert.ok(new DataLoader({ dataset: small, sampler: [0, 1], shuffle: false }));
});

test('the sampler\'s indices, in its order, cut into batches; length and numSamples from its length', async () => {
  const order = [36, 0, 5, 5, 12, 7, 30];
  const loader = new DataLoader({ dataset: small, batchSize: 3, sampler: order, collate: copy });
  assert.equal(loader.length, 3);
  assert.equal(loader.numSamples, 7);
  assert.deepEqual(await indices(loader), [[36, 0, 5], [5, 12, 7], [30]]);
  const dropping = new DataLoader({ dataset: small, batchSize: 3, sampler: Int32Array.from(order), dropLast: true, collate: copy });
  assert.equal(dropping.length, 2);
  assert.equal(dropping.numSamples, 6);
  assert.deepEqual((await indices(dropping)).flat(), order.slice(0, 6));
  // Labels follow the indices (the image pipeline reads sample i for index i).
  const [first] = await indices(new DataLoader({ dataset: small, batchSize: 2, sampler: [9, 4], collate: copy }));
  assert.deepEqual(first, [9, 4]);
});

test('an index outside the dataset is named; a sampler without a length has no loader length', async () => {
  await assert.rejects(indices(new DataLoader({ dataset: small, batchSize: 4, sampler: [1, 2, 37], collate: copy })), /sampler's index 2 is 37, not a sample of the dataset \(0\.\.36\)/);
  await assert.rejects(indices(new DataLoader({ dataset: small, batchSize: 4, sampler: [1, 0.5], collate: copy })), /index 1 is 0\.5/);
  const generated = { *[Symbol.iterator]() { yield 3; yield 1; } };
  const loader = new DataLoader({ dataset: small, batchSize: 4, sampler: generated, collate: copy });
  assert.throws(() => loader.length, /its sampler has no length/);
  assert.deepEqual(await indices(loader), [[3, 1]]);
});

test('DistributedSampler: the ranks\' loaders split each epoch, loader.setEpoch reshuffles, and the sampler\'s own setEpoch counts too', async () => {
  const ranks = [0, 1].map((rank) => {
    const sampler = new DistributedSampler(small, { numReplicas: 2, rank, seed: 4 });
    return { sampler, loader: new DataLoader({ dataset: small, batchSize: 5, sampler, collate: copy }) };
  });
  const epochOf = async (e: number) => Promise.all(ranks.map(async ({ loader }) => {
    loader.setEpoch(e);
    return (await indices(loader)).flat();
  }));
  const [a0, b0] = await epochOf(0);
  assert.equal(a0.length, 19, 'ceil(37 / 2) each: one index repeated to pad the tail, as PyTorch');
  assert.deepEqual(a0, Array.from(ranks[0].sampler.indices()));
  assert.deepEqual([...new Set([...a0, ...b0])].sort((x, y) => x - y), Array.from({ length: 37 }, (_, i) => i), 'together the ranks cover the dataset');
  assert.equal(ranks[0].loader.length, 4);
  const [a1] = await epochOf(1);
  assert.equal(ranks[0].sampler.epoch, 1, 'the loader passed its epoch on');
  assert.notDeepEqual(a1, a0);
  // PyTorch's usage: sampler.setEpoch(e) before iterating; the loader reads the sampler each epoch.
  ranks[0].sampler.setEpoch(0);
  assert.deepEqual((await indices(ranks[0].loader)).flat(), a0);
  // Without any setEpoch the order stays the same epoch after epoch, as in PyTorch.
  assert.deepEqual((await indices(ranks[0].loader)).flat(), a0);
  // Resuming mid-epoch: loadStateDict sets the sampler's epoch and skips the batches done.
  const resumed = new DataLoader({ dataset: small, batchSize: 5, sampler: new DistributedSampler(small, { numReplicas: 2, rank: 0, seed: 4 }), collate: copy });
  resumed.loadStateDict({ epoch: 1, batchesYielded: 2, seed: resumed.seed });
  assert.deepEqual((await indices(resumed)).flat(), a1.slice(10));
});
