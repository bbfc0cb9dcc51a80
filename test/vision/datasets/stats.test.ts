// channelStats, labelHistogram, SyntheticImages and ImageArrayDataset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FashionMNIST, ImageArrayDataset, SyntheticImages, channelStats, labelHistogram } from '../../../src/vision/datasets/index.js';

test('channelStats: per-channel mean and population std on the [0, 1] scale', () => {
  // Two 1x2 RGB images: R = 0, 255, 0, 255; G = 51 everywhere; B = 0, 0, 0, 102.
  const images = Uint8Array.from([0, 51, 0, 255, 51, 0, 0, 51, 0, 255, 51, 102]);
  const ds = new ImageArrayDataset({ images, labels: Uint8Array.of(0, 1), height: 1, width: 2, channels: 3, classes: ['a', 'b'] });
  const { mean, std } = channelStats(ds);
  assert.deepEqual(mean.map((m) => +m.toFixed(12)), [0.5, 0.2, 0.1]);
  assert.deepEqual(std.map((s) => +s.toFixed(12)), [0.5, 0, +(Math.sqrt(3) * 0.1).toFixed(12)]);
});

test('Fashion-MNIST (Debian package): the well-known training statistics and 6,000 images per class', () => {
  const train = new FashionMNIST();
  const { mean, std } = channelStats(train);
  assert.ok(Math.abs(mean[0] - 0.2860) < 5e-4, `mean ${mean[0]}`);
  assert.ok(Math.abs(std[0] - 0.3530) < 5e-4, `std ${std[0]}`);
  assert.deepEqual(labelHistogram(train), new Array(10).fill(6000));
  assert.deepEqual(labelHistogram(new FashionMNIST({ train: false })), new Array(10).fill(1000));
});

test('SyntheticImages: deterministic per seed, balanced, class-dependent, in shared memory', () => {
  const a = new SyntheticImages({ length: 100, seed: 7 });
  const b = new SyntheticImages({ length: 100, seed: 7 });
  const c = new SyntheticImages({ length: 100, seed: 8 });
  assert.deepEqual(a.images, b.images);
  assert.deepEqual(a.labels, b.labels);
  assert.notDeepEqual(a.images, c.images);
  assert.deepEqual(labelHistogram(a), new Array(10).fill(10));
  assert.deepEqual([a.length, a.height, a.width, a.channels, a.classes.length], [100, 32, 32, 3, 10]);
  assert.ok(a.images.buffer instanceof SharedArrayBuffer);
  // Mean colour differs between classes more than within one: the task is learnable.
  const meanRGB = (i: number) => [0, 1, 2].map((ch) => {
    let s = 0;
    for (let p = 0; p < 1024; p++) s += a.images[i * 3072 + p * 3 + ch];
    return s / 1024;
  });
  const byClass = (l: number) => Array.from(a.labels).map((x, i) => [x, i]).filter(([x]) => x === l).map(([, i]) => meanRGB(i));
  const dist = (p: number[], q: number[]) => Math.hypot(...p.map((v, k) => v - q[k]));
  const [c0, c5] = [byClass(0), byClass(5)];
  assert.ok(dist(c0[0], c5[0]) > 2 * dist(c0[0], c0[1]));
  const many = new SyntheticImages({ length: 600, height: 2, width: 2, numClasses: 300 });
  assert.equal(Math.max(...many.labels), 299, 'more than 256 classes: labels are Int32');
  assert.throws(() => new SyntheticImages({ length: -1 }), TypeError);
});

test('ImageArrayDataset checks its arrays', () => {
  const ok = { images: new Uint8Array(8), labels: Uint8Array.of(0, 1), height: 2, width: 2, channels: 1, classes: ['a', 'b'] };
  assert.equal(new ImageArrayDataset(ok).length, 2);
  assert.throws(() => new ImageArrayDataset({ ...ok, images: new Uint8Array(7) }), /2 labels need 2 x 2 x 2 x 1 = 8 image bytes, got 7/);
  assert.throws(() => new ImageArrayDataset({ ...ok, labels: Uint8Array.of(0, 2) }), /label 2 at index 1/);
  assert.throws(() => labelHistogram({ ...new ImageArrayDataset(ok), labels: Uint8Array.of(0, 5), classes: ['a'] } as never), RangeError);
});
