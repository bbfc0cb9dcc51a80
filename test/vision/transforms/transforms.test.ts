// The transform classes: seeding, specs for worker threads, options and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AutoAugment, Compose, Generator, Lambda, Normalize, RandAugment, RandomCrop, RandomErasing, RandomHorizontalFlip, RandomVerticalFlip,
  ToDtype, ToImage, TrivialAugmentWide, manualSeed, transformFromSpec, type HWCImage, type Image, type Transform,
} from '../../../src/vision/transforms/index.js';
import { goldenImage } from './goldens.js';

const sample = (): HWCImage => ({ layout: 'HWC', data: Uint8Array.from({ length: 3072 }, (_, i) => (i * 7 + (i >> 6)) & 255), height: 32, width: 32, channels: 3 });

const pipeline = () => new Compose([
  new ToImage(), new RandomCrop(32, { padding: 4, paddingMode: 'reflect' }), new RandomHorizontalFlip(), new RandomVerticalFlip({ p: 0.2 }),
  new AutoAugment({ policy: 'cifar10' }), new RandAugment({ numOps: 1 }), new TrivialAugmentWide(),
  new ToDtype('float32', { scale: true }), new Normalize([0.5, 0.5, 0.5], [0.25, 0.25, 0.25]), new RandomErasing({ p: 0.7, value: 'random' }),
]);

function run(t: Transform, seed: number, n = 12): Image[] {
  const g = new Generator(seed);
  return Array.from({ length: n }, () => t.forward(sample(), g) as Image);
}

test('one seed fixes the whole pipeline; another seed changes it', () => {
  const a = run(pipeline(), 1);
  assert.deepEqual(run(pipeline(), 1), a);
  assert.notDeepEqual(run(pipeline(), 2), a);
  // The module's default generator, seeded with manualSeed, is the same stream.
  manualSeed(1);
  const t = pipeline();
  assert.deepEqual(Array.from({ length: 12 }, () => t.forward(sample())), a);
});

test('a transform rebuilt from its spec (as in a worker) behaves identically', async () => {
  const original = pipeline();
  const spec = structuredClone(original.toSpec());
  const rebuilt = await transformFromSpec(spec);
  assert.deepEqual(run(rebuilt, 3), run(original, 3));
  assert.throws(() => new Compose([new Lambda((x) => x)]).toSpec(), /Lambda transforms cannot run in DataLoader worker threads/);
  await assert.rejects(transformFromSpec({ module: import.meta.url, name: 'Nope' }), /exports no class Nope/);
});

test('RandomHorizontalFlip: p = 1 always, p = 0 never', () => {
  const img = goldenImage('structured32');
  const g = new Generator(0);
  assert.notDeepEqual(new RandomHorizontalFlip({ p: 1 }).forward(img, g).data, img.data);
  assert.equal(new RandomHorizontalFlip({ p: 0 }).forward(img, g), img);
  assert.throws(() => new RandomHorizontalFlip({ p: 2 }), RangeError);
});

test('RandomCrop: padIfNeeded, sizes, and errors', () => {
  const img = goldenImage('small12x10');
  const g = new Generator(0);
  const out = new RandomCrop([16, 14], { padIfNeeded: true }).forward(img, g);
  assert.deepEqual([out.height, out.width], [16, 14]);
  assert.throws(() => new RandomCrop(20).forward(img, g), /crop size 20 x 20 is larger than the \(padded\) image 12 x 10/);
  assert.throws(() => new RandomCrop(0), TypeError);
  assert.throws(() => new RandomCrop(8, { paddingMode: 'wrap' as 'edge' }), TypeError);
});

test('RandomErasing: p = 1 erases one rectangle with the value; invalid options throw', () => {
  const img: Image<Float32Array> = { data: new Float32Array(3 * 32 * 32).fill(1), channels: 3, height: 32, width: 32 };
  const out = new RandomErasing({ p: 1, value: [0, 0, 0] }).forward(img, new Generator(4));
  const zeros = Array.from(out.data).filter((v) => v === 0).length;
  assert.ok(zeros > 0 && zeros % 3 === 0 && zeros < 3 * 32 * 32 * 0.34, `${zeros} erased values`);
  assert.throws(() => new RandomErasing({ p: 1, value: [1, 2] }).forward(img, new Generator(0)), /value has 2 numbers; the image has 3 channels/);
  assert.throws(() => new RandomErasing({ scale: [0.5, 2] }), RangeError);
  assert.throws(() => new RandomErasing({ value: 'noise' as 'random' }), TypeError);
});

test('policy transforms: options and uint8 input', () => {
  assert.equal(new AutoAugment().policy, 'imagenet');
  assert.equal(new AutoAugment({ policy: 'SVHN' }).policy, 'svhn');
  assert.throws(() => new AutoAugment({ policy: 'mnist' as 'svhn' }), /policy must be one of/);
  assert.throws(() => new RandAugment({ magnitude: 31 }), /magnitude must be a bin in 0..30/);
  assert.throws(() => new TrivialAugmentWide({ interpolation: 'bicubic' as 'nearest' }), /interpolation/);
  const f = { data: new Float32Array(3 * 4 * 4), channels: 3, height: 4, width: 4 };
  assert.throws(() => new AutoAugment().forward(f), /expects a uint8 image/);
  const tv = new AutoAugment({ fill: [1, 2, 3] });
  assert.deepEqual(tv.toSpec().options, { policy: 'imagenet', interpolation: 'nearest', fill: [1, 2, 3] });
});

test('Compose fuses ToDtype(float32, scale) + Normalize into one table lookup with the same floats', () => {
  const img = goldenImage('natural32');
  const mean = [0.4914, 0.4822, 0.4465];
  const std = [0.247, 0.2435, 0.2616];
  const fused = new Compose([new ToDtype('float32', { scale: true }), new Normalize(mean, std)]).forward(img) as Image;
  const steps = new Normalize(mean, std).forward(new ToDtype('float32', { scale: true }).forward(img));
  assert.deepEqual(fused.data, steps.data);
  // On float input the pair still works (as two steps).
  const f = new ToDtype('float32').forward(img);
  assert.deepEqual((new Compose([new ToDtype('float32', { scale: true }), new Normalize(mean, std)]).forward(f) as Image).data, new Normalize(mean, std).forward(f).data);
});

test('ToDtype and Normalize validate their arguments', () => {
  assert.throws(() => new ToDtype('float64' as 'float32'), TypeError);
  assert.throws(() => new Normalize([0.5], [0.5, 0.5]), TypeError);
  assert.throws(() => new Normalize([0.5], [0]), RangeError);
  assert.throws(() => new Compose([{} as Transform]), TypeError);
});
