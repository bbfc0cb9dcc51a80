// Writes CIFAR files in the official formats for the tests: binary records, Python 2 pickles
// (protocol 2, the opcodes cPickle wrote in 2009: SHORT_BINSTRING/BINSTRING for str, numpy's
// _reconstruct + BUILD for the image array, MARK ... APPENDS/SETITEMS for lists and dicts), and
// gzip-compressed tar archives with GNU tar's headers, like the archives on the CIFAR page.
import { gzipSync } from 'node:zlib';

/** A Python value for the pickle writer: str (as bytes), int, list, dict (ordered pairs), or a uint8 ndarray. */
export type Py =
  | { str: string }
  | number
  | Py[]
  | { dict: [string, Py][] }
  | { ndarray: { shape: [number, number]; data: Uint8Array } };

/** Pickles `value` as Python 2's cPickle.dump(value, f, 2) lays it out. */
export function py2Pickle(value: Py): Uint8Array {
  const out: number[] = [];
  const chunks: Uint8Array[] = [];
  let memo = 1;
  const flush = () => {
    if (out.length > 0) chunks.push(Uint8Array.from(out.splice(0)));
  };
  const put = () => {
    out.push(0x71, memo++ & 0xff); // BINPUT
  };
  const u32 = (n: number) => out.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff);
  const str = (s: string | Uint8Array) => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    if (b.length < 256) {
      out.push(0x55, b.length); // SHORT_BINSTRING
      out.push(...b);
    } else {
      out.push(0x54); // BINSTRING
      u32(b.length);
      flush();
      chunks.push(b);
    }
    put();
  };
  const int = (n: number) => {
    if (n >= 0 && n < 256) out.push(0x4b, n); // BININT1
    else if (n >= 0 && n < 65536) out.push(0x4d, n & 0xff, n >> 8); // BININT2
    else {
      out.push(0x4a); // BININT
      u32(n);
    }
  };
  const global = (module: string, name: string) => {
    out.push(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1')); // GLOBAL
    put();
  };
  const write = (v: Py): void => {
    if (typeof v === 'number') int(v);
    else if (Array.isArray(v)) {
      out.push(0x5d); // EMPTY_LIST
      put();
      // cPickle batches list items by 1000: MARK items APPENDS.
      for (let i = 0; i < v.length; i += 1000) {
        out.push(0x28);
        v.slice(i, i + 1000).forEach(write);
        out.push(0x65);
      }
    } else if ('str' in v) str(v.str);
    else if ('dict' in v) {
      out.push(0x7d); // EMPTY_DICT
      put();
      out.push(0x28); // MARK
      for (const [k, item] of v.dict) {
        str(k);
        write(item);
      }
      out.push(0x75); // SETITEMS
    } else {
      const { shape, data } = v.ndarray;
      global('numpy.core.multiarray', '_reconstruct');
      global('numpy', 'ndarray');
      int(0);
      out.push(0x85); // TUPLE1
      str('b');
      out.push(0x87, 0x52); // TUPLE3, REDUCE
      put();
      out.push(0x28); // MARK (the BUILD state tuple)
      int(1);
      int(shape[0]);
      int(shape[1]);
      out.push(0x86); // TUPLE2
      global('numpy', 'dtype');
      str('u1');
      int(0);
      int(1);
      out.push(0x87, 0x52); // TUPLE3, REDUCE
      put();
      out.push(0x28); // MARK: dtype state (3, '|', None, None, None, -1, -1, 0)
      int(3);
      str('|');
      out.push(0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff);
      int(0);
      out.push(0x74, 0x62); // TUPLE, BUILD
      out.push(0x89); // NEWFALSE (not Fortran order)
      str(data);
      out.push(0x74, 0x62); // TUPLE, BUILD
    }
  };
  out.push(0x80, 2); // PROTO 2
  write(value);
  out.push(0x2e); // STOP
  flush();
  return Buffer.concat(chunks);
}

/** One entry of a tar archive: a directory (no data) or a file. */
export interface TarInput {
  path: string;
  data?: Uint8Array;
  /** A tar type flag other than file or directory (to test refusals), e.g. '2' for a symlink. */
  type?: string;
}

function header(path: string, size: number, type: string): Uint8Array {
  const h = Buffer.alloc(512);
  h.write(path, 0, 100, 'utf8');
  h.write('0000755\0', 100, 'latin1');
  h.write('0001750\0', 108, 'latin1');
  h.write('0001750\0', 116, 'latin1');
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  h.write(`${(1244000000).toString(8).padStart(11, '0')}\0`, 136, 'latin1');
  h.write('        ', 148, 'latin1');
  h.write(type, 156, 'latin1');
  // GNU tar's magic ("ustar  \0"), as in the CIFAR archives.
  h.write('ustar  \0', 257, 'latin1');
  h.write('kriz', 265, 'latin1');
  h.write('kriz', 297, 'latin1');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return h;
}

/** A tar archive of `entries` (GNU headers, two zero blocks at the end), gzip-compressed. */
export function tarGz(entries: TarInput[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const isDir = e.data === undefined && e.type === undefined;
    const data = e.data ?? new Uint8Array(0);
    parts.push(header(isDir ? `${e.path.replace(/\/$/, '')}/` : e.path, data.length, e.type ?? (isDir ? '5' : '0')));
    parts.push(data, new Uint8Array((512 - (data.length % 512)) % 512));
  }
  parts.push(new Uint8Array(1024));
  return gzipSync(Buffer.concat(parts));
}

/** A small CIFAR-like split: `count` images whose CHW pixels are a function of (image, channel, position). */
export function fakeImages(count: number, seed: number): { chw: Uint8Array; hwc: Uint8Array } {
  const chw = new Uint8Array(count * 3072);
  const hwc = new Uint8Array(count * 3072);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 1024; p++) {
        const v = (seed * 31 + i * 17 + c * 85 + p * 3 + (p >> 5)) & 0xff;
        chw[i * 3072 + c * 1024 + p] = v;
        hwc[i * 3072 + p * 3 + c] = v;
      }
    }
  }
  return { chw, hwc };
}

/** CIFAR-10's class names, as batches.meta holds them. */
export const CIFAR10_NAMES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

/** The files of a small CIFAR-10 in one format: path inside root -> bytes; and what they hold. */
export function cifar10Files(format: 'python' | 'binary', perBatch = 2): { files: Record<string, Uint8Array>; train: { hwc: Uint8Array; labels: number[] }; test: { hwc: Uint8Array; labels: number[] } } {
  const files: Record<string, Uint8Array> = {};
  const batches = ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch'];
  const trainHwc: Uint8Array[] = [];
  const trainLabels: number[] = [];
  let test: { hwc: Uint8Array; labels: number[] } = { hwc: new Uint8Array(0), labels: [] };
  batches.forEach((name, b) => {
    const n = name === 'test_batch' ? perBatch + 1 : perBatch;
    const { chw, hwc } = fakeImages(n, b + 1);
    const labels = Array.from({ length: n }, (_, i) => (b * 3 + i * 7) % 10);
    if (name === 'test_batch') test = { hwc, labels };
    else {
      trainHwc.push(hwc);
      trainLabels.push(...labels);
    }
    if (format === 'python') {
      files[`cifar-10-batches-py/${name}`] = py2Pickle({ dict: [
        ['data', { ndarray: { shape: [n, 3072], data: chw } }],
        ['labels', labels],
        ['batch_label', { str: name === 'test_batch' ? 'testing batch 1 of 1' : `training batch ${b + 1} of 5` }],
        ['filenames', labels.map((_, i) => ({ str: `image_${b}_${i}.png` }))],
      ] });
    } else {
      const records = Buffer.concat(labels.map((l, i) => Buffer.concat([Uint8Array.of(l), chw.subarray(i * 3072, (i + 1) * 3072)])));
      files[`cifar-10-batches-bin/${name}.bin`] = records;
    }
  });
  if (format === 'python') {
    files['cifar-10-batches-py/batches.meta'] = py2Pickle({ dict: [
      ['num_cases_per_batch', 10000],
      ['label_names', CIFAR10_NAMES.map((s) => ({ str: s }))],
      ['num_vis', 3072],
    ] });
    files['cifar-10-batches-py/readme.html'] = Buffer.from('<meta HTTP-EQUIV="REFRESH" content="0; URL=http://www.cs.toronto.edu/~kriz/cifar.html">\n');
  } else {
    files['cifar-10-batches-bin/batches.meta.txt'] = Buffer.from(`${CIFAR10_NAMES.join('\n')}\n\n`);
    files['cifar-10-batches-bin/readme.html'] = Buffer.from('<meta HTTP-EQUIV="REFRESH" content="0; URL=http://www.cs.toronto.edu/~kriz/cifar.html">\n');
  }
  return { files, train: { hwc: Buffer.concat(trainHwc), labels: trainLabels }, test };
}

/** The files of a small CIFAR-100 in one format, and what they hold (fine and coarse labels). */
export function cifar100Files(format: 'python' | 'binary', n = 4): { files: Record<string, Uint8Array>; hwc: Uint8Array; fine: number[]; coarse: number[]; fineNames: string[]; coarseNames: string[] } {
  const fineNames = Array.from({ length: 100 }, (_, k) => `fine_${k}`);
  const coarseNames = Array.from({ length: 20 }, (_, k) => `coarse_${k}`);
  const { chw, hwc } = fakeImages(n, 9);
  const fine = Array.from({ length: n }, (_, i) => (i * 37 + 99) % 100);
  const coarse = fine.map((f) => f % 20);
  const files: Record<string, Uint8Array> = {};
  for (const split of ['train', 'test']) {
    if (format === 'python') {
      files[`cifar-100-python/${split}`] = py2Pickle({ dict: [
        ['filenames', fine.map((_, i) => ({ str: `img_${i}.png` }))],
        ['batch_label', { str: `${split}ing batch 1 of 1` }],
        ['fine_labels', fine],
        ['coarse_labels', coarse],
        ['data', { ndarray: { shape: [n, 3072], data: chw } }],
      ] });
    } else {
      files[`cifar-100-binary/${split}.bin`] = Buffer.concat(fine.map((f, i) => Buffer.concat([Uint8Array.of(coarse[i], f), chw.subarray(i * 3072, (i + 1) * 3072)])));
    }
  }
  if (format === 'python') {
    files['cifar-100-python/meta'] = py2Pickle({ dict: [
      ['fine_label_names', fineNames.map((s) => ({ str: s }))],
      ['coarse_label_names', coarseNames.map((s) => ({ str: s }))],
    ] });
  } else {
    files['cifar-100-binary/fine_label_names.txt'] = Buffer.from(fineNames.join('\n') + '\n');
    files['cifar-100-binary/coarse_label_names.txt'] = Buffer.from(coarseNames.join('\n') + '\n');
  }
  return { files, hwc, fine, coarse, fineNames, coarseNames };
}

/** The tar entries of `files` with their folders first, as `tar czf` of the folder lists them. */
export function tarEntries(files: Record<string, Uint8Array>): TarInput[] {
  const dirs = [...new Set(Object.keys(files).map((p) => p.split('/')[0]))];
  return [...dirs.map((d) => ({ path: `${d}/` })), ...Object.entries(files).map(([path, data]) => ({ path, data }))];
}
