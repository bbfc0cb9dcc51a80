// Reads the event files back with an independent decoder (bitwise CRC-32C, a generic protobuf
// walker), checks every record's framing and finds the logged values.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import * as log from '../../src/log/index.js';

// Bit-by-bit CRC-32C (no table), to check the writer's table-driven one independently.
function crc32cBitwise(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}
const masked = (crc: number) => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

type Fields = Map<number, (bigint | Uint8Array | number)[]>;

// Decodes one protobuf message into field number -> values (varint as bigint, fixed64 as double
// when asked, length-delimited as bytes).
function decode(bytes: Uint8Array): Fields {
  const fields: Fields = new Map();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let i = 0;
  const varint = () => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[i++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return result;
      shift += 7n;
    }
  };
  while (i < bytes.length) {
    const key = Number(varint());
    const [field, wire] = [key >>> 3, key & 7];
    let value: bigint | Uint8Array | number;
    if (wire === 0) value = varint();
    else if (wire === 1) { value = view.getFloat64(i, true); i += 8; }
    else if (wire === 5) { value = view.getFloat32(i, true); i += 4; }
    else if (wire === 2) { const n = Number(varint()); value = bytes.subarray(i, i + n); i += n; }
    else throw new Error(`unexpected wire type ${wire}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

function records(path: string): Uint8Array[] {
  const file = readFileSync(path);
  const out: Uint8Array[] = [];
  let offset = 0;
  while (offset < file.length) {
    const lengthBytes = file.subarray(offset, offset + 8);
    const length = Number(file.readBigUInt64LE(offset));
    assert.equal(file.readUInt32LE(offset + 8), masked(crc32cBitwise(lengthBytes)), 'length CRC');
    const data = file.subarray(offset + 12, offset + 12 + length);
    assert.equal(file.readUInt32LE(offset + 12 + length), masked(crc32cBitwise(data)), 'data CRC');
    out.push(data);
    offset += 12 + length + 4;
  }
  assert.equal(offset, file.length, 'no trailing bytes');
  return out;
}

const text = (b: unknown) => Buffer.from(b as Uint8Array).toString('utf8');

test('TensorBoardWriter: framing, file version, scalars, histogram, image, text', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-tb-'));
  const writer = new log.TensorBoardWriter(dir);
  writer.addScalar('Loss/train', 0.5, 1);
  writer.addScalar('Loss/train', 0.25, 2);
  writer.addHistogram('weights', [-1, 0, 0.5, 0.5, 2], 3);
  writer.addImage('sample', { pixels: Uint8Array.from([0, 255, 128, 64]), width: 2, height: 2, channels: 1 }, 4);
  writer.addText('notes', 'label smoothing **0.1**', 5);
  writer.close();

  const files = readdirSync(dir);
  assert.equal(files.length, 1);
  assert.match(files[0], /^events\.out\.tfevents\.\d{10}\..+\.\d+\.\d+$/);
  const events = records(join(dir, files[0])).map(decode);
  assert.equal(events.length, 6);
  assert.equal(text(events[0].get(3)![0]), 'brain.Event:2');

  const value = (e: Fields) => decode(decode(e.get(5)![0] as Uint8Array).get(1)![0] as Uint8Array);
  const scalars = events.slice(1, 3).map((e) => [Number(e.get(2)![0]), text(value(e).get(1)![0]), value(e).get(2)![0]]);
  assert.deepEqual(scalars, [[1, 'Loss/train', 0.5], [2, 'Loss/train', 0.25]]);

  const histo = decode(value(events[3]).get(5)![0] as Uint8Array);
  assert.deepEqual([histo.get(1)![0], histo.get(2)![0], histo.get(3)![0], histo.get(4)![0], histo.get(5)![0]], [-1, 2, 5, 2, 5.5]);
  const counts = new Float64Array(Uint8Array.from(histo.get(7)![0] as Uint8Array).buffer);
  assert.equal(counts.reduce((a, b) => a + b, 0), 5, 'every value in a bucket');

  const image = decode(value(events[4]).get(4)![0] as Uint8Array);
  assert.deepEqual([image.get(1)![0], image.get(2)![0], image.get(3)![0]], [2n, 2n, 1n]);
  const png = Buffer.from(image.get(4)![0] as Uint8Array);
  assert.deepEqual([...png.subarray(1, 4)], [...Buffer.from('PNG')]);
  const idat = png.indexOf('IDAT');
  const raw = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
  assert.deepEqual([...raw], [0, 0, 255, 0, 128, 64], 'filter byte + pixels per row');

  const t = value(events[5]);
  assert.equal(text(t.get(1)![0]), 'notes/text_summary');
  assert.equal(text(decode(decode(t.get(9)![0] as Uint8Array).get(1)![0] as Uint8Array).get(1)![0]), 'text');
  assert.equal(text(decode(t.get(8)![0] as Uint8Array).get(8)![0]), 'label smoothing **0.1**');
});

test('histogram trims empty bins like PyTorch: one empty bin left of the first count', () => {
  const h = log.histogram([1, 1, 1]);
  assert.equal(h.counts.length, h.limits.length);
  assert.deepEqual(h.counts, [0, 3]);
  assert.ok(h.limits[0] < 1 && h.limits[1] >= 1);
});

test('a closed writer refuses more events', () => {
  const writer = new log.TensorBoardWriter(mkdtempSync(join(tmpdir(), 'smoothlab-tb-')));
  writer.close();
  assert.throws(() => writer.addScalar('x', 1, 0), /is closed/);
  assert.throws(() => new log.TensorBoardWriter('/dev/null/x'), /ENOTDIR|EEXIST/);
});

test('addScalars writes one run per key under the main tag, as PyTorch\'s SummaryWriter.add_scalars', () => {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-tb-'));
  const writer = new log.TensorBoardWriter(dir);
  writer.addScalars('Loss (Epoch)', { Train: 0.75, Validation: 0.5 }, 0);
  writer.addScalars('Loss (Epoch)', { Train: 0.5, Validation: 0.25 }, 1);
  writer.addScalars('a/b', { x: 1 }, 0);
  writer.close();
  assert.deepEqual(readdirSync(dir).filter((f) => !f.startsWith('events.')).sort(), ['Loss (Epoch)_Train', 'Loss (Epoch)_Validation', 'a_b_x']);
  const value = (e: Fields) => decode(decode(e.get(5)![0] as Uint8Array).get(1)![0] as Uint8Array);
  const scalars = (folder: string) => {
    const [file] = readdirSync(join(dir, folder));
    return records(join(dir, folder, file)).slice(1).map(decode).map((e) => [Number(e.get(2)![0]), text(value(e).get(1)![0]), value(e).get(2)![0]]);
  };
  assert.deepEqual(scalars('Loss (Epoch)_Train'), [[0, 'Loss (Epoch)', 0.75], [1, 'Loss (Epoch)', 0.5]]);
  assert.deepEqual(scalars('Loss (Epoch)_Validation'), [[0, 'Loss (Epoch)', 0.5], [1, 'Loss (Epoch)', 0.25]]);
  assert.deepEqual(scalars('a_b_x'), [[0, 'a/b', 1]]);
});
