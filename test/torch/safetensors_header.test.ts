// Hostile safetensors files: each is refused as the reference implementation (huggingface's
// safetensors) refuses it, with the file named, or loaded where the reference loads it.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch } from '../../src/index.js';
import { readSafetensorsHeader } from '../../src/torch/safetensors_header.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-hostile-'));

/** A file from a raw header (a string, or an object serialized as JSON) and data bytes. */
function craft(name: string, header: string | object, data: Uint8Array | number = 0): string {
  const json = Buffer.from(typeof header === 'string' ? header : JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  const bytes = typeof data === 'number' ? new Uint8Array(data) : data;
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([prefix, json, bytes]));
  return path;
}

const f32 = (begin: number, end: number, shape = [(end - begin) / 4]) => ({ dtype: 'F32', shape, data_offsets: [begin, end] });

function refuses(path: string, pattern: RegExp): void {
  const before = torch.memory().tensors;
  assert.throws(() => torch.load(path), (e: Error) => {
    assert.ok(e.message.includes(path), `names the file: ${e.message}`);
    assert.match(e.message, pattern);
    return true;
  });
  assert.equal(torch.memory().tensors, before, 'a refused file leaves no tensors behind');
}

test('the header must be a JSON object', () => {
  refuses(craft('array.safetensors', '[1, 2]'), /does not start with '\{'/);
  refuses(craft('string.safetensors', '"x"'), /does not start with '\{'/);
  refuses(craft('broken.safetensors', '{"a": '), /header is not JSON/);
  refuses(craft('null-entry.safetensors', '{"a": null}'), /tensor 'a' is not an object/);
});

test('names must be valid UTF-8', () => {
  const json = Buffer.from(JSON.stringify({ ab: f32(0, 4) }));
  json[json.indexOf('ab')] = 0xff;  // a lone continuation byte where the name starts
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.byteLength));
  const path = join(dir, 'utf8.safetensors');
  writeFileSync(path, Buffer.concat([prefix, json, Buffer.alloc(4)]));
  refuses(path, /not valid UTF-8/);
  assert.throws(() => torch.tidy(() => torch.save(join(dir, 'lone.safetensors'), { ['a\ud800']: torch.zeros([1]) })), /not a well-formed string/);
});

test('offsets must be non-negative integers, each pair in order', () => {
  refuses(craft('negative.safetensors', { a: f32(-4, 0, [1]) }, 4), /bad data_offsets \[-4,0\]/);
  refuses(craft('fraction.safetensors', { a: f32(0, 4.5, [1]) }, 4), /bad data_offsets/);
  refuses(craft('reversed.safetensors', { a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, 4), /end before they begin/);
  refuses(craft('three.safetensors', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4, 8] } }, 8), /bad data_offsets/);
  refuses(craft('shape.safetensors', { a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /bad shape/);
});

test('the tensors must tile the data exactly: no overlap, no hole, no trailing bytes', () => {
  refuses(craft('overlap.safetensors', { a: f32(0, 8), b: f32(4, 12) }, 12), /tensor 'b' overlaps the tensor before it/);
  refuses(craft('alias.safetensors', { a: f32(0, 8), b: f32(0, 8) }, 8), /overlaps/);
  refuses(craft('hole.safetensors', { a: f32(0, 4), b: f32(8, 12) }, 12), /a hole of 4 bytes before tensor 'b'/);
  refuses(craft('leading-hole.safetensors', { a: f32(4, 8) }, 8), /a hole of 4 bytes before tensor 'a'/);
  refuses(craft('trailing.safetensors', { a: f32(0, 4) }, 12), /8 bytes after the last tensor are not covered/);
  refuses(craft('truncated.safetensors', { a: f32(0, 400) }, 100), /the tensors need 400 bytes of data, the file holds 100/);
  refuses(craft('size.safetensors', { a: f32(0, 8, [3]) }, 8), /tensor 'a' has 8 bytes, its shape needs 12/);
  // 2^27 * 2^27 * 4 bytes rounds to a double that a Number product could match; BigInt does not.
  refuses(craft('overflow.safetensors', { a: { dtype: 'F32', shape: [2 ** 27, 2 ** 27 + 1], data_offsets: [0, 4] } }, 4), /its shape needs/);
});

test('file order is by offset, whatever the header order; zero-size tensors take no bytes', () => torch.tidy(() => {
  const data = new Uint8Array(new Float32Array([1, 2, 3]).buffer);
  const path = craft('order.safetensors', { b: f32(4, 12), empty: f32(0, 0, [0, 5]), a: f32(0, 4) }, data);
  const record = torch.load(path);
  assert.deepEqual(Array.from(record.a.toTypedArray() as Float32Array), [1]);
  assert.deepEqual(Array.from(record.b.toTypedArray() as Float32Array), [2, 3]);
  assert.deepEqual(record.empty.shape, [0, 5]);
}));

test('__metadata__ must map strings to strings', () => {
  refuses(craft('meta-number.safetensors', { __metadata__: { epoch: 3 }, a: f32(0, 4) }, 4), /__metadata__ entry 'epoch' is not a string/);
  refuses(craft('meta-array.safetensors', { __metadata__: ['x'], a: f32(0, 4) }, 4), /__metadata__ is not an object of strings/);
  assert.throws(() => torch.loadMetadata(craft('meta-nested.safetensors', { __metadata__: { a: { b: 'c' } } })), /meta-nested\.safetensors.*'a' is not a string/);
  assert.throws(() => torch.tidy(() => torch.save(join(dir, 'm.safetensors'), { a: torch.zeros([1]) }, { epoch: 3 as unknown as string })), /metadata 'epoch' must be a string/);
});

test("a tensor or metadata key named '__proto__' is data, never a prototype", () => torch.tidy(() => {
  const path = join(dir, 'proto.safetensors');
  const record = new Map([['__proto__', torch.tensor([1, 2])], ['constructor', torch.tensor([3])]]);
  torch.save(path, record, JSON.parse('{"__proto__": "meta"}'));
  const back = torch.load(path);
  assert.deepEqual(Object.keys(back).sort(), ['__proto__', 'constructor']);
  assert.equal(Object.getPrototypeOf(back), null);
  assert.deepEqual(Array.from((Object.getOwnPropertyDescriptor(back, '__proto__')?.value as torch.Tensor).toTypedArray() as Float32Array), [1, 2]);
  const meta = torch.loadMetadata(path);
  assert.equal(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value, 'meta');
}));

test('the length prefix is bounded by the file and by the format', () => {
  const big = Buffer.alloc(16);
  big.writeBigUInt64LE(578712552184433500n);
  const path = join(dir, 'huge-length.safetensors');
  writeFileSync(path, big);
  refuses(path, /header length 578712552184433500 exceeds the file size 16/);
  const file = Buffer.alloc(8 + 100_000_001, 0x20);
  file.writeBigUInt64LE(100_000_001n);
  assert.throws(() => readSafetensorsHeader('big-header.safetensors', file), /big-header\.safetensors.*exceeds the format's limit of 100000000 bytes/);
});
