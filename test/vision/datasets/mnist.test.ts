import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { FashionMNIST, MNIST, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, FASHION_MNIST_CLASSES, MNIST_CLASSES } from '../../../src/vision/datasets/index.js';
import { idxBytes, patternImages, tempRoot } from './idx_files.js';

const TRAIN_IMAGES = 'train-images-idx3-ubyte';
const TRAIN_LABELS = 'train-labels-idx1-ubyte';
const TEST_IMAGES = 't10k-images-idx3-ubyte';
const TEST_LABELS = 't10k-labels-idx1-ubyte';

function perClass(labels: Iterable<number>, classes: number): number[] {
  const counts = new Array<number>(classes).fill(0);
  for (const l of labels) counts[l] += 1;
  return counts;
}

// ---- the real Fashion-MNIST from Debian's dataset-fashion-mnist package ----

test('Fashion-MNIST train split: 60,000 images of 28x28x1, 6,000 per class', () => {
  const ds = new FashionMNIST();
  assert.equal(ds.length, 60000);
  assert.deepEqual([ds.height, ds.width, ds.channels], [28, 28, 1]);
  assert.equal(ds.images.length, 60000 * 28 * 28);
  assert.equal(ds.labels.length, 60000);
  assert.deepEqual(perClass(ds.labels, 10), new Array(10).fill(6000));
  assert.deepEqual(ds.classes, ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  const first = ds.get(0);
  assert.equal(first.image.length, 28 * 28);
  assert.equal(first.label, 9); // the first training image is an ankle boot
  // The mean pixel is torchvision users' well-known normalization constant 0.2860 (of 255).
  let sum = 0;
  for (const v of ds.images) sum += v;
  assert.ok(Math.abs(sum / ds.images.length / 255 - 0.286) < 0.001, `mean ${sum / ds.images.length / 255}`);
});

test('Fashion-MNIST test split: 10,000 images, 1,000 per class', () => {
  const ds = new FashionMNIST({ train: false });
  assert.equal(ds.train, false);
  assert.equal(ds.length, 10000);
  assert.deepEqual([ds.height, ds.width, ds.channels], [28, 28, 1]);
  assert.deepEqual(perClass(ds.labels, 10), new Array(10).fill(1000));
});

// ---- small IDX files written by the tests ----

function writeSplit(gzip: boolean, split: 'train' | 't10k' = 'train', n = 3, h = 28, w = 28) {
  const tmp = tempRoot();
  const labels = Uint8Array.from({ length: n }, (_, i) => (3 * i + 1) % 10);
  tmp.write(split === 'train' ? TRAIN_IMAGES : TEST_IMAGES, idxBytes(IDX_IMAGES_MAGIC, [n, h, w], patternImages(n, h, w)), gzip);
  tmp.write(split === 'train' ? TRAIN_LABELS : TEST_LABELS, idxBytes(IDX_LABELS_MAGIC, [n], labels), gzip);
  return { ...tmp, labels };
}

for (const gzip of [false, true]) {
  test(`reads ${gzip ? 'gzip-compressed' : 'plain'} IDX files`, (t) => {
    const { root, labels, cleanup } = writeSplit(gzip);
    t.after(cleanup);
    const ds = new MNIST({ root });
    assert.equal(ds.length, 3);
    assert.deepEqual([ds.height, ds.width, ds.channels], [28, 28, 1]);
    assert.deepEqual(ds.images, patternImages(3, 28, 28));
    assert.deepEqual(ds.labels, Int32Array.from(labels));
    for (let i = 0; i < 3; i++) {
      const { image, label } = ds.get(i);
      assert.deepEqual(image, patternImages(3, 28, 28).slice(i * 784, (i + 1) * 784));
      assert.equal(label, labels[i]);
    }
    assert.deepEqual(ds.classes, MNIST_CLASSES);
    assert.equal(ds.classes[0], '0 - zero');
  });
}

test('train: false reads the t10k files, and FashionMNIST takes a root too', (t) => {
  const { root, labels, cleanup } = writeSplit(true, 't10k', 5);
  t.after(cleanup);
  const ds = new FashionMNIST({ root, train: false });
  assert.equal(ds.length, 5);
  assert.deepEqual(ds.labels, Int32Array.from(labels));
  assert.deepEqual(ds.classes, FASHION_MNIST_CLASSES);
  assert.throws(() => new FashionMNIST({ root }), (e: Error) => e.message.includes(TRAIN_IMAGES));
});

test('image size comes from the header', (t) => {
  const { root, cleanup } = writeSplit(false, 'train', 2, 4, 3);
  t.after(cleanup);
  const ds = new MNIST({ root });
  assert.deepEqual([ds.length, ds.height, ds.width], [2, 4, 3]);
  assert.equal(ds.get(1).image.length, 12);
});

test('get() returns a copy and checks its index', (t) => {
  const { root, cleanup } = writeSplit(false);
  t.after(cleanup);
  const ds = new MNIST({ root });
  const sample = ds.get(1);
  sample.image.fill(0);
  assert.deepEqual(ds.get(1).image, patternImages(3, 28, 28).slice(784, 2 * 784));
  assert.throws(() => ds.get(3), RangeError);
  assert.throws(() => ds.get(-1), RangeError);
  assert.throws(() => ds.get(0.5), TypeError);
});

test('bad options throw TypeError', () => {
  assert.throws(() => new MNIST({ root: '' }), TypeError);
  assert.throws(() => new MNIST({ train: 'yes' as unknown as boolean }), TypeError);
});

// ---- errors name the file and what is wrong ----

test('a missing file is named, with how to get it', (t) => {
  const tmp = tempRoot();
  t.after(tmp.cleanup);
  assert.throws(() => new FashionMNIST({ root: tmp.root }), (e: Error) =>
    e.message.startsWith(`FashionMNIST: missing ${tmp.root}/${TRAIN_IMAGES}.gz`) && e.message.includes('apt-get install dataset-fashion-mnist'));
  assert.throws(() => new MNIST({ root: tmp.root }), (e: Error) => e.message.startsWith(`MNIST: missing ${tmp.root}/${TRAIN_IMAGES}.gz`) && e.message.includes('{ root }'));
  // Images present, labels missing: the labels file is the one named.
  tmp.write(TRAIN_IMAGES, idxBytes(IDX_IMAGES_MAGIC, [1, 2, 2], new Uint8Array(4)));
  assert.throws(() => new MNIST({ root: tmp.root }), (e: Error) => e.message.startsWith(`MNIST: missing ${tmp.root}/${TRAIN_LABELS}.gz`));
});

test('bad magic number: labels where images belong', (t) => {
  const tmp = tempRoot();
  t.after(tmp.cleanup);
  const path = tmp.write(TRAIN_IMAGES, idxBytes(IDX_LABELS_MAGIC, [4], new Uint8Array(4)), true);
  tmp.write(TRAIN_LABELS, idxBytes(IDX_LABELS_MAGIC, [4], new Uint8Array(4)), true);
  assert.throws(() => new MNIST({ root: tmp.root }), (e: Error) =>
    e.message.startsWith(path) && /bad magic number 2049 \(IDX labels\); expected 2051/.test(e.message));
});

test('bad magic number: not an IDX file at all', (t) => {
  const tmp = tempRoot();
  t.after(tmp.cleanup);
  const path = tmp.write(TRAIN_IMAGES, new TextEncoder().encode('<html>404 Not Found</html>'));
  tmp.write(TRAIN_LABELS, idxBytes(IDX_LABELS_MAGIC, [1], new Uint8Array(1)));
  assert.throws(() => new MNIST({ root: tmp.root }), (e: Error) => e.message.startsWith(path) && e.message.includes('bad magic number'));
});

// Writes `images` (and three zero labels unless given) into a fresh folder; returns what MNIST threw.
function failure(t: { after: (fn: () => void) => void }, images: Uint8Array, { gzip = false, labels = idxBytes(IDX_LABELS_MAGIC, [3], new Uint8Array(3)) } = {}) {
  const tmp = tempRoot();
  t.after(tmp.cleanup);
  const imagesPath = tmp.write(TRAIN_IMAGES, images, gzip);
  const labelsPath = tmp.write(TRAIN_LABELS, labels, gzip);
  try {
    new MNIST({ root: tmp.root });
  } catch (error) {
    return { message: (error as Error).message, imagesPath, labelsPath };
  }
  assert.fail('MNIST did not throw');
}

const full = idxBytes(IDX_IMAGES_MAGIC, [3, 28, 28], patternImages(3, 28, 28));

test('truncated: too short for the header', (t) => {
  const { message, imagesPath } = failure(t, full.slice(0, 2));
  assert.ok(message.startsWith(`${imagesPath}: truncated: 2 bytes is too short for an IDX header`), message);
  const second = failure(t, full.slice(0, 10));
  assert.ok(second.message.startsWith(`${second.imagesPath}: truncated: 10 bytes is too short for a 3-dimensional IDX header (16 bytes)`), second.message);
});

test('truncated: less data than the header promises (plain and gzip)', (t) => {
  const plain = failure(t, full.slice(0, full.length - 100));
  assert.ok(plain.message.startsWith(`${plain.imagesPath}: truncated: the header promises 3 x 28 x 28 = 2352 bytes of data, the file has 2252`), plain.message);
  const gzip = failure(t, full.slice(0, full.length - 1), { gzip: true });
  assert.ok(gzip.imagesPath.endsWith('.gz'));
  assert.ok(gzip.message.startsWith(`${gzip.imagesPath}: truncated:`) && gzip.message.includes('the file has 2351'), gzip.message);
});

test('truncated: a gzip stream cut off mid-way', (t) => {
  const tmp = tempRoot();
  t.after(tmp.cleanup);
  const whole = tempRoot();
  t.after(whole.cleanup);
  const gz = readFileSync(whole.write(TRAIN_IMAGES, full, true));
  const path = tmp.write(`${TRAIN_IMAGES}.gz`, gz.subarray(0, gz.length >> 1));
  tmp.write(TRAIN_LABELS, idxBytes(IDX_LABELS_MAGIC, [3], new Uint8Array(3)));
  assert.throws(() => new MNIST({ root: tmp.root }), (e: Error) => e.message.startsWith(`${path}: truncated or corrupt gzip data`));
});

test('size mismatch: more data than the header promises', (t) => {
  const { message, imagesPath } = failure(t, idxBytes(IDX_IMAGES_MAGIC, [3, 28, 28], new Uint8Array(3 * 784 + 5)));
  assert.ok(message.startsWith(`${imagesPath}: size mismatch:`) && message.includes('5 more'), message);
});

test('count mismatch between images and labels names both files', (t) => {
  const { message, imagesPath, labelsPath } = failure(t, full, { gzip: true, labels: idxBytes(IDX_LABELS_MAGIC, [2], new Uint8Array(2)) });
  assert.ok(message.includes('count mismatch') && message.includes(`${imagesPath} has 3 images`) && message.includes(`${labelsPath} has 2 labels`), message);
});

test('a label outside the classes is corrupt', (t) => {
  const { message, labelsPath } = failure(t, full, { labels: idxBytes(IDX_LABELS_MAGIC, [3], Uint8Array.from([1, 10, 2])) });
  assert.ok(message.startsWith(`${labelsPath}: corrupt: label 10 at index 1`), message);
});
