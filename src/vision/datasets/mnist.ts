// The MNIST family: 28x28 grayscale classification sets stored as four IDX files (train / test
// images and labels), as torchvision's MNIST and FashionMNIST read them. Files are read whole:
// the largest split is 47 MB decompressed, and batching then slices memory instead of files.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, readIdx } from './idx.js';
import type { ImageClassificationDataset, ImageSample } from './types.js';

/** Where a MNIST-family dataset lives and which split to read. */
export interface MnistOptions {
  /** Folder holding the IDX files directly (gzip-compressed `.gz` or plain); each class has a default. */
  root?: string;
  /** The training split (true, the default) or the test split. */
  train?: boolean;
}

// What tells one member of the family from another.
interface FamilySpec {
  name: string;
  classes: readonly string[];
  defaultRoot: string;
  // How to get the files into `root`: a sentence or two for the missing-file error.
  howToGet: (root: string) => string;
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
  /** All labels, one byte each, in [0, classes.length). */
  readonly labels: Uint8Array;

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
    this.labels = labels.data;
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
    'or pass { root } naming the folder that holds them; smoothlab does not download datasets yet.',
};

const fashionSpec: FamilySpec = {
  name: 'FashionMNIST',
  classes: FASHION_MNIST_CLASSES,
  defaultRoot: FASHION_MNIST_DEBIAN_ROOT,
  howToGet: (root) =>
    `Get it with \`apt-get install dataset-fashion-mnist\` (Debian/Ubuntu), which puts the four IDX files in ${FASHION_MNIST_DEBIAN_ROOT} ` +
    `(the default root), or put them in ${root} yourself; smoothlab does not download datasets yet.`,
};

/** The MNIST handwritten digits (60,000 train / 10,000 test images, 28x28 grayscale); root defaults to ./data/mnist. */
export class MNIST extends MnistFamilyDataset {
  /** Reads the training (default) or test split from `root`. */
  constructor(options: MnistOptions = {}) {
    super(mnistSpec, options);
  }
}

/** Zalando's Fashion-MNIST (60,000 / 10,000 images of 10 kinds of clothing, 28x28 grayscale); root defaults to Debian's package. */
export class FashionMNIST extends MnistFamilyDataset {
  /** Reads the training (default) or test split from `root`. */
  constructor(options: MnistOptions = {}) {
    super(fashionSpec, options);
  }
}
