// A small learnable stand-in for CIFAR in tests and smoke runs: each class has its own colour and
// stripe orientation, with per-image jitter and noise, so a model can tell classes apart within
// an epoch or two, and every seed gives the same images. Stored in shared memory like the others.
import { Generator } from '../../data/generator.js';
import { ImageArrayDataset, sharedBytes } from './array.js';

/** Options of SyntheticImages (CIFAR-10's sizes by default). */
export interface SyntheticImagesOptions {
  /** Number of images (1,000). */
  length?: number;
  height?: number;
  width?: number;
  channels?: number;
  numClasses?: number;
  /** The seed of the images and labels (0). */
  seed?: number;
}

/** Deterministic class-dependent images: labels cycle through the classes in a seeded shuffle. */
export class SyntheticImages extends ImageArrayDataset {
  /** The seed the images were made from. */
  readonly seed: number;

  /** Makes `length` images; the same options always give the same bytes. */
  constructor(options: SyntheticImagesOptions = {}) {
    const { length = 1000, height = 32, width = 32, channels = 3, numClasses = 10, seed = 0 } = options;
    for (const [name, v, min] of [['length', length, 0], ['height', height, 1], ['width', width, 1], ['channels', channels, 1], ['numClasses', numClasses, 1]] as const) {
      if (!Number.isInteger(v) || v < min) throw new TypeError(`SyntheticImages: ${name} must be an integer >= ${min}, got ${v}`);
    }
    const g = new Generator(seed);
    const size = height * width * channels;
    const images = sharedBytes(length * size);
    const labels = new Int32Array(new SharedArrayBuffer(4 * length));
    const order = g.randperm(length);
    for (let i = 0; i < length; i++) labels[order[i]] = i % numClasses;
    for (let i = 0; i < length; i++) {
      const label = labels[i];
      // The class fixes a hue and a stripe direction; each image shifts its phase and brightness.
      const angle = (Math.PI * label) / numClasses;
      const [dx, dy] = [Math.cos(angle), Math.sin(angle)];
      const phase = g.rand() * 2 * Math.PI;
      const gain = 0.7 + 0.3 * g.rand();
      const base = i * size;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const stripe = Math.sin(((x * dx + y * dy) * 2 * Math.PI) / 8 + phase);
          for (let c = 0; c < channels; c++) {
            const hue = 0.5 + 0.5 * Math.cos((2 * Math.PI * label) / numClasses + (2 * Math.PI * c) / 3);
            const v = 255 * gain * (0.25 + 0.5 * hue) + 50 * stripe + 24 * (g.rand() - 0.5);
            images[base + (y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)));
          }
        }
      }
    }
    super({ images, labels, height, width, channels, classes: Array.from({ length: numClasses }, (_, k) => `class ${k}`) });
    this.seed = seed;
  }
}
