// DataLoader: batches of a dataset, in order, reproducible per seed for any number of workers. An
// image dataset (one that holds its pixels in arrays, as every vision dataset does) goes through
// the image pipeline: a per-sample transform, shared-memory slots, [images, labels] tensors. Any
// other Dataset goes through get(i) and a collateFn, as in torch.utils.data. Each `for await` over
// the loader is one epoch; batch b of epoch e always holds the same samples, so setEpoch() and
// loadStateDict() resume a run on the very batch it stopped at (with a sampler: when the sampler's
// order depends only on its epoch, as DistributedSampler's does). Both pipelines let the event loop
// turn between batches, so that timers, signal handlers and the GC safety net run during training.
import { randomInt } from 'node:crypto';
import type { Device } from '../torch/dtype.js';
import { defaultDraws } from '../torch/default_generator.js';
import type { Tensor } from '../torch/tensor.js';
import { Compose, type Transform } from '../vision/transforms/transform.js';
import { ToDtype, ToImage } from '../vision/transforms/convert.js';
import type { SampleShape } from './batch_fill.js';
import { type Batch, type RawBatch, defaultCollate, loadTorch, pinBatch, tensorCollate, toDevice } from './collate.js';
import { type Dataset, isDataset } from './dataset.js';
import { NotTransferableError } from './dataset_spec.js';
import { Generator, deriveSeed } from './generator.js';
import { type EpochPlan, ImagePipeline } from './image_pipeline.js';
import { imageSource } from './image_source.js';
import { SamplePipeline } from './sample_pipeline.js';
import { type Sampler, batchCount, batchesOf, epochOrder, samplerOrder } from './sampler.js';

/** Options of DataLoader (PyTorch's names, camelCase; PyTorch's defaults where it has them). */
export interface DataLoaderOptions<B = Batch> {
  /** Samples per batch (1). */
  batchSize?: number;
  /** A new seeded permutation every epoch (false). */
  shuffle?: boolean;
  /** The indices of each epoch instead of 0..n-1 or shuffle's permutation, e.g. a DistributedSampler; excludes shuffle: true. */
  sampler?: Sampler;
  /** Drop the last batch when it is smaller than batchSize (false). */
  dropLast?: boolean;
  /** Worker threads preparing batches; 0 (the default) prepares them in the calling thread. */
  numWorkers?: number;
  /** Keep the workers between epochs until close() (false: they stop at the end of each epoch). */
  persistentWorkers?: boolean;
  /** Batches each worker prepares ahead (2). */
  prefetchFactor?: number;
  /** prefetchFactor's earlier name. */
  prefetch?: number;
  /** Seed of shuffling and augmentation; when omitted, drawn from `generator`, else from torch's default generator (torch.manualSeed). */
  seed?: number | bigint;
  /** The generator the seed is drawn from instead of torch's default one. */
  generator?: Generator;
  /**
   * Makes a batch of a list of samples (default: defaultCollate; image datasets: [images, labels]
   * tensors). Samples of an image dataset are [image: Tensor (C, H, W), label: number].
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  collateFn?: (samples: any[]) => B;
  /** Image datasets: the per-sample transform from HWC bytes to a CHW image; default ToImage + ToDtype('float32', { scale: true }). */
  transform?: Transform;
  /** Image datasets: turns a prepared batch (views of shared memory) into what iteration yields, instead of collateFn. */
  collate?: (batch: RawBatch) => B | Promise<B>;
  /** Device of the default collate's tensors ('cpu'); with pinMemory they get there from pinned memory, by non-blocking copies. */
  device?: Device;
  /**
   * Put each batch's CPU tensors in pinned (page-locked) host memory, from which copies to a CUDA
   * device run asynchronously (false). Without a usable CUDA device it is ignored with one warning, as in PyTorch.
   */
  pinMemory?: boolean;
}

/** DataLoader's single-argument form: the options with the dataset. */
export interface DataLoaderInit<B = Batch> extends DataLoaderOptions<B> {
  dataset: Dataset<unknown>;
}

/** Where a loader is within its epochs (torchdata's StatefulDataLoader keeps the same). */
export interface DataLoaderState {
  /** The epoch being iterated, or the next one. */
  epoch: number;
  /** Batches of that epoch already handed out. */
  batchesYielded: number;
  /** The loader's seed. */
  seed: number | bigint;
}

function positiveInt(name: string, v: unknown, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new TypeError(`DataLoader: ${name} must be an integer >= ${min}, got ${JSON.stringify(v)}`);
  return v as number;
}

function checkSeed(seed: unknown): number | bigint {
  if (!(typeof seed === 'bigint' || (Number.isSafeInteger(seed) && (seed as number) >= 0))) {
    throw new TypeError(`DataLoader: seed must be a non-negative integer, got ${String(seed)}`);
  }
  return seed as number | bigint;
}

// PyTorch warns through Python's warnings, which show a message once per process by default.
let warnedNoPinning = false;
function warnNoPinning(): void {
  if (warnedNoPinning) return;
  warnedNoPinning = true;
  process.emitWarning("DataLoader: 'pinMemory' is set but no CUDA device can be used, so batches stay in ordinary host memory", { code: 'SMOOTHLAB_PIN_MEMORY' });
}

// The seed when none is given: PyTorch draws the shuffle from its default generator, so
// torch.manualSeed(s) fixes it; without the engine loaded there is no such generator to follow.
function drawSeed(generator: Generator | undefined): number | bigint {
  if (generator !== undefined) {
    if (!(generator instanceof Generator)) throw new TypeError('DataLoader: generator must be a data.Generator');
    return Number(generator.random64() >> 11n);
  }
  return defaultDraws()?.seed() ?? randomInt(2 ** 47);
}

/** Iterates over a dataset in batches: `for await (const [x, y] of loader) { ... }`, one epoch per loop. */
export class DataLoader<B = Batch> implements AsyncIterable<B> {
  /** The dataset. */
  readonly dataset: Dataset<unknown>;
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch is shuffled. */
  readonly shuffle: boolean;
  /** The sampler that orders each epoch, or null (0..n-1, or shuffle's permutation). */
  readonly sampler: Sampler | null;
  /** Whether a smaller last batch is dropped. */
  readonly dropLast: boolean;
  /** Number of worker threads (0: the calling thread). */
  readonly numWorkers: number;
  /** Whether workers outlive an epoch. */
  readonly persistentWorkers: boolean;
  /** Batches prepared ahead per worker. */
  readonly prefetchFactor: number;
  /** The per-sample transform of an image dataset (null for other datasets). */
  readonly transform: Transform | null;
  /** Shape and type of one transformed image (null for other datasets). */
  readonly sampleShape: SampleShape | null;
  /** Whether batches are put in pinned host memory (when CUDA can be used). */
  readonly pinMemory: boolean;

  private readonly device: Device;
  private seedValue: number | bigint;
  private readonly pipeline: ImagePipeline<B> | SamplePipeline<B>;
  private nextEpoch = 0;
  private startBatch = 0;
  private current: { epoch: number; yielded: number } | null = null;
  private closed = false;

  /** `new DataLoader(dataset, options)` as in PyTorch, or `new DataLoader({ dataset, ...options })`. */
  constructor(dataset: Dataset<unknown>, options?: DataLoaderOptions<B>);
  constructor(init: DataLoaderInit<B>);
  constructor(first: Dataset<unknown> | DataLoaderInit<B>, second: DataLoaderOptions<B> = {}) {
    const single = !isDataset(first) && first !== null && typeof first === 'object' && 'dataset' in first;
    const options = (single ? first : second) as DataLoaderOptions<B>;
    const dataset = (single ? (first as DataLoaderInit<B>).dataset : first) as Dataset<unknown>;
    const { batchSize = 1, shuffle = false, dropLast = false, numWorkers = 0, persistentWorkers = false, pinMemory = false, seed, generator, collateFn, transform, collate, sampler = null } = options;
    if (!isDataset(dataset)) throw new TypeError('DataLoader: dataset must be a Dataset (a length and get(i)), e.g. a vision dataset or a data.TensorDataset');
    if (dataset.length === 0) throw new RangeError('DataLoader: the dataset is empty');
    this.dataset = dataset;
    this.batchSize = positiveInt('batchSize', batchSize);
    this.numWorkers = positiveInt('numWorkers', numWorkers, 0);
    this.prefetchFactor = positiveInt('prefetchFactor', options.prefetchFactor ?? options.prefetch ?? 2);
    for (const [name, v] of [['shuffle', shuffle], ['dropLast', dropLast], ['persistentWorkers', persistentWorkers], ['pinMemory', pinMemory]] as const) {
      if (typeof v !== 'boolean') throw new TypeError(`DataLoader: ${name} must be a boolean, got ${JSON.stringify(v)}`);
    }
    if (sampler !== null) {
      if (typeof (sampler as Partial<Sampler>)[Symbol.iterator] !== 'function') throw new TypeError('DataLoader: sampler must be an iterable of dataset indices (a DistributedSampler, an array, ...)');
      if (shuffle) throw new TypeError('DataLoader: sampler option is mutually exclusive with shuffle');  // PyTorch's ValueError
    }
    this.sampler = sampler;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
    this.persistentWorkers = persistentWorkers;
    this.pinMemory = pinMemory;
    // With pinMemory the collates make host tensors; the loader pins them and then moves them to
    // `device` where that applies (the default collates, and collateFn of an image dataset).
    const source = imageSource(dataset);
    const deviceApplies = source !== null ? collate === undefined : collateFn === undefined;
    this.device = pinMemory && deviceApplies ? options.device ?? 'cpu' : 'cpu';
    const device = pinMemory ? undefined : options.device;
    this.seedValue = seed !== undefined ? checkSeed(seed) : drawSeed(generator);
    for (const [name, fn] of [['collateFn', collateFn], ['collate', collate]] as const) {
      if (fn !== undefined && typeof fn !== 'function') throw new TypeError(`DataLoader: ${name} must be a function`);
    }
    if (source !== null) {
      this.transform = transform ?? new Compose([new ToImage(), new ToDtype('float32', { scale: true })]);
      if (typeof this.transform?.forward !== 'function') throw new TypeError('DataLoader: transform must be a Transform (an object with forward())');
      // Fail now, not in a worker, when the transform cannot travel (a Lambda).
      if (this.numWorkers > 0) this.transform.toSpec();
      const raw = collate ?? (collateFn !== undefined ? imageSamplesCollate(collateFn, device) : (tensorCollate(device) as unknown as (b: RawBatch) => B));
      const pipeline = new ImagePipeline<B>(source, this.transform, this.batchSize, this.numWorkers, this.prefetchFactor, persistentWorkers, raw);
      this.sampleShape = pipeline.sampleShape;
      this.pipeline = pipeline;
    } else {
      if (transform !== undefined) throw new TypeError('DataLoader: transform applies to image datasets; apply it in your dataset\'s get(i)');
      if (collate !== undefined) throw new TypeError('DataLoader: collate (raw image batches) applies to image datasets; use collateFn');
      let spec = null;
      if (this.numWorkers > 0) {
        if (typeof dataset.workerSpec !== 'function') throw new NotTransferableError('DataLoader', dataset);
        spec = dataset.workerSpec();
      }
      this.transform = null;
      this.sampleShape = null;
      this.pipeline = new SamplePipeline<B>(dataset, spec, (collateFn ?? defaultCollate) as (s: unknown[]) => B, collateFn === undefined ? (device ?? 'cpu') : null,
        this.numWorkers, this.prefetchFactor, persistentWorkers);
    }
  }

  /** The seed of shuffling and augmentation (given, or drawn at construction). */
  get seed(): number | bigint {
    return this.seedValue;
  }

  /** Batches per epoch; with a sampler, from its length (a TypeError when it has none, as len() in PyTorch). */
  get length(): number {
    return batchCount(this.#indexCount(), this.batchSize, this.dropLast);
  }

  /** Samples per epoch (the dataset's or the sampler's, less a dropped last batch). */
  get numSamples(): number {
    const n = this.#indexCount();
    return this.dropLast ? n - (n % this.batchSize) : n;
  }

  #indexCount(): number {
    if (this.sampler === null) return this.dataset.length;
    const n = this.sampler.length;
    if (!Number.isInteger(n) || (n as number) < 0) throw new TypeError('DataLoader: its sampler has no length, so the loader has none either');
    return n as number;
  }

  /** The epoch the next iteration will run (0 first); each iteration advances it. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** Sets the epoch of the next iteration (to resume a run: the same epoch gives the same batches), and the sampler's when it has setEpoch. */
  setEpoch(epoch: number): void {
    this.nextEpoch = positiveInt('epoch', epoch, 0);
    this.startBatch = 0;
    this.sampler?.setEpoch?.(epoch);
  }

  /** Where the loader is: the epoch being iterated (or the next) and the batches of it handed out so far. */
  stateDict(): DataLoaderState {
    const at = this.current ?? { epoch: this.nextEpoch, yielded: this.startBatch };
    return { epoch: at.epoch, batchesYielded: at.yielded, seed: this.seedValue };
  }

  /** Makes the next iteration continue from a stateDict(): the rest of that epoch, batch for batch. */
  loadStateDict(state: DataLoaderState): void {
    if (this.current !== null) throw new Error('DataLoader.loadStateDict: an epoch is being iterated; finish or break out of it first');
    const epoch = positiveInt('state.epoch', state?.epoch, 0);
    const yielded = positiveInt('state.batchesYielded', state?.batchesYielded, 0);
    if (yielded > this.length) throw new RangeError(`DataLoader.loadStateDict: ${yielded} batches were handed out, but an epoch has ${this.length}`);
    this.seedValue = checkSeed(state.seed);
    this.nextEpoch = epoch;
    this.startBatch = yielded;
    this.sampler?.setEpoch?.(epoch);
  }

  /** Live worker threads (0 between epochs unless persistentWorkers). */
  get workers(): number {
    return this.pipeline.workers;
  }

  /** One epoch: the batches in order. Breaking out of the loop ends the epoch cleanly. */
  async *[Symbol.asyncIterator](): AsyncGenerator<B, void, undefined> {
    if (this.closed) throw new Error('DataLoader: iterated after close()');
    if (this.current !== null) throw new Error('DataLoader: an epoch is already being iterated; finish or break out of it first');
    const epoch = this.nextEpoch++;
    const first = this.startBatch;
    this.startBatch = 0;
    const current = { epoch, yielded: first };
    this.current = current;
    try {
      const seed = this.seedValue;
      // The sampler is read at the start of each epoch, so its own setEpoch() (PyTorch's usage) counts too.
      const order = this.sampler !== null ? samplerOrder(this.sampler, this.dataset.length) : epochOrder(this.dataset.length, this.shuffle, deriveSeed(seed, epoch));
      const plan: EpochPlan = { epoch, batches: batchesOf(order, this.batchSize, this.dropLast).slice(first), first, seedOf: (b) => deriveSeed(seed, epoch, b) };
      const pin = this.pinMemory && (await this.canPin());
      for await (const batch of this.pipeline.epoch(plan)) {
        current.yielded++;
        yield this.pinMemory ? this.placed(batch, pin) : batch;
      }
    } finally {
      this.current = null;
    }
  }

  // Whether pinning can happen (PyTorch's DataLoader asks torch.cuda.is_available() at each iterator, warning once when not).
  private async canPin(): Promise<boolean> {
    const torch = await loadTorch();
    if (torch.cuda.isAvailable()) return true;
    warnNoPinning();
    return false;
  }

  // A pinMemory batch pinned (when it can be) and then on the loader's device.
  private placed(batch: B, pin: boolean): B {
    const pinned = pin ? pinBatch(batch) : batch;
    return toDevice(pinned, this.device, { nonBlocking: pin });
  }

  /** Stops the worker threads (persistent or not); the loader cannot be iterated afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.pipeline.close();
  }

  /** close(), for `await using loader = new DataLoader(...)`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

// collateFn over the samples of an image batch: [image (C, H, W), label] pairs made from the slot.
function imageSamplesCollate<B>(collateFn: (samples: [Tensor, number][]) => B, device: Device | undefined): (raw: RawBatch) => Promise<B> {
  return async (raw) => {
    const torch = await loadTorch();
    const [n, c, h, w] = raw.shape;
    const size = c * h * w;
    return torch.tidy(() => {
      const samples = Array.from({ length: n }, (_, k): [Tensor, number] => [torch.tensor(raw.images.slice(k * size, (k + 1) * size), { shape: [c, h, w] }), raw.labels[k]]);
      const out = collateFn(samples);
      if (out instanceof Promise) throw new TypeError('DataLoader: collateFn must be synchronous (it runs inside a tidy() scope)');
      return device === undefined ? out : toDevice(out, device);
    });
  };
}
