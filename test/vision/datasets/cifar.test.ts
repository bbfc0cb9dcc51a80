// CIFAR-10/100 readers on small files the tests write in both official formats.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CIFAR10, CIFAR100 } from '../../../src/vision/datasets/index.js';
import { CIFAR10_NAMES, cifar100Files, cifar10Files, py2Pickle } from './cifar_files.js';

function writeTree(files: Record<string, Uint8Array>): { root: string; cleanup: () => void } {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-cifar-'));
  for (const [path, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), data);
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

for (const format of ['python', 'binary'] as const) {
  test(`CIFAR10 reads the ${format} version: HWC images, labels, class names`, (t) => {
    const { files, train, test: testSplit } = cifar10Files(format);
    const { root, cleanup } = writeTree(files);
    t.after(cleanup);
    const ds = new CIFAR10({ root });
    assert.equal(ds.format, format);
    assert.equal(ds.length, 10);
    assert.deepEqual([ds.height, ds.width, ds.channels], [32, 32, 3]);
    assert.deepEqual(ds.classes, CIFAR10_NAMES);
    assert.deepEqual(Array.from(ds.labels), train.labels);
    assert.ok(Buffer.from(ds.images).equals(Buffer.from(train.hwc)), 'images transposed from CHW planes to HWC');
    assert.ok(ds.images.buffer instanceof SharedArrayBuffer, 'images live in shared memory for DataLoader workers');
    const sample = ds.get(3);
    assert.equal(sample.label, train.labels[3]);
    assert.deepEqual(sample.image, Uint8Array.from(train.hwc.subarray(3 * 3072, 4 * 3072)));
    const testDs = new CIFAR10({ root, train: false });
    assert.equal(testDs.length, 3);
    assert.deepEqual(Array.from(testDs.labels), testSplit.labels);
    assert.ok(Buffer.from(testDs.images).equals(Buffer.from(testSplit.hwc)));
  });

  test(`CIFAR100 reads the ${format} version: fine labels (as torchvision), coarse labels, both name lists`, (t) => {
    const data = cifar100Files(format);
    const { root, cleanup } = writeTree(data.files);
    t.after(cleanup);
    for (const train of [true, false]) {
      const ds = new CIFAR100({ root, train });
      assert.equal(ds.length, 4);
      assert.deepEqual(Array.from(ds.labels), data.fine);
      assert.deepEqual(Array.from(ds.coarseLabels), data.coarse);
      assert.equal(ds.classes.length, 100);
      assert.deepEqual(ds.classes, data.fineNames);
      assert.deepEqual(ds.coarseClasses, data.coarseNames);
      assert.ok(Buffer.from(ds.images).equals(Buffer.from(data.hwc)));
    }
  });
}

test('format: auto prefers the python version (torchvision\'s folder); a format can be forced', (t) => {
  const py = cifar10Files('python');
  const bin = cifar10Files('binary');
  const { root, cleanup } = writeTree({ ...py.files, ...bin.files });
  t.after(cleanup);
  assert.equal(new CIFAR10({ root }).format, 'python');
  const b = new CIFAR10({ root, format: 'binary' });
  assert.equal(b.format, 'binary');
  assert.ok(Buffer.from(b.images).equals(Buffer.from(new CIFAR10({ root }).images)), 'both versions hold the same images');
});

test('missing files: the error lists what is missing and how to download', (t) => {
  const { root, cleanup } = writeTree({});
  t.after(cleanup);
  assert.throws(() => new CIFAR10({ root }), (e: Error) =>
    e.message.startsWith(`CIFAR10: no complete copy in ${root}`) && e.message.includes(join(root, 'cifar-10-batches-py', 'data_batch_1')) &&
    e.message.includes('download: true') && e.message.includes('cifar-10-batches-bin'));
  const { files } = cifar10Files('python');
  delete files['cifar-10-batches-py/data_batch_4'];
  const partial = writeTree(files);
  t.after(partial.cleanup);
  assert.throws(() => new CIFAR10({ root: partial.root, format: 'python' }), (e: Error) => e.message.includes('data_batch_4') && !e.message.includes('data_batch_3'));
});

test('a truncated binary batch names the file and the record arithmetic', (t) => {
  const { files } = cifar10Files('binary');
  const name = 'cifar-10-batches-bin/data_batch_2.bin';
  files[name] = files[name].subarray(0, files[name].length - 100);
  const { root, cleanup } = writeTree(files);
  t.after(cleanup);
  assert.throws(() => new CIFAR10({ root }), (e: Error) =>
    e.message.startsWith(`${join(root, name)}: truncated or corrupt: 6046 bytes is not a whole number of 3073-byte records`));
});

test('a truncated pickle names the file', (t) => {
  const { files } = cifar10Files('python');
  const name = 'cifar-10-batches-py/data_batch_3';
  files[name] = files[name].subarray(0, 3000);
  const { root, cleanup } = writeTree(files);
  t.after(cleanup);
  assert.throws(() => new CIFAR10({ root }), (e: Error) => e.message.startsWith(`${join(root, name)}: truncated or corrupt pickle`));
});

test('labels outside the classes and inconsistent batches are corrupt', (t) => {
  const bin = cifar10Files('binary');
  const name = 'cifar-10-batches-bin/test_batch.bin';
  bin.files[name] = Uint8Array.from(bin.files[name]);
  bin.files[name][3073] = 12;
  const b = writeTree(bin.files);
  t.after(b.cleanup);
  assert.throws(() => new CIFAR10({ root: b.root, train: false }), (e: Error) => e.message.startsWith(`${join(b.root, name)}: corrupt: record 1 has labels 12`));

  const py = cifar10Files('python');
  py.files['cifar-10-batches-py/data_batch_1'] = py2Pickle({ dict: [
    ['data', { ndarray: { shape: [2, 3072], data: new Uint8Array(6144) } }],
    ['labels', [1, 2, 3]],
  ] });
  const p = writeTree(py.files);
  t.after(p.cleanup);
  assert.throws(() => new CIFAR10({ root: p.root }), (e: Error) => e.message.includes('data_batch_1: corrupt: 2 images but 3 labels'));
});

test('a pickle naming a global outside the allow-list is refused, never run', (t) => {
  const { files } = cifar10Files('python');
  // cPickle's "cos\nsystem\n(S'touch pwned'\ntR.": os.system('touch pwned') when loaded by pickle.
  const evil = Buffer.from("cos\nsystem\n(S'touch pwned'\ntR.", 'latin1');
  files['cifar-10-batches-py/data_batch_1'] = evil;
  const { root, cleanup } = writeTree(files);
  t.after(cleanup);
  assert.throws(() => new CIFAR10({ root }), (e: Error) => e.message.includes('data_batch_1') && /os\.system/.test(e.message));
  assert.throws(() => readFileSync(join(root, 'pwned')));
});

test('bad options throw TypeError', () => {
  assert.throws(() => new CIFAR10({ root: '' }), TypeError);
  assert.throws(() => new CIFAR10({ train: 1 as unknown as boolean }), TypeError);
  assert.throws(() => new CIFAR100({ format: 'matlab' as 'python' }), TypeError);
});
