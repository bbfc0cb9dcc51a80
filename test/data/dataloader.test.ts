// DataLoader without the native engine: raw batches through a custom collate. Order, coverage,
// seeding, reproducibility across worker counts, failures in workers, and shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, DataLoaderError, type RawBatch } from '../../src/data/index.js';
import { ImageArrayDataset, SyntheticImages } from '../../src/vision/datasets/index.js';
import { AutoAugment, Compose, Lambda, Normalize, RandomCrop, RandomHorizontalFlip, ToDtype, ToImage } from '../../src/vision/transforms/index.js';
import { ExitOnMarker, ThrowOnMarker } from './test_transforms.js';

/** A collate that copies what the views hold (they are reused for later batches). */
const copy = (b: RawBatch) => ({ images: b.images.slice(), labels: Array.from(b.labels), indices: Array.from(b.indices), shape: b.shape, batch: b.batch, epoch: b.epoch });

async function epoch<T>(loader: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const small = new SyntheticImages({ length: 37, height: 8, width: 8, seed: 3 });

test('numWorkers 0: batches in order, last one smaller, default transform to [0, 1] floats', async () => {
  const loader = new DataLoader({ dataset: small, batchSize: 10, collate: copy });
  assert.equal(loader.length, 4);
  const batches = await epoch(loader);
  assert.deepEqual(batches.map((b) => b.shape), [[10, 3, 8, 8], [10, 3, 8, 8], [10, 3, 8, 8], [7, 3, 8, 8]]);
  assert.deepEqual(batches.flatMap((b) => b.indices), Array.from({ length: 37 }, (_, i) => i));
  assert.deepEqual(batches.flatMap((b) => b.labels), Array.from(small.labels));
  // Sample 12 is batch 1, position 2: CHW floats of its HWC bytes / 255.
  const { image } = small.get(12);
  const img = batches[1].images as Float32Array;
  const plane = 64;
  for (const [c, p] of [[0, 0], [1, 5], [2, 63]]) assert.equal(img[2 * 192 + c * plane + p], Math.fround(image[p * 3 + c] / 255));
  assert.ok(img instanceof Float32Array);
});

test('dropLast and batchSize checks', async () => {
  const loader = new DataLoader({ dataset: small, batchSize: 10, dropLast: true, collate: copy });
  assert.equal(loader.length, 3);
  assert.equal((await epoch(loader)).length, 3);
  assert.throws(() => new DataLoader({ dataset: small, batchSize: 0 }), TypeError);
  assert.throws(() => new DataLoader({ dataset: small, numWorkers: -1 }), TypeError);
  assert.throws(() => new DataLoader({ dataset: small, shuffle: 'yes' as unknown as boolean }), TypeError);
});

test('shuffle: every sample once per epoch, a new order each epoch, the same order for the same seed and epoch', async () => {
  const make = () => new DataLoader({ dataset: small, batchSize: 8, shuffle: true, seed: 11, collate: copy });
  const a = make();
  const e0 = (await epoch(a)).flatMap((b) => b.indices);
  const e1 = (await epoch(a)).flatMap((b) => b.indices);
  assert.deepEqual([...e0].sort((x, y) => x - y), Array.from({ length: 37 }, (_, i) => i));
  assert.notDeepEqual(e0, e1);
  const b = make();
  assert.deepEqual((await epoch(b)).flatMap((x) => x.indices), e0);
  b.setEpoch(1);
  assert.deepEqual((await epoch(b)).flatMap((x) => x.indices), e1);
  assert.equal(b.epoch, 2);
  assert.equal(typeof new DataLoader({ dataset: small }).seed, 'number', 'a random seed is drawn and exposed when none is given');
});

const cifarLike = new SyntheticImages({ length: 96, seed: 1 });
const augment = () => new Compose([
  new ToImage(), new RandomCrop(32, { padding: 4, paddingMode: 'reflect' }), new RandomHorizontalFlip(), new AutoAugment({ policy: 'cifar10' }),
  new ToDtype('float32', { scale: true }), new Normalize([0.49, 0.48, 0.45], [0.25, 0.24, 0.26]),
]);

test('augmented batches are identical for 0, 1 and 2 workers (same seed), and differ across epochs', async () => {
  const runs: ReturnType<typeof copy>[][][] = [];
  for (const numWorkers of [0, 1, 2]) {
    const loader = new DataLoader({ dataset: cifarLike, batchSize: 16, shuffle: true, seed: 5, numWorkers, prefetch: 2, transform: augment(), collate: copy });
    runs.push([await epoch(loader), await epoch(loader)]);
    assert.equal(loader.workers, 0, 'non-persistent workers stop at the end of each epoch');
  }
  const key = (e: ReturnType<typeof copy>[]) => e.map((b) => Buffer.from((b.images as Float32Array).buffer).toString('base64') + b.labels.join(','));
  assert.deepEqual(key(runs[1][0]), key(runs[0][0]), '1 worker = calling thread');
  assert.deepEqual(key(runs[2][0]), key(runs[0][0]), '2 workers = calling thread');
  assert.deepEqual(key(runs[2][1]), key(runs[0][1]), 'epoch 1 too');
  assert.notDeepEqual(key(runs[0][1]), key(runs[0][0]));
  // Labels travel with their images.
  for (const b of runs[2][0]) assert.deepEqual(b.labels, b.indices.map((i) => cifarLike.labels[i]));
});

// 40 images whose first byte is their index, so a transform can single out sample 37.
const marked = (() => {
  const images = new Uint8Array(40 * 12);
  for (let i = 0; i < 40; i++) images.fill((i * 5) % 200 + 1, i * 12, (i + 1) * 12);
  images[37 * 12] = 251;
  return new ImageArrayDataset({ images, labels: new Uint8Array(40), height: 2, width: 2, channels: 3, classes: ['only'] });
})();

test('a failing sample in a worker surfaces in the caller with its index; the workers stop', async () => {
  const loader = new DataLoader({ dataset: marked, batchSize: 8, numWorkers: 2, persistentWorkers: true, transform: new ThrowOnMarker({ marker: 251 }), collate: copy });
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const b of loader) seen.push(b.batch);
  }, (e: unknown) => {
    assert.ok(e instanceof DataLoaderError);
    assert.equal(e.sampleIndex, 37);
    assert.equal(e.batchIndex, 4);
    assert.match(e.message, /^DataLoader worker [01] failed on sample 37 \(batch 4\): RangeError: marker byte 251 found/);
    assert.match(String((e.cause as Error).stack), /test_transforms/, 'the worker\'s stack is kept as the cause');
    return true;
  });
  assert.deepEqual(seen, [0, 1, 2, 3], 'batches before the failure arrive, in order');
  assert.equal(loader.workers, 0, 'a failure stops the workers, persistent or not');
  await loader.close();
});

test('a failing sample in the calling thread names it too', async () => {
  const loader = new DataLoader({ dataset: marked, batchSize: 8, transform: new ThrowOnMarker({ marker: 251 }), collate: copy });
  await assert.rejects(epoch(loader), (e: DataLoaderError) => e.sampleIndex === 37 && /sample 37 \(batch 4\): RangeError/.test(e.message));
});

test('a worker that dies mid-epoch is an error naming it, not a hang', async () => {
  const loader = new DataLoader({ dataset: marked, batchSize: 8, numWorkers: 2, transform: new ExitOnMarker({ marker: 251 }), collate: copy });
  await assert.rejects(epoch(loader), (e: DataLoaderError) => e instanceof DataLoaderError && /worker [01] exited unexpectedly with code 3 while preparing batch 4/.test(e.message));
  assert.equal(loader.workers, 0);
});

test('the transform is checked up front: on sample 0, and for travel to workers', () => {
  assert.throws(() => new DataLoader({ dataset: marked, transform: new ThrowOnMarker({ marker: 1 }) }), (e: DataLoaderError) =>
    e.sampleIndex === 0 && /the transform fails on sample 0: RangeError/.test(e.message));
  assert.throws(() => new DataLoader({ dataset: marked, transform: new Compose([new AutoAugment()]) }), /HWC image.*ToImage/);
  const lambda = new Compose([new ToImage(), new Lambda((x) => x)]);
  assert.throws(() => new DataLoader({ dataset: marked, numWorkers: 1, transform: lambda }), /Lambda transforms cannot run in DataLoader worker threads/);
  assert.ok(new DataLoader({ dataset: marked, numWorkers: 0, transform: lambda }));
});

test('persistent workers live across epochs until close(); breaking out of an epoch is clean', async () => {
  const loader = new DataLoader({ dataset: cifarLike, batchSize: 8, numWorkers: 2, persistentWorkers: true, transform: augment(), seed: 2, collate: copy });
  const full = await epoch(loader);
  assert.equal(loader.workers, 2);
  for await (const b of loader) if (b.batch === 1) break;
  assert.equal(loader.workers, 2, 'a break keeps persistent workers');
  loader.setEpoch(0);
  assert.deepEqual((await epoch(loader)).map((b) => b.labels), full.map((b) => b.labels), 'no stale batch from the broken epoch leaks in');
  await loader.close();
  assert.equal(loader.workers, 0);
  await assert.rejects(epoch(loader), /after close/);

  const once = new DataLoader({ dataset: cifarLike, batchSize: 8, numWorkers: 2, transform: augment(), collate: copy });
  for await (const b of once) if (b.batch === 0) break;
  assert.equal(once.workers, 0, 'non-persistent workers stop on break');
});

test('one epoch at a time', async () => {
  const loader = new DataLoader({ dataset: small, batchSize: 4, collate: copy });
  const it = loader[Symbol.asyncIterator]();
  await it.next();
  await assert.rejects(epoch(loader), /already being iterated/);
  await it.return?.(undefined);
  assert.equal((await epoch(loader)).length, 10);
});
