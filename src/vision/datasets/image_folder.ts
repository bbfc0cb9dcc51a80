// torchvision's ImageFolder: one sub-folder per class under `root`, PNG and JPEG files inside
// (found recursively, in sorted order, as torchvision's make_dataset walks them). Class names are
// the sorted folder names, so labels are the same as torchvision's for the same folder. The images
// are decoded once, converted as torchvision's default loader does (PIL's convert('RGB'), or 'L'),
// resized to one size and held in shared memory like every smoothlab dataset: the loader's
// transforms and workers then work on them as on CIFAR. Decoding is pure JS (pngjs, jpeg-js).
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { resize } from '../transforms/functional/resize.js';
import { toHWC, toImage } from '../transforms/functional/convert.js';
import { ImageArrayDataset, sharedBytes, sharedLabels } from './array.js';

/** The file extensions ImageFolder decodes (torchvision's IMG_EXTENSIONS that are PNG or JPEG). */
export const IMAGE_FOLDER_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg']);

/** Options of ImageFolder. */
export interface ImageFolderOptions {
  /** The folder that holds one folder per class. */
  root: string;
  /** [height, width] of every image (bilinear resize where an image differs); default: the first image's size. */
  size?: [number, number];
  /** 3: RGB (torchvision's default loader), or 1: grayscale (PIL's 'L'). */
  channels?: 1 | 3;
}

/** A decoded image: height x width x 4 bytes (RGBA). */
interface Rgba {
  data: Uint8Array;
  height: number;
  width: number;
}

function decode(path: string): Rgba {
  const bytes = readFileSync(path);
  try {
    if (bytes.length >= 8 && bytes.readUInt32BE(0) === 0x89504e47) {
      const png = PNG.sync.read(bytes);
      return { data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.length), height: png.height, width: png.width };
    }
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
      return { data: img.data, height: img.height, width: img.width };
    }
  } catch (error) {
    throw new Error(`ImageFolder: cannot decode ${path}: ${(error as Error).message}`);
  }
  throw new Error(`ImageFolder: ${path} is neither a PNG nor a JPEG file`);
}

// RGBA -> HWC bytes with `channels` channels: alpha dropped as PIL's convert('RGB') drops it, or
// PIL's 'L' luma (ITU-R 601-2 weights in 16-bit fixed point, rounded).
function convert(img: Rgba, channels: 1 | 3): Uint8Array {
  const n = img.height * img.width;
  const out = new Uint8Array(n * channels);
  const d = img.data;
  for (let p = 0; p < n; p++) {
    if (channels === 3) {
      out[3 * p] = d[4 * p];
      out[3 * p + 1] = d[4 * p + 1];
      out[3 * p + 2] = d[4 * p + 2];
    } else {
      out[p] = (d[4 * p] * 19595 + d[4 * p + 1] * 38470 + d[4 * p + 2] * 7471 + 0x8000) >> 16;
    }
  }
  return out;
}

// Files under `dir` with an accepted extension, recursively and in sorted order (os.walk, sorted).
function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) out.push(...filesUnder(path));
    else if (IMAGE_FOLDER_EXTENSIONS.includes(extname(name).toLowerCase())) out.push(path);
  }
  return out;
}

/** Class folders and their files as torchvision's find_classes and make_dataset find them. */
export function findImageFiles(root: string): { classes: string[]; samples: [path: string, label: number][] } {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    throw new Error(`ImageFolder: cannot read ${root}: ${(error as Error).message}`);
  }
  const classes = entries.filter((name) => statSync(join(root, name)).isDirectory()).sort();
  if (classes.length === 0) throw new Error(`ImageFolder: couldn't find any class folder in ${root}`);
  const samples: [string, number][] = [];
  const empty: string[] = [];
  classes.forEach((name, label) => {
    const files = filesUnder(join(root, name));
    if (files.length === 0) empty.push(name);
    for (const file of files) samples.push([file, label]);
  });
  if (empty.length > 0) {
    throw new Error(`ImageFolder: found no valid file for the classes ${empty.join(', ')} in ${root}. Supported extensions are: ${IMAGE_FOLDER_EXTENSIONS.join(', ')}`);
  }
  return { classes, samples };
}

/** Labelled images from a folder of class folders (torchvision.datasets.ImageFolder), decoded into memory. */
export class ImageFolder extends ImageArrayDataset {
  /** The folder that was read. */
  readonly root: string;
  /** Class name to label (torchvision's class_to_idx). */
  readonly classToIdx: Readonly<Record<string, number>>;
  /** [file, label] of every image, in label then file order. */
  readonly samples: readonly (readonly [string, number])[];

  /** Finds, decodes and resizes every image under `root` (synchronously). */
  constructor(options: ImageFolderOptions) {
    const { root, size, channels = 3 } = options ?? ({} as ImageFolderOptions);
    if (typeof root !== 'string' || root === '') throw new TypeError(`ImageFolder: root must be a non-empty string, got ${JSON.stringify(root)}`);
    if (channels !== 1 && channels !== 3) throw new TypeError(`ImageFolder: channels must be 1 or 3, got ${JSON.stringify(channels)}`);
    if (size !== undefined && !(Array.isArray(size) && size.length === 2 && size.every((v) => Number.isInteger(v) && v > 0))) {
      throw new TypeError(`ImageFolder: size must be [height, width] of positive integers, got ${JSON.stringify(size)}`);
    }
    const dir = resolve(root);
    const { classes, samples } = findImageFiles(dir);
    let height = size?.[0] ?? 0;
    let width = size?.[1] ?? 0;
    let images: Uint8Array | null = null;
    const pixels = () => height * width * channels;
    samples.forEach(([path], i) => {
      const decoded = decode(path);
      if (images === null) {
        if (height === 0) [height, width] = [decoded.height, decoded.width];
        images = sharedBytes(samples.length * pixels());
      }
      let hwc = convert(decoded, channels);
      if (decoded.height !== height || decoded.width !== width) {
        const chw = toImage({ layout: 'HWC', data: hwc, height: decoded.height, width: decoded.width, channels });
        hwc = toHWC(resize(chw, [height, width])).data;
      }
      images.set(hwc, i * pixels());
    });
    super({ images: images!, labels: sharedLabels(samples.map(([, label]) => label)), height, width, channels, classes });
    this.root = dir;
    this.classToIdx = Object.freeze(Object.fromEntries(classes.map((name, i) => [name, i])));
    this.samples = Object.freeze(samples.map((s) => Object.freeze(s)));
  }

  /** The labels as a plain list (torchvision's targets). */
  get targets(): number[] {
    return Array.from(this.labels);
  }
}
