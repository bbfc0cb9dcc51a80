// The MNIST family: 28x28 grayscale classification sets stored as four IDX files (train / test
// images and labels), as torchvision's MNIST and FashionMNIST read them. Files are read whole:
// the largest split is 47 MB decompressed, and batching then slices memory instead of files.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { sharedLabels } from './array.js';
import { type DownloadOptions, downloadFile } from './download.js';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from './idx.js';
import type { ImageClassificationDataset, ImageSample } from './types.js';

/** Where a MNIST-family dataset lives and which split to read. */
export interface MnistOptions {
  /** Folder holding the IDX files directly (gzip-compressed `.gz` or plain); each class has a default. */
  root?: string;
  /** The training split (true, the default) or the test split. */
  train?: boolean;
}

/** Where the four .gz files are fetched from: base URLs tried in order, and each file's MD5. */
export interface MnistSource {
  mirrors: readonly string[];
  md5: Readonly<Record<string, string>>;
}

/** Options of MNIST.load / FashionMNIST.load. */
export interface MnistLoadOptions extends MnistOptions, DownloadOptions {
  /** Download the split's missing .gz files into `root` (MD5-checked, each written atomically). */
  download?: boolean;
  /** Mirrors and checksums instead of torchvision's (for a local mirror). */
  source?: MnistSource;
}

// What tells one member of the family from another.
interface FamilySpec {
  name: string;
  classes: readonly string[];
  defaultRoot: string;
  // How to get the files into `root`: a sentence or two for the missing-file error.
  howToGet: (root: string) => string;
  // torchvision's mirrors and MD5s of the four .gz files.
  source: MnistSource;
}

const fileNames = (train: boolean) => {
  const split = train ? 'train' : 't10k';
  return { images: `${split}-images-idx3-ubyte`, labels: `${split}-labels-idx1-ubyte` };
};

// The plain file wins over the .gz one: torchvision leaves both after a download, and the plain
// one skips a decompression.
function locate(spec: FamilySpec, root: string, name: string): string {
  const found = [join(root, name), join(root, `${name}.gz`)].find((p) => existsSync(p));
  if (found !== undefined) return found;
  const file = join(root, `${name}.gz`);
  throw new Error(`${spec.name}: missing ${file} (nor found uncompressed as ${join(root, name)}). ${spec.howToGet(root)}`);
}

/**
 * Downloads the split's missing .gz files into `root` (a file present plain or compressed counts
 * as present), trying each mirror in turn; a failed file leaves nothing behind.
 */
async function fetchSplit(spec: FamilySpec, options: MnistLoadOptions): Promise<void> {
  const { root = spec.defaultRoot, train = true, source = spec.source } = options;
  const dir = resolve(root);
  const names = fileNames(train);
  for (const name of [names.images, names.labels]) {
    if ([join(dir, name), join(dir, `${name}.gz`)].some((p) => existsSync(p))) continue;
    const file = `${name}.gz`;
    const md5 = source.md5[file];
    if (md5 === undefined) throw new TypeError(`${spec.name}: the download source has no MD5 for ${file}`);
    const errors: string[] = [];
    for (const mirror of source.mirrors) {
      try {
        await downloadFile({ url: new URL(file, mirror.endsWith('/') ? mirror : `${mirror}/`).toString(), md5 }, join(dir, file), options);
        errors.length = 0;
        break;
      } catch (error) {
        errors.push((error as Error).message);
      }
    }
    if (errors.length > 0) throw new Error(`${spec.name}: cannot download ${file}: ${errors.join('; ')}`);
  }
}

/** A MNIST-family split held in memory: IDX images and labels checked against each other. */
export class MnistFamilyDataset implements ImageClassificationDataset {
  /** The folder the files were read from. */
  readonly root: string;
  /** Whether this is the training split. */
  readonly train: boolean;
  /** Class names, indexed by label (torchvision's `classes`). */
  readonly classes: readonly string[];
  /** Number of examples. */
  readonly length: number;
  /** Image height in pixels (28). */
  readonly height: number;
  /** Image width in pixels (28). */
  readonly width: number;
  /** Grayscale: one channel. */
  readonly channels = 1;
  /** All images back to back, length * height * width bytes, row-major (HWC with C = 1). */
  readonly images: Uint8Array;
  /** All labels, in [0, classes.length). */
  readonly labels: Int32Array;

  /** Reads one split of the dataset described by `spec` (subclasses pass their own). */
  protected constructor(spec: FamilySpec, options: MnistOptions = {}) {
    const { root = spec.defaultRoot, train = true } = options;
    if (typeof root !== 'string' || root === '') throw new TypeError(`${spec.name}: root must be a non-empty string, got ${JSON.stringify(root)}`);
    if (typeof train !== 'boolean') throw new TypeError(`${spec.name}: train must be a boolean, got ${JSON.stringify(train)}`);
    this.root = resolve(root);
    this.train = train;
    this.classes = spec.classes;

    const names = fileNames(train);
    const imagesFile = locate(spec, this.root, names.images);
    const labelsFile = locate(spec, this.root, names.labels);
    const images = readIdx(imagesFile, IDX_IMAGES_MAGIC);
    const labels = readIdx(labelsFile, IDX_LABELS_MAGIC);
    const [count, height, width] = images.dims;
    if (count !== labels.dims[0]) {
      throw new Error(`${spec.name}: count mismatch: ${imagesFile} has ${count} images but ${labelsFile} has ${labels.dims[0]} labels`);
    }
    const bad = labels.data.findIndex((l) => l >= spec.classes.length);
    if (bad >= 0) {
      throw new Error(`${labelsFile}: corrupt: label ${labels.data[bad]} at index ${bad} is not a class index (0..${spec.classes.length - 1})`);
    }
    this.length = count;
    this.height = height;
    this.width = width;
    this.images = images.data;
    this.labels = sharedLabels(labels.data);
  }

  /** Example i (0 <= i < length): a copy of its height x width x 1 pixels and its label. */
  get(i: number): ImageSample {
    if (!Number.isInteger(i)) throw new TypeError(`get: index must be an integer, got ${i}`);
    if (i < 0 || i >= this.length) throw new RangeError(`get: index ${i} is out of range for a dataset of ${this.length} examples`);
    const size = this.height * this.width;
    // A copy, so that a transform writing into the image cannot change the dataset.
    return { image: this.images.slice(i * size, (i + 1) * size), label: this.labels[i] };
  }
}

/** torchvision's MNIST class names. */
export const MNIST_CLASSES: readonly string[] = Object.freeze([
  '0 - zero', '1 - one', '2 - two', '3 - three', '4 - four', '5 - five', '6 - six', '7 - seven', '8 - eight', '9 - nine',
]);

/** torchvision's Fashion-MNIST class names. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
]);

/** Debian's dataset-fashion-mnist package installs the four files here. */
export const FASHION_MNIST_DEBIAN_ROOT = '/usr/share/datasets/fashion-mnist';

const mnistSpec: FamilySpec = {
  name: 'MNIST',
  classes: MNIST_CLASSES,
  // No distribution packages MNIST, so the default is a project-local folder.
  defaultRoot: 'data/mnist',
  howToGet: (root) =>
    `Put MNIST's four IDX files (train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, ` +
    `t10k-labels-idx1-ubyte.gz, from Yann LeCun's MNIST page or torchvision's MNIST/raw folder) in ${root}, ` +
    `or pass { root } naming the folder that holds them, or download them with \`await MNIST.load({ root: ${JSON.stringify(root)}, download: true })\`.`,
  source: {
    // torchvision 0.14's mirrors, the S3 copy first: yann.lecun.com often refuses plain downloads now.
    mirrors: ['https://ossci-datasets.s3.amazonaws.com/mnist/', 'http://yann.lecun.com/exdb/mnist/'],
    md5: {
      'train-images-idx3-ubyte.gz': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      'train-labels-idx1-ubyte.gz': 'd53e105ee54ea40749a09fcbcd1e9432',
      't10k-images-idx3-ubyte.gz': '9fb629c4189551a2d022fa330f9573f3',
      't10k-labels-idx1-ubyte.gz': 'ec29112dd5afa0611ce80d1b7f02629c',
    },
  },
};

const fashionSpec: FamilySpec = {
  name: 'FashionMNIST',
  classes: FASHION_MNIST_CLASSES,
  defaultRoot: FASHION_MNIST_DEBIAN_ROOT,
  howToGet: (root) =>
    `Get it with \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), which puts the four IDX files in ${FASHION_MNIST_DEBIAN_ROOT} ` +
    `(the default root), put them in ${root} yourself, or download them with \`await FashionMNIST.load({ root: ${JSON.stringify(root)}, download: true })\`.`,
  source: {
    mirrors: ['http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/'],
    md5: {
      'train-images-idx3-ubyte.gz': '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      'train-labels-idx1-ubyte.gz': '25c81989df183df01b3e8a0aad5dffbe',
      't10k-images-idx3-ubyte.gz': 'bef4ecab320f06d8554ea6380940ec79',
      't10k-labels-idx1-ubyte.gz': 'bb300cfdad3c16e7a12a480ee83cd310',
    },
  },
};

/** The MNIST handwritten digits (60,000 train / 10,000 test images, 28x28 grayscale); root defaults to ./data/mnist. */
export class MNIST extends MnistFamilyDataset {
  /** Reads the training (default) or test split from `root`. */
  constructor(options: MnistOptions = {}) {
    super(mnistSpec, options);
  }

  /** Like the constructor, but with `download: true` fetches missing files first (torchvision's mirrors and MD5s). */
  static async load(options: MnistLoadOptions = {}): Promise<MNIST> {
    if (options.download) await fetchSplit(mnistSpec, options);
    return new MNIST(options);
  }
}

/** Zalando's Fashion-MNIST (60,000 / 10,000 images of 10 kinds of clothing, 28x28 grayscale); root defaults to Debian's package. */
export class FashionMNIST extends MnistFamilyDataset {
  /** Reads the training (default) or test split from `root`. */
  constructor(options: MnistOptions = {}) {
    super(fashionSpec, options);
  }

  /** Like the constructor, but with `download: true` fetches missing files first (Zalando's S3 mirror, MD5-checked). */
  static async load(options: MnistLoadOptions = {}): Promise<FashionMNIST> {
    if (options.download) await fetchSplit(fashionSpec, options);
    return new FashionMNIST(options);
  }
}
