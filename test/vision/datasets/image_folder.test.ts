// ImageFolder on folders of PNGs (and a JPEG) that the tests write: torchvision's class order and
// labels, exact pixels, RGB / grayscale conversion, one size for all, and batches through the
// DataLoader in this thread and in a worker.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { data, torch, vision } from '../../../src/index.js';

/** A w x h RGBA image whose pixel (x, y) is (seed + x, seed + y, seed + x + y, alpha). */
function rgba(w: number, h: number, seed: number, alpha = 255): Buffer {
  const buf = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) buf.set([(seed + x) & 255, (seed + y) & 255, (seed + x + y) & 255, alpha], 4 * (y * w + x));
  }
  return buf;
}

function writePng(path: string, w: number, h: number, seed: number, alpha = 255): void {
  const png = new PNG({ width: w, height: h });
  png.data = rgba(w, h, seed, alpha);
  writeFileSync(path, PNG.sync.write(png));
}

// root/<class>/<file>: 'cat' 3 images (one in a sub-folder), 'ant' 2, 'bee' 1; plus files to ignore.
function folder(): string {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-imagefolder-'));
  for (const cls of ['cat', 'ant', 'bee']) mkdirSync(join(root, cls));
  mkdirSync(join(root, 'cat', 'more'));
  writePng(join(root, 'cat', 'b.png'), 4, 3, 10);
  writePng(join(root, 'cat', 'a.PNG'), 4, 3, 20, 128);
  writePng(join(root, 'cat', 'more', 'c.png'), 4, 3, 30);
  writePng(join(root, 'ant', 'x.png'), 4, 3, 40);
  writePng(join(root, 'ant', 'y.png'), 8, 6, 50); // another size: resized to the first image's
  writeFileSync(join(root, 'bee', 'z.jpg'), jpeg.encode({ data: rgba(4, 3, 60), width: 4, height: 3 }, 100).data);
  writeFileSync(join(root, 'bee', 'notes.txt'), 'not an image');
  writeFileSync(join(root, 'README'), 'not a class');
  return root;
}

test('ImageFolder: sorted class folders, files in walk order, exact PNG pixels, alpha dropped', () => {
  const root = folder();
  const ds = new vision.datasets.ImageFolder({ root });
  assert.deepEqual(ds.classes, ['ant', 'bee', 'cat']);
  assert.deepEqual(ds.classToIdx, { ant: 0, bee: 1, cat: 2 });
  assert.deepEqual(ds.samples.map(([p, l]) => [p.slice(root.length + 1), l]), [
    ['ant/x.png', 0], ['ant/y.png', 0], ['bee/z.jpg', 1], ['cat/a.PNG', 2], ['cat/b.png', 2], ['cat/more/c.png', 2],
  ]);
  assert.deepEqual(ds.targets, [0, 0, 1, 2, 2, 2]);
  assert.deepEqual([ds.length, ds.height, ds.width, ds.channels], [6, 3, 4, 3]);
  assert.ok(ds.images.buffer instanceof SharedArrayBuffer);
  const { image, label } = ds.get(3); // cat/a.PNG, seed 20, half transparent
  assert.equal(label, 2);
  assert.deepEqual(Array.from(image.subarray(0, 6)), [20, 20, 20, 21, 20, 21]);
  const jpg = ds.get(2).image; // lossy, but close to (60 + x, 60 + y, 60 + x + y)
  assert.ok(Math.abs(jpg[0] - 60) <= 3 && Math.abs(jpg[3 * 5 + 2] - 62) <= 3, `${jpg.subarray(0, 6)}`);
});

test('ImageFolder: grayscale as PIL\'s convert("L"), and an explicit size', () => {
  const root = folder();
  const gray = new vision.datasets.ImageFolder({ root, channels: 1 });
  assert.equal(gray.channels, 1);
  // cat/b.png pixel (1, 0) is RGB (11, 10, 11): (11 * 19595 + 10 * 38470 + 11 * 7471 + 32768) >> 16 = 10.
  assert.equal(gray.get(4).image[1], 10);
  const small = new vision.datasets.ImageFolder({ root, size: [2, 2] });
  assert.deepEqual([small.height, small.width], [2, 2]);
  assert.equal(small.get(0).image.length, 12);
});

test('ImageFolder: an empty class and an undecodable file are errors that name them', () => {
  const root = folder();
  mkdirSync(join(root, 'dog'));
  assert.throws(() => new vision.datasets.ImageFolder({ root }), /found no valid file for the classes dog/);
  const broken = folder();
  writeFileSync(join(broken, 'ant', 'broken.png'), 'this is no png');
  assert.throws(() => new vision.datasets.ImageFolder({ root: broken }), /broken\.png is neither a PNG nor a JPEG/);
});

test('ImageFolder through the DataLoader: [images, labels] tensors, the same with a worker', async () => {
  const ds = new vision.datasets.ImageFolder({ root: folder() });
  const batches: number[][] = [];
  for (const numWorkers of [0, 1]) {
    const loader = new data.DataLoader(ds, { batchSize: 6, shuffle: true, seed: 1, numWorkers });
    for await (const [images, labels] of loader) {
      assert.deepEqual(images.shape, [6, 3, 3, 4]);
      batches.push([...(images.toTypedArray() as Float32Array).subarray(0, 12), ...Array.from(labels.toTypedArray() as BigInt64Array, Number)]);
      torch.dispose([images, labels]);
    }
  }
  assert.deepEqual(batches[0], batches[1]);
});
