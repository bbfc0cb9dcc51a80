// Readers of the two official CIFAR file formats. Both store each image as three 32x32 planes
// (R, G, B: CHW); the readers transpose into the HWC layout smoothlab datasets share.
//  - binary: fixed-size records, [label byte(s)] + 3072 pixel bytes (CIFAR-100: coarse, fine);
//  - python: Python 2 pickles of dicts whose 'data' is a uint8 NumPy array of shape (n, 3072),
//    read with the restricted unpickler of smoothlab/utils (never runs code).
import { readFileSync } from 'node:fs';
import { type GlobalHandler, SETSTATE, type Settable, readPickle } from '../../utils/pickle.js';
import { NDArray, numpyGlobals } from '../../utils/pickle_numpy.js';

/** Pixels per CIFAR image (3 x 32 x 32). */
export const CIFAR_IMAGE_BYTES = 3072;

/** A batch as read: CHW pixels of `count` images and their label arrays by name. */
export interface CifarBatch {
  file: string;
  count: number;
  /** count x 3072 bytes, CHW per image, as stored. */
  pixels: Uint8Array;
  labels: Record<string, Uint8Array>;
}

function readBytes(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${file}: cannot read (${(error as Error).message})`, { cause: error });
  }
}

/**
 * Reads a binary batch whose records are `labelNames.length` label bytes then 3072 pixel bytes;
 * labels are checked against `classCounts` (one per label name).
 */
export function readBinaryBatch(file: string, labelNames: readonly string[], classCounts: readonly number[]): CifarBatch {
  const bytes = readBytes(file);
  const record = labelNames.length + CIFAR_IMAGE_BYTES;
  if (bytes.length === 0 || bytes.length % record !== 0) {
    const whole = Math.floor(bytes.length / record);
    throw new Error(`${file}: truncated or corrupt: ${bytes.length} bytes is not a whole number of ${record}-byte records (${whole} records and ${bytes.length - whole * record} bytes)`);
  }
  const count = bytes.length / record;
  const pixels = new Uint8Array(count * CIFAR_IMAGE_BYTES);
  const labels: Record<string, Uint8Array> = Object.fromEntries(labelNames.map((n) => [n, new Uint8Array(count)]));
  for (let i = 0; i < count; i++) {
    const at = i * record;
    labelNames.forEach((name, k) => {
      const label = bytes[at + k];
      if (label >= classCounts[k]) throw new Error(`${file}: corrupt: record ${i} has ${name} ${label}, not a class index (0..${classCounts[k] - 1})`);
      labels[name][i] = label;
    });
    pixels.set(bytes.subarray(at + labelNames.length, at + record), i * CIFAR_IMAGE_BYTES);
  }
  return { file, count, pixels, labels };
}

// Python 2 str keys and values come back as bytes (encoding 'bytes' keeps the 30 MB pixel string
// out of a JS string: decoding it as latin-1 text costs seconds per batch); they are latin-1
// text, as torchvision's pickle.load(encoding='latin1') reads them.
const latin1 = (v: unknown): unknown => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v);

// NumPy's dtype handler expects its Python 2 str arguments ('u1', '|') as text: decode them.
const cifarGlobals: Record<string, GlobalHandler> = {
  ...numpyGlobals,
  'numpy.dtype': (code: unknown, ...rest: unknown[]) => {
    const dtype = numpyGlobals['numpy.dtype'](latin1(code), ...rest) as Settable;
    const setState = dtype[SETSTATE].bind(dtype);
    Object.defineProperty(dtype, SETSTATE, { value: (state: unknown) => setState(Array.isArray(state) ? state.map(latin1) : state) });
    return dtype;
  },
};

/** Unpickles a python-format file into a Map with string keys; errors name the file. */
export function readCifarPickle(file: string): Map<string, unknown> {
  let value: unknown;
  try {
    // A plain Uint8Array view, not the Buffer readFileSync returns: Buffer#slice makes a view
    // where Uint8Array#slice copies, and the NumPy handlers rely on slice() copying.
    const bytes = readBytes(file);
    value = readPickle(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { globals: cifarGlobals, encoding: 'bytes' });
  } catch (error) {
    if ((error as Error).message.startsWith(file)) throw error;
    throw new Error(`${file}: truncated or corrupt pickle (${(error as Error).message})`, { cause: error });
  }
  if (!(value instanceof Map)) throw new Error(`${file}: corrupt: the pickle holds ${typeof value}, not a dict`);
  return new Map([...value.entries()].map(([k, v]) => [latin1(k) as string, v]));
}

/** The list of strings under `key` of a python-format meta file (class names). */
export function readPickledNames(file: string, key: string): string[] {
  const names = readCifarPickle(file).get(key);
  if (!Array.isArray(names) || names.length === 0) throw new Error(`${file}: corrupt: no '${key}' list of class names`);
  return names.map((n) => String(latin1(n)));
}

/** Reads a python-format batch: 'data' (n x 3072 uint8) and the label lists named by `labelKeys`. */
export function readPythonBatch(file: string, labelKeys: readonly string[], classCounts: readonly number[]): CifarBatch {
  const dict = readCifarPickle(file);
  const data = dict.get('data');
  if (!(data instanceof NDArray)) throw new Error(`${file}: corrupt: no 'data' array`);
  if (data.dtype !== 'uint8' || data.shape.length !== 2 || data.shape[1] !== CIFAR_IMAGE_BYTES || data.fortranOrder) {
    throw new Error(`${file}: corrupt: 'data' is a ${data.dtype} array of shape (${data.shape.join(', ')}), expected uint8 (n, ${CIFAR_IMAGE_BYTES})`);
  }
  const count = data.shape[0];
  const labels: Record<string, Uint8Array> = {};
  labelKeys.forEach((key, k) => {
    const list = dict.get(key);
    if (!Array.isArray(list)) throw new Error(`${file}: corrupt: no '${key}' list`);
    if (list.length !== count) throw new Error(`${file}: corrupt: ${count} images but ${list.length} ${key}`);
    const out = new Uint8Array(count);
    list.forEach((l, i) => {
      if (!Number.isInteger(l) || (l as number) < 0 || (l as number) >= classCounts[k]) {
        throw new Error(`${file}: corrupt: ${key}[${i}] is ${String(l)}, not a class index (0..${classCounts[k] - 1})`);
      }
      out[i] = l as number;
    });
    labels[key] = out;
  });
  return { file, count, pixels: data.data as Uint8Array, labels };
}

/** Copies CHW batches into `images` (HWC per image) at image offset `start`; returns the next offset. */
export function transposeInto(images: Uint8Array, start: number, pixels: Uint8Array, count: number): number {
  const plane = 1024;
  for (let i = 0; i < count; i++) {
    const src = i * CIFAR_IMAGE_BYTES;
    const dst = (start + i) * CIFAR_IMAGE_BYTES;
    for (let p = 0; p < plane; p++) {
      images[dst + 3 * p] = pixels[src + p];
      images[dst + 3 * p + 1] = pixels[src + plane + p];
      images[dst + 3 * p + 2] = pixels[src + 2 * plane + p];
    }
  }
  return start + count;
}

/** Class names from a text file, one per line (the binary version's meta files). */
export function readNameLines(file: string): string[] {
  const names = Buffer.from(readBytes(file)).toString('utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  if (names.length === 0) throw new Error(`${file}: corrupt: no class names`);
  return names;
}
