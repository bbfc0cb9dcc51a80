// Resize, CenterCrop, Pad, RandomResizedCrop, ColorJitter and GaussianBlur: small hand-checked
// results, what they draw, specs for worker threads, and errors that name the transform and the
// argument. Their agreement with torchvision is in transforms_golden.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CenterCrop, ColorJitter, Compose, GaussianBlur, Generator, Pad, RandomResizedCrop, Resize, functional as F,
  transformFromSpec, type Image, type Transform,
} from '../../../src/vision/transforms/index.js';
import { fixtureImage } from './transform_goldens.js';

const u8 = (data: number[], channels: number, height: number, width: number): Image<Uint8Array> => ({ data: Uint8Array.from(data), channels, height, width });

test('resize: the smaller edge keeps the aspect ratio, maxSize caps the longer one, nearest copies', () => {
  const img = fixtureImage('rgb9x16');
  assert.deepEqual(F.resizedOutputSize(9, 16, 6), [6, 10]);
  assert.deepEqual(F.resizedOutputSize(16, 9, [6]), [10, 6]);
  assert.deepEqual(F.resizedOutputSize(9, 16, 6, 8), [4, 8]);
  assert.deepEqual(F.resizedOutputSize(9, 16, [5, 7]), [5, 7]);
  const out = new Resize(6).forward(img);
  assert.deepEqual([out.channels, out.height, out.width], [3, 6, 10]);
  assert.equal(new Resize([9, 16]).forward(img), img, 'an image of the target size is returned as is');
  assert.deepEqual(Array.from(F.resize(u8([1, 2], 1, 1, 2), [1, 4], { interpolation: 'nearest' }).data), [1, 1, 2, 2]);
  // Bilinear doubling of [0, 100]: source positions -0.25 (clamped), 0.25, 0.75, 1.25 -> 0, 25, 75, 100.
  assert.deepEqual(Array.from(F.resize(u8([0, 100], 1, 1, 2), [1, 4]).data), [0, 25, 75, 100]);
});

test('centerCrop and Pad: the centre window, zero padding when the crop is larger, fills and modes', () => {
  const img = u8([1, 2, 3, 4, 5, 6, 7, 8], 1, 2, 4);
  assert.deepEqual(Array.from(new CenterCrop([2, 2]).forward(img).data), [2, 3, 6, 7]);
  // 2 x 4 -> 3 x 5: padding (d // 2, (d + 1) // 2) puts the single row and column at the bottom and right.
  assert.deepEqual(Array.from(F.centerCrop(img, [3, 5]).data), [1, 2, 3, 4, 0, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(new Pad([1, 0], { fill: 9 }).forward(img).data), [9, 1, 2, 3, 4, 9, 9, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(new Pad([2, 0], { paddingMode: 'reflect' }).forward(u8([1, 2, 3, 4], 1, 1, 4)).data), [3, 2, 1, 2, 3, 4, 3, 2]);
  assert.deepEqual(Array.from(new Pad([2, 0], { paddingMode: 'symmetric' }).forward(u8([1, 2, 3, 4], 1, 1, 4)).data), [2, 1, 1, 2, 3, 4, 4, 3]);
  assert.throws(() => new Pad(4, { paddingMode: 'reflect' }).forward(u8([1, 2, 3, 4], 1, 1, 4)), /reflect padding .* must be smaller than the image/);
});

test('ColorJitter draws randperm(4) even when every jitter is off; GaussianBlur draws sigma even when fixed', () => {
  const img = fixtureImage('rgb13x11');
  const g = new Generator(5);
  const ref = new Generator(5);
  assert.equal(new ColorJitter().forward(img, g), img);
  ref.randperm(4);
  assert.equal(g.random(), ref.random());
  const blurred = new GaussianBlur(3, { sigma: 1 }).forward(img, g);
  ref.uniform(1, 1);
  assert.equal(g.random(), ref.random());
  assert.deepEqual(blurred.data, F.gaussianBlur(img, 3, 1).data);
  // Grayscale images keep their hue and saturation, as in torchvision.
  const gray = fixtureImage('gray11x7');
  assert.equal(F.adjustHue(gray, 0.3), gray);
  assert.deepEqual(new ColorJitter({ hue: 0.5, saturation: 0.9 }).forward(gray, new Generator(0)).data, gray.data);
});

test('RandomResizedCrop falls back to the centre crop closest to the ratio when ten tries fail', () => {
  const img = fixtureImage('rgb9x16');
  // Areas over 90% at ratios 3..4 cannot fit a 9 x 16 image: fallback to the full width, height round(16 / 3).
  assert.deepEqual(RandomResizedCrop.getParams(img, [0.9, 1], [3, 4], new Generator(0)), [2, 0, 5, 16]);
  assert.deepEqual(RandomResizedCrop.getParams(img, [0.9, 1], [0.1, 0.2], new Generator(0)), [0, 7, 9, 2]);
  const out = new RandomResizedCrop([4, 6]).forward(img, new Generator(1));
  assert.deepEqual([out.channels, out.height, out.width], [3, 4, 6]);
});

test('the new transforms rebuild from their specs (as in a worker) and behave identically', async () => {
  const pipeline = new Compose<Image, Image>([
    new Resize(12, { maxSize: 20 }), new CenterCrop([10, 9]), new Pad([1, 2], { paddingMode: 'edge' }),
    new RandomResizedCrop(8, { scale: [0.3, 1], interpolation: 'nearest' }), new ColorJitter({ brightness: 0.3, contrast: [0.5, 1.5], hue: 0.2 }),
    new GaussianBlur([3, 5], { sigma: [0.2, 1.5] }),
  ]);
  const rebuilt = (await transformFromSpec(structuredClone(pipeline.toSpec()))) as Transform<Image, Image>;
  const run = (t: Transform<Image, Image>) => {
    const g = new Generator(11);
    return ['rgb13x11', 'rgb9x16', 'noise9x13'].map((name) => t.forward(fixtureImage(name), g));
  };
  assert.deepEqual(run(rebuilt), run(pipeline));
  const jitter = (await transformFromSpec(new ColorJitter({ saturation: 0.5 }).toSpec())) as ColorJitter;
  assert.deepEqual([jitter.brightness, jitter.saturation], [null, [0.5, 1.5]]);
});

test('bad arguments throw TypeError or RangeError naming the transform and the argument', () => {
  const cases: [() => unknown, ErrorConstructor, RegExp][] = [
    [() => new Resize(0), RangeError, /Resize: size must be positive, got 0/],
    [() => new Resize(2.5), TypeError, /Resize: size must be an integer/],
    [() => new Resize([2, 3, 4] as unknown as [number, number]), TypeError, /Resize: size/],
    [() => new Resize([4, 5], { maxSize: 10 }), TypeError, /Resize: maxSize applies only when size is the smaller edge/],
    [() => new Resize(8, { maxSize: 8 }), RangeError, /Resize: maxSize \(8\) must be larger/],
    [() => new Resize(8, { interpolation: 'bicubic' as 'nearest' }), TypeError, /Resize: interpolation must be 'nearest' or 'bilinear'/],
    [() => new Resize(8, { antialias: true }), TypeError, /Resize: antialias/],
    [() => new CenterCrop(0), RangeError, /CenterCrop: size must be positive/],
    [() => new CenterCrop([1, 2, 3] as unknown as [number, number]), TypeError, /CenterCrop: size/],
    [() => new Pad([1, 2, 3]), TypeError, /Pad: padding must be an integer or 1, 2 or 4 integers/],
    [() => new Pad(1, { paddingMode: 'wrap' as 'edge' }), TypeError, /Pad: paddingMode/],
    [() => new Pad(1, { fill: 'red' as unknown as number }), TypeError, /Pad: fill/],
    [() => new RandomResizedCrop(0), RangeError, /RandomResizedCrop: size must be positive/],
    [() => new RandomResizedCrop(8, { scale: [0.9, 0.1] }), RangeError, /RandomResizedCrop: scale must be \[min, max\] with min <= max/],
    [() => new RandomResizedCrop(8, { ratio: [0, 1] }), RangeError, /RandomResizedCrop: ratio must be positive/],
    [() => new RandomResizedCrop(8, { interpolation: 'area' as 'nearest' }), TypeError, /RandomResizedCrop: interpolation/],
    [() => new ColorJitter({ hue: 0.7 }), RangeError, /ColorJitter: hue must give a range \[min, max\] within \[-0.5, 0.5\], got 0.7/],
    [() => new ColorJitter({ hue: [-0.6, 0.1] }), RangeError, /ColorJitter: hue/],
    [() => new ColorJitter({ brightness: -1 }), RangeError, /ColorJitter: brightness must be non-negative/],
    [() => new ColorJitter({ saturation: [2, 1] }), RangeError, /ColorJitter: saturation/],
    [() => new ColorJitter({ contrast: 'high' as unknown as number }), TypeError, /ColorJitter: contrast must be a number or \[min, max\]/],
    [() => new GaussianBlur(4), RangeError, /GaussianBlur: kernelSize values must be odd and positive/],
    [() => new GaussianBlur('3' as unknown as number), TypeError, /GaussianBlur: kernelSize/],
    [() => new GaussianBlur(3, { sigma: 0 }), RangeError, /GaussianBlur: sigma must be positive/],
    [() => new GaussianBlur(3, { sigma: [2, 1] }), RangeError, /GaussianBlur: sigma must be \[min, max\] with 0 < min <= max/],
    [() => F.resize(fixtureImage('gray11x7'), 0), RangeError, /resize: size must be positive/],
    [() => F.adjustHue(fixtureImage('rgb13x11'), 0.6), RangeError, /adjustHue: hueFactor must be in \[-0.5, 0.5\], got 0.6/],
    [() => F.gaussianBlur(fixtureImage('gray11x7'), 15), RangeError, /gaussianBlur: kernel 15 x 15 needs reflect padding/],
    [() => F.centerCrop(fixtureImage('gray11x7'), -3), TypeError, /centerCrop: outputSize/],
  ];
  for (const [fn, type, message] of cases) assert.throws(fn, (e: unknown) => e instanceof type && message.test((e as Error).message), `expected ${type.name} ${message}`);
});
