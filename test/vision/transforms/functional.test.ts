// The stateless kernels on tiny images whose results can be written out by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functional as F, type HWCImage, type Image } from '../../../src/vision/transforms/index.js';

const u8 = (data: number[], channels: number, height: number, width: number): Image<Uint8Array> => ({ data: Uint8Array.from(data), channels, height, width });
const row = (data: number[]) => u8(data, 1, 1, data.length);

test('toImage and toHWC: HWC bytes <-> CHW planes', () => {
  const hwc: HWCImage = { layout: 'HWC', data: Uint8Array.from([1, 2, 3, 4, 5, 6]), height: 1, width: 2, channels: 3 };
  const chw = F.toImage(hwc);
  assert.deepEqual(Array.from(chw.data), [1, 4, 2, 5, 3, 6]);
  assert.deepEqual(F.toHWC(chw), hwc);
  assert.throws(() => F.toImage({ ...hwc, data: new Uint8Array(5) }), /5 bytes do not make a 1 x 2 x 3 image/);
  // The word-at-a-time path (planes of a multiple of 4 pixels) and the byte path agree.
  for (const [h, w] of [[4, 8], [3, 5]]) {
    const big: HWCImage = { layout: 'HWC', data: Uint8Array.from({ length: h * w * 3 }, (_, i) => (i * 37 + 11) & 255), height: h, width: w, channels: 3 };
    const planes = F.toImage(big);
    for (let p = 0; p < h * w; p++) for (let c = 0; c < 3; c++) assert.equal(planes.data[c * h * w + p], big.data[p * 3 + c]);
    assert.deepEqual(F.toHWC(planes).data, big.data);
  }
});

test('kernels refuse HWC images and point to ToImage', () => {
  const hwc: HWCImage = { layout: 'HWC', data: new Uint8Array(12), height: 2, width: 2, channels: 3 };
  assert.throws(() => F.hflip(hwc as unknown as Image), /hflip: got an HWC image.*ToImage/);
  assert.throws(() => F.adjustBrightness(hwc as unknown as Image, 1.2), /ToImage/);
  assert.throws(() => F.posterize({ data: new Float32Array(4), channels: 1, height: 2, width: 2 }, 4), /only uint8/);
  assert.throws(() => F.hflip({ data: new Uint8Array(5), channels: 1, height: 2, width: 2 }), /data has 5 values, not a multiple of 1 x 2 x 2 = 4/);
});

test('hflip / vflip, also over a batch', () => {
  const img = u8([1, 2, 3, 4, 5, 6], 1, 2, 3);
  assert.deepEqual(Array.from(F.hflip(img).data), [3, 2, 1, 6, 5, 4]);
  assert.deepEqual(Array.from(F.vflip(img).data), [4, 5, 6, 1, 2, 3]);
  const batch = u8([1, 2, 3, 4, 5, 6, 7, 8], 1, 2, 2);
  assert.deepEqual(Array.from(F.hflip(batch).data), [2, 1, 4, 3, 6, 5, 8, 7]);
  assert.deepEqual(Array.from(img.data), [1, 2, 3, 4, 5, 6], 'inputs are never written');
});

test('pad: torchvision\'s four modes', () => {
  const r = row([1, 2, 3, 4]);
  const padded = (mode: F.PaddingMode) => Array.from(F.pad(r, [2, 0], { paddingMode: mode, fill: 9 }).data);
  assert.deepEqual(padded('constant'), [9, 9, 1, 2, 3, 4, 9, 9]);
  assert.deepEqual(padded('edge'), [1, 1, 1, 2, 3, 4, 4, 4]);
  assert.deepEqual(padded('reflect'), [3, 2, 1, 2, 3, 4, 3, 2]);
  assert.deepEqual(padded('symmetric'), [2, 1, 1, 2, 3, 4, 4, 3]);
  const sq = u8([1, 2, 3, 4], 1, 2, 2);
  assert.deepEqual(Array.from(F.pad(sq, 1, { paddingMode: 'reflect' }).data), [4, 3, 4, 3, 2, 1, 2, 1, 4, 3, 4, 3, 2, 1, 2, 1]);
  assert.deepEqual(Array.from(F.pad(r, [1, 0, -2, 0]).data), [0, 1, 2], 'negative padding crops');
  assert.throws(() => F.pad(r, [4, 0], { paddingMode: 'reflect' }), /reflect padding/);
  assert.throws(() => F.pad(r, 1, { fill: 300 }), /outside 0..255/);
  assert.deepEqual(Array.from(F.pad(u8([5, 6], 2, 1, 1), 1, { fill: [1, 2] }).data), [1, 1, 1, 1, 5, 1, 1, 1, 1, 2, 2, 2, 2, 6, 2, 2, 2, 2]);
});

test('crop: windows partly outside read zeros, as torchvision', () => {
  const img = u8([1, 2, 3, 4, 5, 6, 7, 8, 9], 1, 3, 3);
  assert.deepEqual(Array.from(F.crop(img, 1, 1, 2, 2).data), [5, 6, 8, 9]);
  assert.deepEqual(Array.from(F.crop(img, -1, 2, 2, 2).data), [0, 0, 3, 0]);
});

test('rotate by 90 degrees is a transpose-and-flip; expand grows the canvas', () => {
  const img = u8([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], 1, 4, 4);
  // Counter-clockwise: the right column becomes the top row.
  assert.deepEqual(Array.from(F.rotate(img, 90).data), [4, 8, 12, 16, 3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13]);
  const wide = u8(new Array(8).fill(7), 1, 2, 4);
  const r = F.rotate(wide, 90, { expand: true });
  assert.deepEqual([r.height, r.width], [4, 2]);
  assert.deepEqual(Array.from(r.data), new Array(8).fill(7));
  assert.throws(() => F.rotate(img, 10, { interpolation: 'bicubic' as 'nearest' }), /nearest' or 'bilinear/);
});

test('affine translate moves pixels and fills with 0 (or the fill)', () => {
  const img = u8([1, 2, 3, 4], 1, 1, 4);
  assert.deepEqual(Array.from(F.affine(img, { angle: 0, translate: [1, 0], scale: 1, shear: 0 }).data), [0, 1, 2, 3]);
  assert.deepEqual(Array.from(F.affine(img, { angle: 0, translate: [-2, 0], scale: 1, shear: 0, fill: 9 }).data), [3, 4, 9, 9]);
});

test('tone kernels on a ramp', () => {
  const ramp = row([0, 1, 100, 128, 200, 255]);
  assert.deepEqual(Array.from(F.invert(ramp).data), [255, 254, 155, 127, 55, 0]);
  assert.deepEqual(Array.from(F.posterize(ramp, 1).data), [0, 0, 0, 128, 128, 128]);
  assert.deepEqual(Array.from(F.posterize(ramp, 0).data), [0, 0, 0, 0, 0, 0]);
  assert.deepEqual(Array.from(F.solarize(ramp, 128).data), [0, 1, 100, 127, 55, 0]);
  assert.deepEqual(Array.from(F.autocontrast(row([50, 100, 150])).data), [0, 127, 255]);
  assert.deepEqual(Array.from(F.autocontrast(row([7, 7, 7])).data), [7, 7, 7], 'a flat channel is left alone');
  assert.throws(() => F.solarize(ramp, 256), /above the image's bound/);
  // Fewer than 255 pixels below the top level: step 0, the image is returned as is (PIL's rule).
  assert.deepEqual(Array.from(F.equalize(row([10, 10, 20, 30])).data), [10, 10, 20, 30]);
  // 256 pixels at 10, 255 at 20, 1 at 30: step (512 - 1) // 255 = 2, so lut = (cumsum before v + 1) // 2.
  const big = row([...new Array(256).fill(10), ...new Array(255).fill(20), 30]);
  assert.deepEqual(Array.from(new Set(F.equalize(big).data)), [0, 128, 255]);
});

test('colour kernels: factor 1 is the identity, 0 the degenerate image', () => {
  const img = u8([10, 200, 30, 40, 50, 250, 70, 80, 90, 100, 110, 120], 3, 2, 2);
  for (const k of [F.adjustBrightness, F.adjustSaturation, F.adjustContrast, F.adjustSharpness]) assert.deepEqual(k(img, 1).data, img.data);
  assert.deepEqual(Array.from(F.adjustBrightness(img, 0).data), new Array(12).fill(0));
  const gray = F.rgbToGrayscale(img);
  assert.equal(gray.channels, 1);
  const desat = F.adjustSaturation(img, 0);
  assert.deepEqual(Array.from(desat.data.subarray(0, 4)), Array.from(gray.data));
  assert.deepEqual(Array.from(desat.data.subarray(4, 8)), Array.from(gray.data));
  assert.throws(() => F.adjustBrightness(img, -0.1), /non-negative/);
});

test('toDtype, normalize, denormalize round trip', () => {
  const img = u8([0, 51, 255, 102], 2, 1, 2);
  const f = F.toDtype(img, 'float32', { scale: true });
  assert.deepEqual(Array.from(f.data), [0, 0.2, 1, 0.4].map(Math.fround));
  const n = F.normalize(f, [0.5, 0.25], [0.5, 0.5]);
  assert.deepEqual(Array.from(n.data).map((v) => +v.toFixed(6)), [-1, -0.6, 1.5, 0.3]);
  const back = F.toDtype(F.denormalize(n, [0.5, 0.25], [0.5, 0.5]), 'uint8', { scale: true });
  assert.deepEqual(back.data, img.data);
  assert.deepEqual(Array.from(F.toDtype(img, 'float32').data), [0, 51, 255, 102], 'without scale only the type changes');
  assert.throws(() => F.normalize(img, [0], [1]), /expects a float32 image/);
  assert.throws(() => F.normalize(f, [0, 0], [1, 0]), /zero/);
  // A batch: two 2-channel images.
  const batch = { data: new Float32Array([1, 1, 2, 2, 3, 3, 4, 4]), channels: 2, height: 1, width: 2 };
  assert.deepEqual(Array.from(F.normalize(batch, [1, 2], [1, 2]).data), [0, 0, 0, 0, 2, 2, 1, 1]);
});

test('erase: a value, one per channel, or per pixel', () => {
  const img = { data: new Float32Array(8).fill(1), channels: 2, height: 2, width: 2 };
  assert.deepEqual(Array.from(F.erase(img, 0, 1, 2, 1, 0).data), [1, 0, 1, 0, 1, 0, 1, 0]);
  assert.deepEqual(Array.from(F.erase(img, 1, 0, 1, 2, [5, 6]).data), [1, 1, 5, 5, 1, 1, 6, 6]);
  assert.equal(img.data[1], 1, 'a copy unless inplace');
  F.erase(img, 0, 0, 1, 1, 3, { inplace: true });
  assert.equal(img.data[0], 3);
  assert.throws(() => F.erase(img, 1, 1, 2, 2, 0), RangeError);
});
