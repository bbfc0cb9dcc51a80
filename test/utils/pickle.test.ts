// The restricted unpickler: every Python value in every protocol (0-5) as PyTorch's Python pickles
// it, NumPy arrays, Python 2 strings, and refusal of anything that names code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utils } from '../../src/index.js';
import { golden } from '../nn_golden.js';

const { readPickle, PickleError, NDArray, numpyGlobals } = utils;
const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
const bytes = (...parts: (string | number[])[]) =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? Array.from(p, (c) => c.charCodeAt(0)) : p)));

// The JSON form scripts/goldens/nn.py's py_json gives the Python value.
function toJson(v: unknown): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { float: Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf' };
  if (typeof v === 'bigint') return { bigint: v.toString() };
  if (v instanceof Uint8Array) return { bytes: Array.from(v) };
  if (v instanceof NDArray) {
    let data = Array.from(v.data as ArrayLike<number | bigint>, (x) => (v.dtype === 'bool' ? x !== 0 : Number(x)));
    if (v.fortranOrder) {
      const [rows, cols] = v.shape;
      data = Array.from({ length: rows * cols }, (_, i) => data[(i % cols) * rows + Math.floor(i / cols)]);
    }
    return { ndarray: { dtype: v.dtype, shape: v.shape, data } };
  }
  if (Array.isArray(v)) return Object.isFrozen(v) ? { tuple: v.map(toJson) } : v.map(toJson);
  if (v instanceof Set) return { set: [...v].map(toJson).sort((a, b) => (a as number) - (b as number)) };
  if (v instanceof Map) return { dict: [...v].map(([k, x]) => [toJson(k), toJson(x)]) };
  throw new TypeError(`unexpected ${String(v)}`);
}

for (const [name, data] of Object.entries(golden.pickle.cases)) {
  test(`Python values pickled with ${name} read back equal`, () => {
    assert.deepEqual(toJson(readPickle(b64(data))), golden.pickle.value);
  });
}

test('shared references stay shared (the memo), as in Python', () => {
  const value = readPickle(b64(golden.pickle.cases.protocol2)) as Map<string, unknown>;
  const shared = value.get('shared') as unknown[][];
  assert.equal(shared[0], shared[1]);
});

for (const [name, data] of Object.entries(golden.pickle.numpy.cases)) {
  test(`NumPy arrays pickled with ${name} (uint8, big-endian float32, int64, Fortran order, bool)`, () => {
    const value = readPickle(b64(data), { globals: numpyGlobals }) as Map<string, InstanceType<typeof NDArray>>;
    assert.deepEqual(Object.fromEntries([...value].map(([k, v]) => [k, toJson(v)])), golden.pickle.numpy.value);
    assert.ok(value.get('u8')?.data instanceof Uint8Array);
  });
}

test('a CIFAR-style batch dict: ndarray data, label list, NumPy scalar', () => {
  const batch = readPickle(b64(golden.pickle.numpy.batch), { globals: numpyGlobals, encoding: 'latin1' }) as Map<string, unknown>;
  assert.deepEqual(Object.fromEntries([...batch].map(([k, v]) => [k, toJson(v)])), golden.pickle.numpy.batchValue);
  assert.throws(() => readPickle(b64(golden.pickle.numpy.batch)), /refusing to load global 'numpy.core.multiarray._reconstruct'/,
    'NumPy is only allowed when asked for');
});

test('Python 2 str (as in the official CIFAR pickles): encoding ASCII, latin1 or bytes', () => {
  // {'data': '\xff\x00\x01', 'labels': [1, 2]} as Python 2 pickles it (protocol 2, SHORT_BINSTRING).
  const py2 = bytes([0x80, 2], '}q', [0], '(U', [4], 'dataq', [1], 'U', [3, 0xff, 0, 1], 'q', [2], 'U', [6], 'labelsq', [3], ']q', [4], '(K', [1], 'K', [2], 'eu.');
  const latin = readPickle(py2, { encoding: 'latin1' }) as Map<string, unknown>;
  assert.deepEqual([...latin.keys()], ['data', 'labels']);
  assert.equal(latin.get('data'), '\xff\x00\x01');
  const raw = readPickle(py2, { encoding: 'bytes' }) as Map<Uint8Array, unknown>;
  assert.deepEqual([...raw.values()][0], Uint8Array.from([0xff, 0, 1]));
  assert.throws(() => readPickle(py2), /non-ASCII bytes; pass encoding 'latin1' or 'bytes'/);
});

test('a Python 2 ndarray (raw data as a str) read with encoding latin1 or bytes', () => {
  const py2 = bytes([0x80, 2], 'cnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK', [0], [0x85], 'U', [1], 'b', [0x87], 'R',
    '(K', [1], 'K', [2], [0x85], 'cnumpy\ndtype\nU', [2], 'u1K', [0], 'K', [1], [0x87], 'R(K', [3], 'U', [1], '|NNNJ', [255, 255, 255, 255],
    'J', [255, 255, 255, 255], 'K', [0], 'tb', [0x89], 'U', [2, 0xff, 0x01], 'tb.');
  for (const encoding of ['latin1', 'bytes'] as const) {
    const array = readPickle(py2, { globals: numpyGlobals, encoding }) as InstanceType<typeof NDArray>;
    assert.deepEqual([array.dtype, array.shape, Array.from(array.data as Uint8Array)], ['uint8', [2], [255, 1]], encoding);
  }
});

test('refuses globals outside the allow-list, whichever opcode names them, and runs nothing', () => {
  const attacks: [string, Uint8Array][] = [
    ['GLOBAL + REDUCE (protocol 0)', bytes("cos\nsystem\n(S'echo pwned'\ntR.")],
    ['posix.system', bytes("cposix\nsystem\n(S'touch /tmp/pwned'\ntR.")],
    ['STACK_GLOBAL (protocol 4)', bytes([0x80, 4], [0x8c, 8], 'builtins', [0x8c, 4], 'eval', [0x93], [0x8c, 4], '1+1', [0x85], 'R.')],
    ['INST', bytes("(S'ls'\nios\nsystem\n.")],
    ['getattr smuggling', bytes("cbuiltins\ngetattr\n(cbuiltins\ndict\nS'get'\ntR.")],
  ];
  for (const [what, data] of attacks) {
    assert.throws(() => readPickle(data), (e: Error) => e instanceof PickleError && /refusing to load global '[\w.]+'/.test(e.message), what);
  }
  const message = (() => {
    try {
      readPickle(attacks[0][1]);
    } catch (e) {
      return (e as Error).message;
    }
    return '';
  })();
  assert.match(message, /refusing to load global 'os.system': it is not in the allow-list/);
  assert.match(message, /Allowed: collections.OrderedDict/);
});

test('malformed pickles fail with a PickleError saying what is wrong', () => {
  const good = b64(golden.pickle.cases.protocol2);
  assert.throws(() => readPickle(good.subarray(0, good.length - 40)), /truncated data/);
  assert.throws(() => readPickle(bytes([0x80, 2], [0xff])), /unknown opcode 0xff/);
  assert.throws(() => readPickle(bytes([0x80, 9], 'N.')), /unsupported pickle protocol 9/);
  assert.throws(() => readPickle(bytes('a.')), /stack underflow/);
  assert.throws(() => readPickle(bytes('h', [7], '.')), /memo key 7 is not defined/);
  assert.throws(() => readPickle(bytes('P1\n.')), /persistent id, but no persistentLoad/);
  assert.throws(() => readPickle(bytes([0x82, 1], '.')), /extension-registry/);
  assert.throws(() => readPickle(bytes('N')), /no STOP opcode/);
  assert.throws(() => readPickle(bytes('(N.')), /STOP inside an unclosed MARK/);
  assert.deepEqual(readPickle(bytes('P1\n.'), { persistentLoad: (pid) => `<${pid}>` }), '<1>');
});

test('arrays read from a Node Buffer own exactly their bytes (Buffer#slice is a view)', () => {
  // A protocol-4 pickle of numpy.arange(3, dtype=uint8) inside a larger Buffer from the pool.
  const inner = Buffer.from('gASViwAAAAAAAACMFW51bXB5LmNvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwOFlGgDjAVkdHlwZZSTlIwCdTGUiYiHlFKUKEsDjAF8lE5OTkr/////Sv////9LAHSUYolDAwABApR0lGIu', 'base64');
  const pooled = Buffer.concat([Buffer.alloc(100, 7), inner]).subarray(100);
  const array = utils.readPickle(pooled, { globals: utils.numpyGlobals, encoding: 'bytes' }) as utils.NDArray;
  assert.deepEqual([...array.data], [0, 1, 2]);
  assert.equal((array.data as Uint8Array).buffer.byteLength, 3);
});
