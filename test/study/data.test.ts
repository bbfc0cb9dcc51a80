// The study's data helpers: limits share memory, label noise flips exactly the asked fraction to
// other classes, reproducibly per seed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstExamples, withLabelNoise } from '../../src/study/data.js';
import { ImageArrayDataset } from '../../src/vision/datasets/array.js';

const n = 1000;
const base = new ImageArrayDataset({
  images: new Uint8Array(n * 4), labels: Uint8Array.from({ length: n }, (_, i) => i % 10),
  height: 2, width: 2, channels: 1, classes: Array.from({ length: 10 }, (_, i) => `c${i}`),
});

test('firstExamples keeps the first N examples without copying', () => {
  const few = firstExamples(base, 10);
  assert.equal(few.length, 10);
  assert.equal(few.images.buffer, base.images.buffer);
  assert.equal(firstExamples(base, 0), base);
});

test('label noise changes exactly round(fraction * N) labels, each to another class, reproducibly', () => {
  const noisy = withLabelNoise(base, 0.2, 3);
  const changed = noisy.labels.filter((l, i) => l !== base.labels[i]).length;
  assert.equal(changed, 200);
  assert.ok(noisy.labels.every((l) => l < 10));
  assert.deepEqual(withLabelNoise(base, 0.2, 3).labels, noisy.labels, 'same seed, same noise');
  assert.notDeepEqual(withLabelNoise(base, 0.2, 4).labels, noisy.labels, 'another seed, other noise');
  assert.equal(withLabelNoise(base, 0, 3), base);
  assert.equal(base.labels[1], 1, 'the original labels are untouched');
});

test('--data-url FILE with --data-md5: the study loads CIFAR from a local archive, no download', async () => {
  const { createHash } = await import('node:crypto');
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { cifar10Files, tarEntries, tarGz } = await import('../vision/datasets/cifar_files.js');
  const { loadSplits } = await import('../../src/study/data.js');
  const archive = join(mkdtempSync(join(tmpdir(), 'smoothlab-mirror-')), 'cifar.tar.gz');
  const bytes = tarGz(tarEntries(cifar10Files('python').files));
  writeFileSync(archive, bytes);
  const md5 = createHash('md5').update(bytes).digest('hex');
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-root-'));
  const { train, test: testSplit } = await loadSplits({ dataset: 'cifar10', dataRoot: root, download: false, dataUrl: archive, dataMd5: md5, trainLimit: 0, valLimit: 0 });
  assert.equal(train.length, 10);
  assert.equal(testSplit.height, 32);
});
