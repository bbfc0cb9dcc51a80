// Reads test/fixtures/transforms.json (scripts/goldens/transforms.py): the images and the uint8
// kernel outputs live in one zlib-compressed blob addressed by offset and length; float32 kernel
// outputs and random-transform outputs are SHA-256 digests. No native build needed.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';
import { functional as F, type Image } from '../../../src/vision/transforms/index.js';
import type { Ref } from './goldens.js';

/** One functional kernel applied by torchvision. */
export interface KernelCase {
  fn: 'resize' | 'centerCrop' | 'resizedCrop' | 'pad' | 'adjustHue' | 'gaussianBlur' | 'adjustBrightness' | 'adjustContrast' | 'adjustSaturation';
  image: string;
  dtype: 'uint8' | 'float32';
  args: Record<string, unknown>;
  shape: [number, number, number];
  /** The output's bytes (uint8 cases of the small images). */
  output?: Ref;
  /** Or its digest. */
  sha256?: string;
}

/** One output of a seeded random transform, by digest. */
export interface RandomOutput {
  shape: [number, number, number];
  sha256: string;
  length: number;
}

/** A random transform after torch.manual_seed(seed), called once per input. */
export interface RandomCase {
  name: string;
  args: unknown[];
  dtype: 'uint8' | 'float32';
  seed: number;
  inputs: string[];
  params: unknown[] | null;
  outputs: RandomOutput[];
}

/** The fixture as transforms.py writes it. */
export interface TransformsFixture {
  torchvision: string;
  images: Record<string, { shape: [number, number, number]; data: Ref }>;
  functional: KernelCase[];
  kernels: { size: number; sigma: number; values: number[] }[];
  random: RandomCase[];
  blob: string;
}

const path = fileURLToPath(new URL('../../../../test/fixtures/transforms.json', import.meta.url));

/** The parsed fixture. */
export const fixture = JSON.parse(readFileSync(path, 'utf8')) as TransformsFixture;

const blob = inflateSync(Buffer.from(fixture.blob, 'base64'));

/** The values a reference points at, as the given element type (a copy). */
export function values(ref: Ref, dtype: 'uint8' | 'float32'): Uint8Array | Float32Array {
  const bytes = new Uint8Array(blob.buffer, blob.byteOffset + ref.offset, ref.length).slice();
  return dtype === 'uint8' ? bytes : new Float32Array(bytes.buffer);
}

/** A fixture image as uint8, or as float32 the way torchvision's convert_image_dtype makes it. */
export function fixtureImage(name: string, dtype: 'uint8' | 'float32' = 'uint8'): Image {
  const { shape, data } = fixture.images[name];
  const img: Image<Uint8Array> = { data: values(data, 'uint8') as Uint8Array, channels: shape[0], height: shape[1], width: shape[2] };
  return dtype === 'uint8' ? img : F.toDtype(img, 'float32', { scale: true });
}

/** The SHA-256 of an image's storage bytes (as the generator hashes a tensor's). */
export function sha256(data: Uint8Array | Float32Array): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}
