// The label-smoothing study: for every seed, one set of initial weights; for every epsilon, a run
// from those weights (as the notebook's copy.deepcopy); then the test-set analysis of each run and
// the report. Every run checkpoints each epoch, and finished runs are kept, so re-running the same
// command after Ctrl-C resumes where it stopped. As one rank of a data-parallel job (StudyOptions.rank)
// each run trains under DistributedDataParallel; rank 0 alone writes the folder and analyses the runs.
import { existsSync, readdirSync, rmdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DataLoader } from '../data/dataloader.js';
import { Generator, deriveSeed } from '../data/generator.js';
import { TensorBoardWriter } from '../log/tensorboard.js';
import { MulticlassAccuracy } from '../metrics/accuracy.js';
import type { AnyModule } from '../nn/module.js';
import { DistributedDataParallel } from '../nn/parallel/distributed.js';
import { SyncBatchNorm } from '../nn/sync_batchnorm.js';
import { crossEntropy } from '../nn/functional.js';
import { smoothLabels } from '../nn/label_smoothing.js';
import { OnlineLabelSmoothing } from '../nn/online_label_smoothing.js';
import { AdamW } from '../optim/adamw.js';
import { GradScaler } from '../torch/amp/grad_scaler.js';
import { OneCycleLR } from '../optim/lr_scheduler/one_cycle.js';
import type { ReportData, RunHistory, SampleImage } from '../report/data.js';
import { stringifyReportData } from '../report/data_file.js';
import { NOTEBOOK_IMAGE_INDEX } from '../report/notebook_figures.js';
import { writeFileAtomic, writeReport } from '../report/write.js';
import { dispose } from '../torch/memory.js';
import { manualSeed } from '../torch/random.js';
import { setNumThreads } from '../torch/runtime.js';
import type { Device } from '../torch/dtype.js';
import type { Tensor } from '../torch/tensor.js';
import { fit } from '../train/fit.js';
import type { History } from '../train/history.js';
import { stringifyState } from '../utils/state_json.js';
import { type ChannelStats, channelStats, labelHistogram } from '../vision/datasets/stats.js';
import type { ImageClassificationDataset } from '../vision/datasets/types.js';
import { denormalize } from '../vision/transforms/functional/convert.js';
import type { Transform } from '../vision/transforms/transform.js';
import { type StudyConfig, seedList, validateConfig } from './config.js';
import { type StudyRank, agreeStop, joinRanks, leaveRanks, onRankZeroAlone, rankLoaders, sumAcrossRanks, threadsPerRank } from './data_parallel.js';
import { evalLoader, loadSplits, loaderOptions, standardization, trainTransform, withLabelNoise } from './data.js';
import { studyDevice } from './device.js';
import { type StudyPrecision, resolvePrecision } from './precision.js';
import { type FeatureModel, evaluateRun, trainingProjection } from './evaluate_run.js';
import { type FinishedRun, readFinishedRun } from './finished_run.js';
import { lockRunFolder, notWritableError } from './lock.js';
import { resolveProjectionClasses } from './penultimate.js';
import { buildModel, freezeBackbone } from './model.js';
import { checkRunFolder, prepareRunFolder } from './run_folder.js';
import { readSoftLabels, recordSoftLabels } from './soft_labels.js';

/** How the study reports progress and can be stopped. */
export interface StudyOptions {
  quiet?: boolean;
  /**
   * Aborting stops training after the current step, writing a mid-epoch checkpoint that a rerun
   * resumes; as a rank, every rank then stops after the same step (any rank's abort stops them all).
   */
  signal?: AbortSignal;
  /** Where status lines go (console.log by default). */
  print?: (line: string) => void;
  /** This process's rank of a data-parallel study (none: the study runs in this process alone). */
  rank?: StudyRank;
}

/** What a study produced. */
export interface StudyOutcome {
  dir: string;
  completed: boolean;
  /** report.html, when the study completed. */
  reportPath?: string;
  data?: ReportData;
}

/** The folder name of one run, e.g. 'eps0.1-seed0' (online label smoothing: 'ols-seed0'). */
export function runName(epsilon: number, seed: number, loss: StudyConfig['loss'] = 'ls'): string {
  return loss === 'ols' ? `ols-seed${seed}` : `eps${epsilon}-seed${seed}`;
}

// The loss of one epsilon: PyTorch's built-in smoothing for the 'uniform' convention; for 'others'
// the smoothed targets as probabilities (the notebook's picture: eps / (C - 1) off the true class).
function lossFor(config: StudyConfig, epsilon: number, numClasses: number) {
  if (config.convention === 'uniform' || epsilon === 0) {
    return (logits: Tensor, target: Tensor) => crossEntropy(logits, target, { labelSmoothing: epsilon });
  }
  return (logits: Tensor, target: Tensor) => crossEntropy(logits, smoothLabels(target, numClasses, epsilon, { convention: 'others' }));
}

function historyOf(name: string, epsilon: number, seed: number, labelNoise: number, h: History, stepsPerEpoch: number): RunHistory {
  return {
    name, epsilon, seed, labelNoise, stepsPerEpoch,
    trainLoss: h.epochs.map((e) => e.trainLoss), valLoss: h.epochs.map((e) => e.valLoss ?? NaN),
    trainScore: h.epochs.map((e) => e.trainScore), valScore: h.epochs.map((e) => e.valScore ?? NaN),
    lr: h.lr,
  };
}

// The batches stay on the host, where they are made (pinned on CUDA: loaderOptions).
function loaders(config: StudyConfig, device: Device, train: ImageClassificationDataset, test: ImageClassificationDataset, stats: ChannelStats, seed: number) {
  const common = loaderOptions(config, device);
  return {
    train: new DataLoader({ ...common, dataset: train, batchSize: config.batchSize, shuffle: true, dropLast: config.dropLast, seed: deriveSeed(seed, 1), transform: trainTransform(config, stats) }),
    test: evalLoader(config, device, test, stats),
  };
}

// The batches of `source`, throwing the signal's reason once it aborts (Ctrl-C during the analysis).
async function* untilAborted<B>(source: AsyncIterable<B>, signal: AbortSignal | undefined): AsyncGenerator<B> {
  for await (const batch of source) {
    if (signal?.aborted) {
      dispose(batch);
      signal.throwIfAborted();
    }
    yield batch;
  }
}

// One run: train from the shared initial weights (resuming if interrupted), then analyse it.
async function trainRun(config: StudyConfig, device: Device, precision: StudyPrecision, initial: FeatureModel, train: ImageClassificationDataset, test: ImageClassificationDataset,
  stats: ChannelStats, epsilon: number, seed: number, options: StudyOptions): Promise<FinishedRun | 'trained' | null> {
  const dir = config.out;
  const name = runName(epsilon, seed, config.loss);
  const runDir = join(dir, 'runs', name);
  const numClasses = train.classes.length;
  const me = options.rank;
  const main = (me?.rank ?? 0) === 0;
  const model = initial.clone().to(device);
  // Frozen before DDP wraps the model: its Reducer expects a gradient of every parameter that requires one.
  const trainable = config.freezeBackbone ? freezeBackbone(model) : model.parameters();
  let net: AnyModule = model;
  let data: ReturnType<typeof loaders> | undefined;
  let optimizer: AdamW | undefined;
  let logger: TensorBoardWriter | undefined;
  let olsModule: OnlineLabelSmoothing | null = null;
  let scaler: GradScaler | undefined;
  // Everything made inside: a constructor that throws leaves no loader's worker threads behind.
  try {
    // Construction broadcasts rank 0's weights: every rank starts from them.
    if (me) net = new DistributedDataParallel(config.syncBatchnorm ? SyncBatchNorm.convertSyncBatchnorm(model) : model);
    data = me ? rankLoaders(config, me, device, train, test, stats, seed) : loaders(config, device, train, test, stats, seed);
    optimizer = new AdamW(trainable, { lr: config.lr, betas: config.betas, weightDecay: config.weightDecay });
    const scheduler = config.schedule === 'epoch'
      ? new OneCycleLR(optimizer, { maxLr: config.maxLr, totalSteps: config.epochs })
      : new OneCycleLR(optimizer, { maxLr: config.maxLr, epochs: config.epochs, stepsPerEpoch: data.train.length });
    logger = main ? new TensorBoardWriter(join(dir, 'tensorboard', name)) : undefined;
    const ols = olsModule = config.loss === 'ols' ? new OnlineLabelSmoothing(numClasses).to(device) : null;
    const { autocast } = precision;
    scaler = precision.gradScaler ? new GradScaler() : undefined;
    options.print?.(`\n== ${name}: epsilon ${epsilon}, seed ${seed}, ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} of ${train.length} images`);
    const accuracy = new MulticlassAccuracy({ numClasses, average: 'micro' });
    const { history, completed } = await fit({
      model: net, trainLoader: data.train, valLoader: data.test, optimizer, scheduler,
      schedulerStep: config.schedule, epochs: config.epochs,
      ...(ols ? { lossFn: (o: Tensor, t: Tensor) => ols.call(o, t), statefulLoss: ols, callbacks: { onEpochEnd: (r) => recordSoftLabels(runDir, r.epoch, ols) } } : { lossFn: lossFor(config, epsilon, numClasses) }),
      metric: accuracy, device, autocast, scaler,
      logger, checkpointDir: runDir, resume: true, signal: options.signal, quiet: options.quiet || !main,
      ...(me ? { saveCheckpoints: main, reduceSums: sumAcrossRanks, agreeStop } : {}),
    });
    // A rank's own signal is not asked here: only what the ranks agreed on stops them all alike.
    if (!completed || (!me && options.signal?.aborted)) return null;
    const stepsPerEpoch = data.train.length;
    const analyse = async (): Promise<FinishedRun | null> => {
      const fullTest = me ? evalLoader(config, device, test, stats, 0) : data!.test;
      if (me) setNumThreads(availableParallelism());
      let evaluation: Awaited<ReturnType<typeof evaluateRun>>;
      try {
        const classes = resolveProjectionClasses(config.classes, train.classes);
        evaluation = await evaluateRun(model, untilAborted(fullTest, options.signal), { run: name, epsilon, seed, labelNoise: config.labelNoise }, numClasses, { device, autocast, classes });
        // The training images as the model trained on them, un-augmented (Müller et al. 2019, figure 1, top row).
        const trainImages = evalLoader(config, device, train, stats, 0);
        try {
          evaluation.projectionTrain = await trainingProjection(model, untilAborted(trainImages, options.signal), classes, epsilon, name, { device, autocast });
        } finally {
          await trainImages.close();
        }
      } catch (error) {
        if (options.signal?.aborted) return null; // the trained run is checkpointed; a resume analyses it
        throw error;
      } finally {
        if (me) {
          setNumThreads(threadsPerRank(config, me.localWorldSize));
          await fullTest.close();
        }
      }
      const finished = { history: { ...historyOf(name, epsilon, seed, config.labelNoise, history, stepsPerEpoch), ...(ols ? { softLabels: readSoftLabels(runDir) } : {}) }, evaluation };
      // stringifyState: a fitted temperature can be Infinity (labels the model cannot beat chance on).
      writeFileAtomic(join(runDir, 'evaluation.json'), stringifyState(finished));
      return finished;
    };
    if (!me) return await analyse();
    // Rank 0 analyses the run on the whole test set, on every core, while the other ranks wait; the
    // next run starts once its evaluation.json is written, so every rank skips the same runs.
    const analysed = await onRankZeroAlone(me, analyse);
    return analysed === undefined ? 'trained' : analysed;
  } finally {
    logger?.close();
    if (data) await Promise.all([data.train.close(), data.test.close()]);
    optimizer?.dispose();
    scaler?.dispose();
    net.dispose();
    olsModule?.dispose();
  }
}

// One image (HWC uint8) through `transform`, denormalized back to HWC uint8 for display.
function augmentForDisplay(image: SampleImage, transform: Transform, stats: ChannelStats, generator: Generator): SampleImage {
  const { width: w, height: h, channels: c } = image;
  const pixels = Uint8Array.from(image.pixels);
  const chw = denormalize(transform.forward({ layout: 'HWC', data: pixels, height: h, width: w, channels: c }, generator) as never, stats.mean, stats.std).data;
  const hwc = new Uint8Array(h * w * c);
  for (let ch = 0; ch < c; ch++) {
    for (let p = 0; p < h * w; p++) hwc[p * c + ch] = Math.round(Math.min(1, Math.max(0, chw[ch * h * w + p])) * 255);
  }
  return { ...image, pixels: hwc };
}

// A few training images as loaded, the same after the training transform, and the notebook's
// six augmentations of training image 5.
function sampleImages(train: ImageClassificationDataset, transform: Transform, stats: ChannelStats, count = 16): Pick<ReportData, 'samples' | 'augmented' | 'augmentedOne'> {
  const { height: h, width: w, channels: c } = train;
  const size = h * w * c;
  const image = (i: number): SampleImage => ({ pixels: train.images.slice(i * size, (i + 1) * size), width: w, height: h, channels: c as 1 | 3, label: train.labels[i] });
  const generator = new Generator().manualSeed(0);
  const samples = Array.from({ length: Math.min(count, train.length) }, (_, i) => image(i));
  const augmented = samples.map((s) => augmentForDisplay(s, transform, stats, generator));
  const index = NOTEBOOK_IMAGE_INDEX;
  const augmentedOne = train.length > index
    ? { index, images: Array.from({ length: 6 }, () => augmentForDisplay(image(index), transform, stats, generator)) }
    : undefined;
  return { samples, augmented, ...(augmentedOne ? { augmentedOne } : {}) };
}

// Removes the run folder again when this start created it and left nothing in it.
function removeIfEmpty(dir: string): void {
  try {
    if (readdirSync(dir).length === 0) rmdirSync(dir);
  } catch {
    // best effort: an empty folder blocks nothing
  }
}

/**
 * Runs the whole study of `config` into config.out and writes its report. The folder is locked for
 * the duration; nothing is written to it before the data has loaded and the device is known good,
 * so a start that fails early leaves nothing that blocks the corrected command.
 */
export async function runStudy(config: StudyConfig, options: StudyOptions = {}): Promise<StudyOutcome> {
  validateConfig(config);
  const me = options.rank;
  if (me === undefined && config.nprocPerNode !== undefined) {
    // Trained here alone, it would record an N it never used in config.json.
    throw new Error(`runStudy: config.nprocPerNode is ${config.nprocPerNode}, but no options.rank says which rank this process is; start the ranks with smoothlab study --nproc-per-node or smoothlab launch, or leave nprocPerNode out`);
  }
  if (me !== undefined && me.worldSize !== config.nprocPerNode) throw new Error(`runStudy: options.rank is one of ${me.worldSize} ranks, but config.nprocPerNode is ${config.nprocPerNode}`);
  const device = studyDevice(config);
  const precision = resolvePrecision(config.precision, device);
  if (me === undefined) return lockedFolder(config, device, precision, options);
  await joinRanks(me);
  try {
    // Only rank 0 writes the folder, so only rank 0 locks it.
    return me.rank === 0 ? await lockedFolder(config, device, precision, options) : await lockedStudy(config, device, precision, options);
  } finally {
    leaveRanks();
  }
}

async function lockedFolder(config: StudyConfig, device: Device, precision: StudyPrecision, options: StudyOptions): Promise<StudyOutcome> {
  const lock = lockRunFolder(config.out);
  let failed = true;
  try {
    checkRunFolder(config);
    const outcome = await lockedStudy(config, device, precision, options);
    failed = false;
    return outcome;
  } finally {
    lock.release();
    if (failed && lock.createdFolder) removeIfEmpty(config.out);
  }
}

async function lockedStudy(config: StudyConfig, device: Device, precision: StudyPrecision, options: StudyOptions): Promise<StudyOutcome> {
  const me = options.rank;
  const main = (me?.rank ?? 0) === 0;
  const print = !main ? () => {} : options.print ?? ((line: string) => console.log(line));
  const dir = config.out;
  // libtorch's own default here is 1 thread (Debian's OpenMP build); PyTorch users expect all cores.
  setNumThreads(threadsPerRank(config, me?.localWorldSize ?? 1));
  // Rank 0 loads first: a download happens once, and the other ranks read what it wrote.
  const splits = (me ? await onRankZeroAlone(me, () => loadSplits(config)) : undefined) ?? await loadSplits(config);
  resolveProjectionClasses(config.classes, splits.train.classes); // a class the dataset lacks fails before anything is written
  if (me ? await agreeStop(options.signal?.aborted === true) : options.signal?.aborted) return { dir, completed: false };
  const stats = standardization(splits.train);
  // The notebook's σ comes from the validation images; shown beside ours in the report.
  const notebookStd = channelStats(splits.test).std;
  const seeds = seedList(config);
  let savedConfig: Record<string, unknown> = {};
  try {
    if (main) savedConfig = prepareRunFolder(config, { resolvedDevice: device, resolvedPrecision: precision, standardization: { mean: stats.mean, std: stats.std, stdValidation: notebookStd } });
  } catch (error) {
    throw notWritableError(dir, error);
  }
  print(`smoothlab study '${config.name}': ${config.dataset} (${splits.train.length} train / ${splits.test.length} test images), ` +
    `${config.model} on ${device}${config.precision === 'fp32' ? '' : ` (${config.precision})`}${me ? ` (${me.worldSize} data-parallel ranks, ${config.batchSize / me.worldSize} images per rank and step)` : ''}, epsilons ${config.epsilons.join(', ')}, seeds ${seeds.join(', ')} -> ${dir}`);

  const finished: FinishedRun[] = [];
  for (const seed of seeds) {
    const train = withLabelNoise(splits.train, config.labelNoise, seed);
    manualSeed(seed);
    const initial = buildModel(config, train.classes.length, train.channels);
    try {
      for (const epsilon of config.epsilons) {
        const kept = join(dir, 'runs', runName(epsilon, seed, config.loss), 'evaluation.json');
        if (existsSync(kept)) {
          print(`== ${runName(epsilon, seed, config.loss)}: finished earlier, kept`);
          if (main) finished.push(readFinishedRun(kept));
          continue;
        }
        const run = await trainRun(config, device, precision, initial, train, splits.test, stats, epsilon, seed, { ...options, print });
        if (run === null) {
          print(`\nstopped after the current step, checkpointed in ${dir}; run the same command again to continue from there.`);
          return { dir, completed: false };
        }
        if (run !== 'trained') finished.push(run);
      }
    } finally {
      initial.dispose();
    }
  }

  if (!main) return { dir, completed: true };
  const noisy = config.labelNoise > 0 ? withLabelNoise(splits.train, config.labelNoise, seeds[0]) : null;
  const data: ReportData = {
    title: config.name,
    createdAt: new Date().toISOString(),
    config: savedConfig,
    dataset: { name: config.dataset, classNames: [...splits.train.classes] },
    smoothing: { epsilons: config.epsilons, convention: config.convention, labelNoise: config.labelNoise, ...(config.loss && config.loss !== 'ls' ? { loss: config.loss } : {}) },
    standardization: { mean: stats.mean, std: stats.std, stdValidation: notebookStd },
    runs: finished.map((r) => r.history),
    results: finished.map((r) => r.evaluation.result),
    calibration: finished.map((r) => r.evaluation.calibration),
    confusion: finished.map((r) => r.evaluation.confusion),
    penultimate: [...finished.map((r) => r.evaluation.projection), ...finished.flatMap((r) => (r.evaluation.projectionTrain ? [r.evaluation.projectionTrain] : []))],
    labelHistogram: [
      { split: 'train', counts: labelHistogram(splits.train) },
      ...(noisy ? [{ split: `train with ${config.labelNoise * 100}% label noise`, counts: labelHistogram(noisy) }] : []),
      { split: 'test', counts: labelHistogram(splits.test) },
    ],
    ...sampleImages(splits.train, trainTransform(config, stats), stats),
  };
  writeFileAtomic(join(dir, 'report-data.json'), stringifyReportData(data));
  const written = await writeReport(dir, data);
  return { dir, completed: true, reportPath: written.html, data };
}
