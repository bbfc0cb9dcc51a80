// CIFAR-10 and CIFAR-100 (Krizhevsky, "Learning Multiple Layers of Features from Tiny Images",
// 2009): 50,000 training and 10,000 test images of 32x32x3. Either official version is read:
// the python one (the folder torchvision downloads, so an existing torchvision root is reused)
// or the binary one. Images are stored HWC in shared memory for DataLoader workers.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImageArrayDataset, sharedBytes } from './array.js';
import { type CifarBatch, CIFAR_IMAGE_BYTES, readBinaryBatch, readNameLines, readPickledNames, readPythonBatch, transposeInto } from './cifar_files.js';
import { type DownloadOptions, type Resource, downloadAndExtract, localPath, md5File } from './download.js';

/** The two official versions of the CIFAR files. */
export type CifarFormat = 'python' | 'binary';

/** Where a CIFAR dataset lives and which split to read. */
export interface CifarOptions {
  /** Folder holding cifar-10-batches-py (or -bin, cifar-100-python, cifar-100-binary); ./data by default. */
  root?: string;
  /** The training split (true, the default) or the test split. */
  train?: boolean;
  /** Which version to read; 'auto' (default) prefers the python one when both are present. */
  format?: 'auto' | CifarFormat;
}

/** Options of CIFAR10.load / CIFAR100.load. */
export interface CifarLoadOptions extends CifarOptions, DownloadOptions {
  /** Download and extract the official archive into `root` when the files are missing. */
  download?: boolean;
  /**
   * Where to get the archive instead of the official address, with its MD5: a mirror's URL, or a
   * local archive file (a path or file: URL), which is extracted without `download`.
   */
  source?: Resource;
}

interface VersionSpec {
  folder: string;
  archive: string;
  resource: Resource;
  train: readonly string[];
  test: readonly string[];
}

interface CifarSpec {
  name: string;
  /** Label keys (python) / label bytes (binary), the main one last. */
  labelKeys: readonly string[];
  python: VersionSpec & { meta: string; nameKeys: readonly string[] };
  binary: VersionSpec & { meta: readonly string[] };
}

const CIFAR10_SPEC: CifarSpec = {
  name: 'CIFAR10',
  labelKeys: ['labels'],
  python: {
    folder: 'cifar-10-batches-py',
    archive: 'cifar-10-python.tar.gz',
    resource: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz', md5: 'c58f30108f718f92721af3b95e74349a' },
    train: ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5'],
    test: ['test_batch'],
    meta: 'batches.meta',
    nameKeys: ['label_names'],
  },
  binary: {
    folder: 'cifar-10-batches-bin',
    archive: 'cifar-10-binary.tar.gz',
    resource: { url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz', md5: 'c32a1d4ab5d03f1284b67883e8d87530' },
    train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
    test: ['test_batch.bin'],
    meta: ['batches.meta.txt'],
  },
};

const CIFAR100_SPEC: CifarSpec = {
  name: 'CIFAR100',
  labelKeys: ['coarse_labels', 'fine_labels'],
  python: {
    folder: 'cifar-100-python',
    archive: 'cifar-100-python.tar.gz',
    resource: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz', md5: 'eb9058c3a382ffc7106e4002c42a8d85' },
    train: ['train'],
    test: ['test'],
    meta: 'meta',
    nameKeys: ['coarse_label_names', 'fine_label_names'],
  },
  binary: {
    folder: 'cifar-100-binary',
    archive: 'cifar-100-binary.tar.gz',
    resource: { url: 'https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz', md5: '03b5dce01913d631647c71ecec9e9cb8' },
    train: ['train.bin'],
    test: ['test.bin'],
    meta: ['coarse_label_names.txt', 'fine_label_names.txt'],
  },
};

function checkOptions(name: string, options: CifarOptions): Required<CifarOptions> {
  const { root = 'data', train = true, format = 'auto' } = options;
  if (typeof root !== 'string' || root === '') throw new TypeError(`${name}: root must be a non-empty string, got ${JSON.stringify(root)}`);
  if (typeof train !== 'boolean') throw new TypeError(`${name}: train must be a boolean, got ${JSON.stringify(train)}`);
  if (!['auto', 'python', 'binary'].includes(format)) throw new TypeError(`${name}: format must be 'auto', 'python' or 'binary', got ${JSON.stringify(format)}`);
  return { root: resolve(root), train, format };
}

function filesOf(spec: CifarSpec, format: CifarFormat, train: boolean): string[] {
  const v = spec[format];
  const meta = format === 'python' ? [spec.python.meta] : spec.binary.meta;
  return [...(train ? v.train : v.test), ...meta];
}

// The version to read: the requested one, or the first complete one (python first).
function pickFormat(spec: CifarSpec, root: string, format: 'auto' | CifarFormat, train: boolean): CifarFormat | null {
  const complete = (f: CifarFormat) => filesOf(spec, f, train).every((file) => existsSync(join(root, spec[f].folder, file)));
  if (format !== 'auto') return complete(format) ? format : null;
  return complete('python') ? 'python' : complete('binary') ? 'binary' : null;
}

function missingError(spec: CifarSpec, root: string, format: 'auto' | CifarFormat, train: boolean): Error {
  const formats: CifarFormat[] = format === 'auto' ? ['python', 'binary'] : [format];
  const missing = formats.map((f) => {
    const files = filesOf(spec, f, train).map((file) => join(root, spec[f].folder, file)).filter((p) => !existsSync(p));
    return `${f} version: missing ${files.join(', ')}`;
  });
  return new Error(`${spec.name}: no complete copy in ${root} (${missing.join('; ')}). ` +
    `Download it with \`await vision.datasets.${spec.name}.load({ root: ${JSON.stringify(root)}, download: true })\`, ` +
    `place the official ${spec.python.archive} in ${root}, ` +
    `or pass { root } naming the folder that holds ${spec.python.folder} (torchvision's download) or ${spec.binary.folder}.`);
}

/** What CIFAR10 and CIFAR100 share: reading either version of one split into shared memory. */
export class CifarDataset extends ImageArrayDataset {
  /** The folder the files were read from (the one holding the version's folder). */
  readonly root: string;
  /** Whether this is the training split. */
  readonly train: boolean;
  /** The version that was read. */
  readonly format: CifarFormat;
  /** Names of the batch files read, in order. */
  readonly files: readonly string[];

  /** Reads one split as `spec` describes it (subclasses pass their own). */
  protected constructor(spec: CifarSpec, options: CifarOptions, extra: (batches: CifarBatch[], labels: Record<string, Uint8Array>, classes: string[][]) => void = () => undefined) {
    const { root, train, format } = checkOptions(spec.name, options);
    const picked = pickFormat(spec, root, format, train);
    if (picked === null) throw missingError(spec, root, format, train);
    const v = spec[picked];
    const folder = join(root, v.folder);
    const classNames = picked === 'python'
      ? spec.python.nameKeys.map((key) => readPickledNames(join(folder, spec.python.meta), key))
      : spec.binary.meta.map((file) => readNameLines(join(folder, file)));
    const counts = classNames.map((names) => names.length);
    const files = (train ? v.train : v.test).map((file) => join(folder, file));
    const batches = files.map((file) => (picked === 'python' ? readPythonBatch(file, spec.labelKeys, counts) : readBinaryBatch(file, spec.labelKeys, counts)));
    const total = batches.reduce((n, b) => n + b.count, 0);
    const images = sharedBytes(total * CIFAR_IMAGE_BYTES);
    const allLabels: Record<string, Uint8Array> = Object.fromEntries(spec.labelKeys.map((k) => [k, sharedBytes(total)]));
    let at = 0;
    for (const batch of batches) {
      for (const key of spec.labelKeys) allLabels[key].set(batch.labels[key], at);
      at = transposeInto(images, at, batch.pixels, batch.count);
    }
    const main = spec.labelKeys[spec.labelKeys.length - 1];
    super({ images, labels: allLabels[main], height: 32, width: 32, channels: 3, classes: classNames[classNames.length - 1] });
    this.root = root;
    this.train = train;
    this.format = picked;
    this.files = files;
    extra(batches, allLabels, classNames);
  }

  /**
   * Makes the files of `spec`'s version when they are missing: from a local source archive, from
   * the archive placed in root (either only when its MD5 matches), or, with `download`, from the
   * source URL or the official address.
   */
  protected static async fetchFiles(spec: CifarSpec, options: CifarLoadOptions): Promise<void> {
    const { root, train, format } = checkOptions(spec.name, options);
    if (pickFormat(spec, root, format, train) !== null) return;
    // The python version is the default download: it is torchvision's, so both can share a root.
    const version = format === 'binary' ? 'binary' : 'python';
    const v = spec[version];
    const resource = options.source ?? v.resource;
    const placed = join(root, v.archive);
    if (!options.download && localPath(resource.url) === null) {
      if (!existsSync(placed)) return; // the constructor names what is missing
      const actual = await md5File(placed);
      if (actual !== resource.md5.toLowerCase()) {
        throw new Error(`${spec.name}: ${placed} has MD5 ${actual}, expected ${resource.md5.toLowerCase()} (the official archive's); ` +
          'delete it, or download again with `download: true` (smoothlab study --download)');
      }
    }
    await downloadAndExtract(resource, root, v.archive, v.folder, options);
    if (pickFormat(spec, root, version, train) === null) throw missingError(spec, root, version, train);
  }
}

/** CIFAR-10: 10 classes (airplane ... truck), 50,000 training and 10,000 test images of 32x32x3. */
export class CIFAR10 extends CifarDataset {
  /** Reads one split from files already on disk (see CIFAR10.load to download). */
  constructor(options: CifarOptions = {}) {
    super(CIFAR10_SPEC, options);
  }

  /** Like the constructor, but with `download: true` fetches the official archive first (MD5-checked, extracted atomically). */
  static async load(options: CifarLoadOptions = {}): Promise<CIFAR10> {
    await CifarDataset.fetchFiles(CIFAR10_SPEC, options);
    return new CIFAR10(options);
  }
}

/** CIFAR-100: 100 fine classes in 20 coarse superclasses; `labels` are the fine ones, as in torchvision. */
export class CIFAR100 extends CifarDataset {
  /** Coarse (superclass) labels, one byte per image. */
  readonly coarseLabels!: Uint8Array;
  /** Names of the 20 superclasses. */
  readonly coarseClasses!: readonly string[];

  /** Reads one split from files already on disk (see CIFAR100.load to download). */
  constructor(options: CifarOptions = {}) {
    let coarse: { labels: Uint8Array; classes: string[] } | undefined;
    super(CIFAR100_SPEC, options, (_batches, labels, classes) => {
      coarse = { labels: labels.coarse_labels, classes: classes[0] };
    });
    this.coarseLabels = coarse!.labels;
    this.coarseClasses = coarse!.classes;
  }

  /** Like the constructor, but with `download: true` fetches the official archive first (MD5-checked, extracted atomically). */
  static async load(options: CifarLoadOptions = {}): Promise<CIFAR100> {
    await CifarDataset.fetchFiles(CIFAR100_SPEC, options);
    return new CIFAR100(options);
  }
}

/** The official archives and folders, for tools that fetch or check them. */
export const CIFAR_RESOURCES = Object.freeze({ CIFAR10: CIFAR10_SPEC, CIFAR100: CIFAR100_SPEC });
