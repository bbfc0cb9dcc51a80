// The image pipeline's collate (native tier): batches arrive as [images, labels] tensors, float32
// N x C x H x W normalized and int64 labels, owned by the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.js';
import { DataLoader } from '../../src/data/index.js';
import { SyntheticImages, channelStats } from '../../src/vision/datasets/index.js';
import { Compose, Normalize, RandomHorizontalFlip, ToDtype, ToImage, AutoAugment } from '../../src/vision/transforms/index.js';

const dataset = new SyntheticImages({ length: 40, seed: 4 });
const stats = channelStats(dataset);
const transform = () => new Compose([new ToImage(), new RandomHorizontalFlip(), new AutoAugment({ policy: 'cifar10' }), new ToDtype('float32', { scale: true }), new Normalize(stats.mean, stats.std)]);

test('batches are float32 NCHW tensors and int64 labels, equal to the raw batches', async () => {
  const before = torch.memory().tensors;
  const raws: Float32Array[] = [];
  const rawIndices: Int32Array[] = [];
  const rawLoader = new DataLoader({ dataset, batchSize: 16, seed: 9, transform: transform(), collate: (b) => raws.push(b.images.slice() as Float32Array) + rawIndices.push(b.indices.slice()) });
  for await (const _ of rawLoader);
  const loader = new DataLoader({ dataset, batchSize: 16, seed: 9, numWorkers: 2, transform: transform() });
  let k = 0;
  for await (const batch of loader) {
    const [images, labels] = batch;
    const n = k < 2 ? 16 : 8;
    assert.deepEqual(images.shape, [n, 3, 32, 32]);
    assert.equal(images.dtype, 'float32');
    assert.equal(images.device, 'cpu');
    assert.deepEqual(labels.shape, [n]);
    assert.equal(labels.dtype, 'int64');
    assert.deepEqual(images.toTypedArray(), raws[k]);
    assert.deepEqual(Array.from(labels.toTypedArray() as BigInt64Array, Number), Array.from(rawIndices[k], (i) => dataset.labels[i]));
    torch.dispose(batch);
    k++;
  }
  assert.equal(k, 3);
  assert.equal(torch.memory().tensors, before, 'disposing each batch releases everything');
});

test('normalized with training-set statistics: about zero mean and unit std per channel', async () => {
  const plain = new Compose([new ToImage(), new ToDtype('float32', { scale: true }), new Normalize(stats.mean, stats.std)]);
  const loader = new DataLoader({ dataset, batchSize: 40, transform: plain });
  for await (const batch of loader) {
    const [images] = batch;
    torch.tidy(() => {
      const mean = images.mean([0, 2, 3]).toArray() as number[];
      const std = images.permute([1, 0, 2, 3]).reshape([3, -1]).std(1, { correction: 0 }).toArray() as number[];
      for (const m of mean) assert.ok(Math.abs(m) < 1e-4, `mean ${m}`);
      for (const s of std) assert.ok(Math.abs(s - 1) < 1e-4, `std ${s}`);
    });
    torch.dispose(batch);
  }
});

test('device: batches move to CUDA when one is there', { skip: !torch.cudaAvailable() && 'no CUDA device' }, async () => {
  const loader = new DataLoader({ dataset, batchSize: 8, device: 'cuda' });
  for await (const batch of loader) {
    assert.match(batch[0].device, /^cuda/);
    assert.match(batch[1].device, /^cuda/);
    torch.dispose(batch);
  }
});
