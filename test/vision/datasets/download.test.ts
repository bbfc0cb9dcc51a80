// Downloads against a local HTTP server on 127.0.0.1 serving archives in the real CIFAR format:
// a good archive, a wrong checksum, a connection cut mid-way, a corrupt archive, a 404; after
// every failure the dataset root holds nothing new.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CIFAR10, MNIST, downloadFile, extractTarGz, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC } from '../../../src/vision/datasets/index.js';
import { CIFAR10_NAMES, cifar10Files, tarEntries, tarGz } from './cifar_files.js';
import { idxBytes, patternImages } from './idx_files.js';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

const cifar = cifar10Files('python');
const good = tarGz(tarEntries(cifar.files));
const corrupt = Uint8Array.from(good);
corrupt[corrupt.length >> 1] ^= 0xff; // a flipped byte inside the deflate stream
const mnistFiles: Record<string, Uint8Array> = {
  'train-images-idx3-ubyte.gz': gzipSync(idxBytes(IDX_IMAGES_MAGIC, [4, 28, 28], patternImages(4, 28, 28))),
  'train-labels-idx1-ubyte.gz': gzipSync(idxBytes(IDX_LABELS_MAGIC, [4], Uint8Array.of(3, 1, 4, 1))),
};

let server: Server;
let base = '';
const requests: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const send = (body: Uint8Array) => {
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': body.length });
      res.end(body);
    };
    if (req.url === '/good.tar.gz') send(good);
    else if (req.url === '/corrupt.tar.gz') send(corrupt);
    else if (req.url === '/moved.tar.gz') {
      res.writeHead(302, { location: '/good.tar.gz' });
      res.end();
    } else if (req.url === '/cut.tar.gz') {
      // Announce the whole archive, send a third of it, then drop the connection.
      res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': good.length });
      res.write(good.subarray(0, Math.floor(good.length / 3)), () => setTimeout(() => res.socket?.destroy(), 20));
    } else if (req.url?.startsWith('/mnist/') && mnistFiles[req.url.slice(7)]) send(mnistFiles[req.url.slice(7)]);
    else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

function tempRoot(t: { after: (fn: () => void) => void }): string {
  const root = mkdtempSync(join(tmpdir(), 'smoothlab-download-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  return root;
}

test('good archive: downloaded, MD5-checked, extracted atomically, then read; nothing temporary left', async (t) => {
  const root = tempRoot(t);
  const ds = await CIFAR10.load({ root, download: true, source: { url: `${base}/good.tar.gz`, md5: md5(good) } });
  assert.equal(ds.length, 10);
  assert.equal(ds.format, 'python');
  assert.deepEqual(ds.classes, CIFAR10_NAMES);
  assert.ok(Buffer.from(ds.images).equals(Buffer.from(cifar.train.hwc)));
  // Exactly the archive (kept, as torchvision does) and the dataset folder: no .part or staging folder.
  assert.deepEqual(readdirSync(root).sort(), ['cifar-10-batches-py', 'cifar-10-python.tar.gz']);
  // A second load finds the files and does not download again.
  const before = requests.length;
  await CIFAR10.load({ root, download: true, source: { url: `${base}/good.tar.gz`, md5: md5(good) } });
  assert.equal(requests.length, before);
});

test('what a killed download left (a .part, a half-extracted folder) is swept by the next one', async (t) => {
  const root = tempRoot(t);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFileSync(join(root, `.cifar-10-python.tar.gz.${dead}-0badc0de.part`), good.subarray(0, 100));
  mkdirSync(join(root, `.cifar-10-batches-py.${dead}-0badf00d.extract`, 'cifar-10-batches-py'), { recursive: true });
  await CIFAR10.load({ root, download: true, source: { url: `${base}/good.tar.gz`, md5: md5(good) } });
  assert.deepEqual(readdirSync(root).sort(), ['cifar-10-batches-py', 'cifar-10-python.tar.gz']);
});

test('redirects are followed', async (t) => {
  const root = tempRoot(t);
  const ds = await CIFAR10.load({ root, train: false, download: true, source: { url: `${base}/moved.tar.gz`, md5: md5(good) } });
  assert.equal(ds.length, 3);
});

test('wrong checksum: rejected with both MD5s, nothing left behind', async (t) => {
  const root = tempRoot(t);
  const wrong = '0123456789abcdef0123456789abcdef';
  await assert.rejects(CIFAR10.load({ root, download: true, source: { url: `${base}/good.tar.gz`, md5: wrong } }), (e: Error) =>
    e.message.includes(`${base}/good.tar.gz is corrupt: MD5 ${md5(good)}, expected ${wrong}`));
  assert.deepEqual(readdirSync(root), []);
});

test('connection cut mid-way: rejected with the byte count, nothing left behind', async (t) => {
  const root = tempRoot(t);
  await assert.rejects(CIFAR10.load({ root, download: true, source: { url: `${base}/cut.tar.gz`, md5: md5(good) } }), (e: Error) =>
    e.message.includes(`${base}/cut.tar.gz`) && e.message.includes(`of ${good.length} bytes`));
  assert.deepEqual(readdirSync(root), []);
});

test('an archive that passes its (wrong) checksum but is corrupt: extraction fails, nothing left behind', async (t) => {
  const root = tempRoot(t);
  await assert.rejects(CIFAR10.load({ root, download: true, source: { url: `${base}/corrupt.tar.gz`, md5: md5(corrupt) } }), (e: Error) =>
    e.message.includes('cifar-10-python.tar.gz') && /corrupt|truncated|invalid|incorrect/i.test(e.message));
  assert.deepEqual(readdirSync(root), []);
});

test('HTTP errors name the status', async (t) => {
  const root = tempRoot(t);
  await assert.rejects(CIFAR10.load({ root, download: true, source: { url: `${base}/missing.tar.gz`, md5: md5(good) } }), /HTTP 404/);
  assert.deepEqual(readdirSync(root), []);
});

test('without download: true a missing dataset is an error, and no request is made', async (t) => {
  const root = tempRoot(t);
  const before = requests.length;
  await assert.rejects(CIFAR10.load({ root }), /no complete copy/);
  assert.equal(requests.length, before);
});

test('downloadFile: the file appears only when complete', async (t) => {
  const root = tempRoot(t);
  const dest = join(root, 'sub', 'a.tar.gz');
  await downloadFile({ url: `${base}/good.tar.gz`, md5: md5(good) }, dest);
  assert.ok(existsSync(dest));
  await assert.rejects(downloadFile({ url: `${base}/cut.tar.gz`, md5: md5(good) }, join(root, 'b.tar.gz')));
  assert.deepEqual(readdirSync(root).sort(), ['sub']);
  await assert.rejects(downloadFile({ url: `${base}/good.tar.gz`, md5: 'nope' }, join(root, 'c')), TypeError);
});

test('MNIST downloads its missing files, trying mirrors in order', async (t) => {
  const root = tempRoot(t);
  const source = {
    mirrors: [`${base}/nowhere/`, `${base}/mnist/`],
    md5: Object.fromEntries(Object.entries(mnistFiles).map(([name, bytes]) => [name, md5(bytes)])),
  };
  const ds = await MNIST.load({ root, download: true, source });
  assert.equal(ds.length, 4);
  assert.deepEqual(Array.from(ds.labels), [3, 1, 4, 1]);
  assert.deepEqual(readdirSync(root).sort(), Object.keys(mnistFiles).sort());
  // A file already present (plain or .gz) is not fetched again.
  const before = requests.length;
  await MNIST.load({ root, download: true, source });
  assert.equal(requests.length, before);
  const bad = tempRoot(t);
  await assert.rejects(MNIST.load({ root: bad, download: true, source: { ...source, md5: { ...source.md5, 'train-images-idx3-ubyte.gz': '0'.repeat(32) } } }), (e: Error) =>
    e.message.startsWith('MNIST: cannot download train-images-idx3-ubyte.gz') && e.message.includes('404') && e.message.includes('MD5'));
  assert.deepEqual(readdirSync(bad), []);
});

test('extractTarGz: long names from GNU \'L\' entries and pax headers; a ./ entry is the folder itself', async (t) => {
  const root = tempRoot(t);
  const long = `${'d'.repeat(60)}/${'e'.repeat(70)}/file.txt`;
  const paxRecord = (key: string, value: string) => {
    const body = ` ${key}=${value}\n`;
    let len = body.length + 2;
    while (`${len}${body}`.length !== len) len++;
    return `${len}${body}`;
  };
  const archive = join(root, 'long.tar.gz');
  writeFileSync(archive, tarGz([
    { path: './' },
    { path: '././@LongLink', type: 'L', data: Buffer.from(`gnu/${long}\0`) },
    { path: `gnu/${long}`.slice(0, 99), data: Buffer.from('from L') },
    { path: 'PaxHeaders/x', type: 'x', data: Buffer.from(paxRecord('path', `pax/${long}`)) },
    { path: 'pax/truncated', data: Buffer.from('from pax') },
  ]));
  const dest = join(root, 'out');
  mkdirSync(dest);
  const entries = await extractTarGz(archive, dest);
  assert.deepEqual(entries.map((e) => e.path), [`gnu/${long}`, `pax/${long}`]);
  assert.equal(readFileSync(join(dest, 'gnu', ...long.split('/')), 'utf8'), 'from L');
  assert.equal(readFileSync(join(dest, 'pax', ...long.split('/')), 'utf8'), 'from pax');
});

test('extractTarGz refuses entries that would leave the folder, and links', async (t) => {
  const root = tempRoot(t);
  const dest = join(root, 'out');
  mkdirSync(dest);
  const escape = join(root, 'escape.tar.gz');
  writeFileSync(escape, tarGz([{ path: 'ok/a.txt', data: Buffer.from('a') }, { path: 'ok/../../evil.txt', data: Buffer.from('x') }]));
  await assert.rejects(extractTarGz(escape, dest), /refusing tar entry "ok\/..\/..\/evil.txt"/);
  assert.ok(!existsSync(join(root, 'evil.txt')));
  const link = join(root, 'link.tar.gz');
  writeFileSync(link, tarGz([{ path: 'ok/link', type: '2' }]));
  await assert.rejects(extractTarGz(link, dest), /a symbolic link/);
  const cut = join(root, 'cut.tar.gz');
  writeFileSync(cut, good.subarray(0, good.length - 40));
  await assert.rejects(extractTarGz(cut, dest), /truncated/);
});

test('a local archive (a path or file: URL) is extracted without downloading when its MD5 matches', async (t) => {
  const root = tempRoot(t);
  const elsewhere = tempRoot(t);
  const archive = join(elsewhere, 'mirror-copy.tar.gz');
  writeFileSync(archive, good);
  const before = requests.length;
  const ds = await CIFAR10.load({ root, source: { url: archive, md5: md5(good) } });
  assert.equal(ds.length, 10);
  assert.deepEqual(readdirSync(root), ['cifar-10-batches-py'], 'the archive stays where it lies');
  assert.ok(existsSync(archive));
  assert.equal(requests.length, before, 'no request');
  const viaUrl = tempRoot(t);
  assert.equal((await CIFAR10.load({ root: viaUrl, source: { url: `file://${archive}`, md5: md5(good) } })).length, 10);
  const wrong = tempRoot(t);
  await assert.rejects(CIFAR10.load({ root: wrong, source: { url: archive, md5: 'c58f30108f718f92721af3b95e74349a' } }),
    (e: Error) => e.message === `${archive} has MD5 ${md5(good)}, expected c58f30108f718f92721af3b95e74349a: not the archive of cifar-10-batches-py`);
  assert.deepEqual(readdirSync(wrong), []);
  assert.ok(existsSync(archive), 'a user\'s archive is never removed');
});

test('an archive placed in the root is used without download when its MD5 matches, and named when not', async (t) => {
  const root = tempRoot(t);
  writeFileSync(join(root, 'cifar-10-python.tar.gz'), good);
  // The fake archive is not the official one: its MD5 differs from the official MD5.
  await assert.rejects(CIFAR10.load({ root }), (e: Error) =>
    e.message.startsWith(`CIFAR10: ${join(root, 'cifar-10-python.tar.gz')} has MD5 ${md5(good)}, expected c58f30108f718f92721af3b95e74349a (the official archive's)`));
  const ds = await CIFAR10.load({ root, source: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', md5: md5(good) } });
  assert.equal(ds.length, 10);
  assert.deepEqual(readdirSync(root).sort(), ['cifar-10-batches-py', 'cifar-10-python.tar.gz']);
});
