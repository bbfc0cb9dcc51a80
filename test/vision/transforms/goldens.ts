// Reads test/fixtures/augment.json (scripts/goldens/augment.py): image bytes live in one
// zlib-compressed blob that cases address by offset and length. No native build needed.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import type { Image } from '../../../src/vision/transforms/index.js';

/** Where a case's bytes sit in the blob. */
export interface Ref {
  offset: number;
  length: number;
}

/** One op applied by torchvision's _apply_op. */
export interface OpCase {
  image: string;
  op: string;
  magnitude: number;
  fill?: number[];
  interpolation?: 'bilinear';
  output: Ref;
}

/** A seeded random transform applied to a sequence of images; outputs by SHA-256. */
export interface PipelineCase {
  name: string;
  seed: number;
  inputs: string[];
  outputs: { sha256: string; length: number }[];
}

/** The fixture as augment.py writes it. */
export interface AugmentFixture {
  torchvision: string;
  images: Record<string, { shape: [number, number, number]; data: Ref }>;
  ops: OpCase[];
  pipelines: PipelineCase[];
  tables: Record<string, Record<string, number[]>>;
  conversions: { mean: number[]; std: number[]; toFloat: string; normalized: string; toUint8: string };
  erasing: { seed: number; p: number; rect: [number, number, number, number] }[];
  draws: { seed: string; randint25: number[]; rand: number[]; randint_5_17: number[]; randperm20: number[]; uniform: number[] }[];
  blob: string;
}

const path = fileURLToPath(new URL('../../../../test/fixtures/augment.json', import.meta.url));

/** The parsed fixture. */
export const golden = JSON.parse(readFileSync(path, 'utf8')) as AugmentFixture;

const blob = inflateSync(Buffer.from(golden.blob, 'base64'));

/** The bytes a reference points at (a copy). */
export function bytes(ref: Ref): Uint8Array {
  return new Uint8Array(blob.buffer, blob.byteOffset + ref.offset, ref.length).slice();
}

/** A fixture image as a CHW uint8 image. */
export function goldenImage(name: string): Image<Uint8Array> {
  const { shape, data } = golden.images[name];
  return { data: bytes(data), channels: shape[0], height: shape[1], width: shape[2] };
}

/** A base64 float32 array of the fixture. */
export function float32(b64: string): Float32Array {
  const buf = Buffer.from(b64, 'base64');
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** How two byte arrays differ: count of differing values and the largest difference. */
export function diff(actual: ArrayLike<number>, expected: ArrayLike<number>): { count: number; max: number; first: number } {
  let count = 0;
  let max = 0;
  let first = -1;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d !== 0) {
      count++;
      max = Math.max(max, d);
      if (first < 0) first = i;
    }
  }
  return { count, max, first };
}
