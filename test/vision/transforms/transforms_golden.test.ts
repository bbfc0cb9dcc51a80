// Resize, crops, Pad, ColorJitter (and its brightness, contrast and saturation kernels) and
// GaussianBlur against torchvision 0.14 on uint8 and float32 tensors (test/fixtures/transforms.json, written by scripts/goldens/transforms.py).
//
// Tolerance: none, for every kernel and dtype (uint8 bytes and float32 bits). Crops, pads and
// nearest resizing copy values. Bilinear resizing replays libtorch's float64 source index and
// float32 weights, and its two kernels: the NCHW one (each pair of taps t0 * w0 + t1 * w1 one FMA,
// as GCC contracts it in the AVX2 build) and the channels-last one that 1-channel images take
// (four float32 weights, the sum in float64); uint8 results are then torch.round-ed (half to
// even). adjust_hue is one float32 rounding per tensor op of _rgb2hsv / _hsv2rgb; a float32
// image's contrast mean adds its lumas in libtorch's cascade order. gaussian_blur
// replays Sleef's expf and libtorch's summation order for the 1-D kernels, and for the 2-D
// convolution the row-major float32 accumulation of oneDNN (FMAs) or of the native path (none),
// chosen by libtorch's own rule. A tolerance would hide a wrong rounding rule, so there is none;
// what these replays rely on (the AVX2 kernels of an x86-64 build) is said where they are written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ColorJitter, Compose, GaussianBlur, Generator, RandomCrop, RandomHorizontalFlip, RandomResizedCrop,
  functional as F, type Image, type Transform,
} from '../../../src/vision/transforms/index.js';
import { diff } from './goldens.js';
import { type KernelCase, fixture, fixtureImage, sha256, values } from './transform_goldens.js';

test('fixture comes from torchvision 0.14', () => {
  assert.match(fixture.torchvision, /^0\.14/);
});

test('1-D Gaussian kernels equal torchvision\'s float32 weights bit for bit', () => {
  assert.ok(fixture.kernels.length > 100);
  for (const { size, sigma, values: want } of fixture.kernels) {
    assert.deepEqual(Array.from(F.gaussianKernel1d(size, sigma)), want, `kernel ${size}, sigma ${sigma}`);
  }
});

type Args = Record<string, never>;

function runKernel(c: KernelCase): Image {
  const img = fixtureImage(c.image, c.dtype);
  const a = c.args as Args;
  switch (c.fn) {
    case 'resize': return F.resize(img, a.size, { interpolation: a.interpolation, maxSize: a.maxSize ?? null });
    case 'centerCrop': return F.centerCrop(img, a.size);
    case 'resizedCrop': return F.resizedCrop(img, a.top, a.left, a.height, a.width, a.size, { interpolation: a.interpolation });
    case 'pad': return F.pad(img, a.padding, { fill: a.fill, paddingMode: a.paddingMode });
    case 'adjustHue': return F.adjustHue(img, a.factor);
    case 'gaussianBlur': return F.gaussianBlur(img, a.kernelSize, a.sigma);
    case 'adjustBrightness': return F.adjustBrightness(img, a.factor);
    case 'adjustContrast': return F.adjustContrast(img, a.factor);
    case 'adjustSaturation': return F.adjustSaturation(img, a.factor);
  }
}

function checkShape(out: Image, shape: [number, number, number], what: string): void {
  assert.deepEqual([out.channels, out.height, out.width], shape, `${what}: shape`);
}

for (const fn of ['resize', 'centerCrop', 'resizedCrop', 'pad', 'adjustHue', 'gaussianBlur', 'adjustBrightness', 'adjustContrast', 'adjustSaturation'] as const) {
  test(`${fn}: every case equals torchvision exactly (uint8 bytes, float32 bits)`, () => {
    const cases = fixture.functional.filter((c) => c.fn === fn);
    assert.ok(cases.length >= 20, `${cases.length} cases`);
    for (const c of cases) {
      const what = `${c.fn}(${JSON.stringify(c.args)}) on ${c.image} ${c.dtype}`;
      const out = runKernel(c);
      checkShape(out, c.shape, what);
      assert.equal(out.data instanceof Uint8Array, c.dtype === 'uint8', `${what}: dtype`);
      if (c.output !== undefined) {
        const d = diff(out.data, values(c.output, c.dtype));
        assert.equal(d.count, 0, `${what}: ${d.count} values differ (max ${d.max}, first at ${d.first})`);
      } else {
        assert.equal(sha256(out.data), c.sha256, `${what}: output differs from torchvision's`);
      }
    }
  });
}

function randomTransform(name: string, args: unknown[]): Transform<Image, Image> {
  const [a, b] = args as [never, never];
  switch (name) {
    case 'RandomCrop': return new RandomCrop(a, b);
    case 'RandomResizedCrop': return new RandomResizedCrop(a, b);
    case 'ColorJitter': return new ColorJitter(a);
    case 'GaussianBlur': return new GaussianBlur(a, b);
    case 'Compose': return new Compose<Image, Image>([new RandomResizedCrop(8), new RandomHorizontalFlip(), new ColorJitter({ brightness: 0.4, contrast: 0.4, saturation: 0.4, hue: 0.1 })]);
    default: throw new Error(`no transform ${name}`);
  }
}

// The parameters forward() draws, replayed with the classes' getParams from a fresh generator.
function replayParams(t: Transform<Image, Image>, img: Image, g: Generator): unknown {
  if (t instanceof RandomCrop) {
    const opts = { fill: t.fill, paddingMode: t.paddingMode };
    let x = t.padding !== null ? F.pad(img, t.padding, opts) : img;
    if (t.padIfNeeded && x.width < t.size[1]) x = F.pad(x, [t.size[1] - x.width, 0], opts);
    if (t.padIfNeeded && x.height < t.size[0]) x = F.pad(x, [0, t.size[0] - x.height], opts);
    return RandomCrop.getParams(x, t.size, g);
  }
  if (t instanceof RandomResizedCrop) return RandomResizedCrop.getParams(img, t.scale, t.ratio, g);
  if (t instanceof GaussianBlur) return [GaussianBlur.getParams(t.sigma[0], t.sigma[1], g)];
  if (t instanceof ColorJitter) {
    const p = ColorJitter.getParams(t.brightness, t.contrast, t.saturation, t.hue, g);
    return { ...p, order: Array.from(p.order) };
  }
  return null;
}

test('seeded random transforms draw torchvision\'s parameters and give its outputs exactly', () => {
  const names = new Set<string>();
  for (const c of fixture.random) {
    names.add(c.name);
    const what = `${c.name}(${JSON.stringify(c.args)}) ${c.dtype} seed ${c.seed}`;
    const t = randomTransform(c.name, c.args);
    if (c.params !== null) {
      const g = new Generator(c.seed);
      c.inputs.forEach((input, k) => assert.deepEqual(replayParams(t, fixtureImage(input, c.dtype), g), c.params![k], `${what} #${k} on ${input}: parameters`));
    }
    // torch.manual_seed(s) then one call per image; our Generator(s) draws the same numbers.
    const g = new Generator(c.seed);
    c.inputs.forEach((input, k) => {
      const out = t.forward(fixtureImage(input, c.dtype), g);
      checkShape(out, c.outputs[k].shape, `${what} #${k}`);
      assert.equal(sha256(out.data), c.outputs[k].sha256, `${what} #${k} on ${input}: output differs from torchvision's`);
    });
  }
  assert.deepEqual([...names].sort(), ['ColorJitter', 'Compose', 'GaussianBlur', 'RandomCrop', 'RandomResizedCrop']);
  assert.ok(fixture.random.filter((c) => c.dtype === 'float32').length >= 24, 'float32 runs');
});
