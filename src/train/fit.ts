// The training loop: the course notebook's TrainModel / TrainModelSch done properly. Per epoch it
// trains, evaluates, logs, keeps the best model, and writes a checkpoint atomically, so that an
// interrupted run resumes to the same end state as an uninterrupted one.
//
// Commit order: last.safetensors is the commit point of an epoch; best.safetensors and the history
// files follow it. A kill between them leaves them one epoch behind, and resuming repairs them from
// the committed checkpoint (whose model is the best one exactly when its epoch is the best epoch),
// so best and history are never ahead of last, and never stale for good. Stopping mid-epoch (the
// signal) writes interrupted.safetensors (interrupted.ts), from which a resume continues that epoch.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyModule } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LRScheduler } from '../optim/lr_scheduler/lr_scheduler.js';
import { Progress } from '../log/progress.js';
import type { TensorBoardWriter } from '../log/tensorboard.js';
import type { Device } from '../torch/dtype.js';
import { dispose, tidy } from '../torch/memory.js';
import { getRngState, setRngState } from '../torch/random.js';
import { loadMetadata, save as saveTensors } from '../torch/serialization.js';
import { isFloatingPoint } from '../torch/dtype.js';
import { stack } from '../torch/ops.js';
import type { Tensor } from '../torch/tensor.js';
import { turnEventLoop } from '../utils/event_loop.js';
import { type BatchSource, type LossFn, type Metric, checkBatch, releaseBatch, sampleCount } from './batches.js';
import { loadCheckpoint, restoreScaler, saveCheckpoint, scalerState } from './checkpoint.js';
import { evaluate } from './evaluate.js';
import { type EpochRecord, type History, emptyHistory, writeHistory } from './history.js';
import { type StatefulLoss, lossState, restoreLossState } from './stateful_loss.js';
import { MAX_NON_FINITE_IN_A_ROW, type StepPrecision, backwardAndStep, forwardAndLoss } from './mixed_precision.js';
import { LossReadback, defaultReadLossEvery } from './readback.js';
import { stateModule } from './state_module.js';
import { type ReduceSums, overRanks, progressOverRanks } from './rank_sums.js';
import { type EpochProgress, clearInterrupted, metricState, restoreInterrupted, restoreMetric, resumeSource, saveInterrupted, sourceState } from './interrupted.js';

/**
 * Thrown when the loss becomes NaN or infinite, or, with a GradScaler, stays so for
 * MAX_NON_FINITE_IN_A_ROW steps in a row (`nonFiniteInARow`); the last good checkpoint stays on disk.
 */
export class NonFiniteLossError extends Error {
  constructor(readonly epoch: number, readonly step: number, readonly loss: number, readonly lr: number, readonly nonFiniteInARow = 0) {
    super(nonFiniteInARow > 0
      ? `training stopped: the loss was inf or NaN for ${nonFiniteInARow} steps in a row, up to epoch ${epoch}, step ${step} ` +
        `(learning rate ${lr}), although the GradScaler skipped those steps and backed its scale off each time; float16 ` +
        'cannot hold this model\'s values: train in bfloat16 or float32, or lower the learning rate. The last good checkpoint was kept.'
      : `training stopped: the loss became ${loss} at epoch ${epoch}, step ${step} (learning rate ${lr}); ` +
        'the learning rate is probably too high. The last good checkpoint was kept.');
    this.name = 'NonFiniteLossError';
  }
}

/** Thrown when the validation loss, a weight or a BatchNorm statistic becomes NaN or infinite; that epoch is not checkpointed. */
export class NonFiniteStateError extends Error {
  constructor(readonly epoch: number, readonly what: string) {
    super(`training stopped: ${what} became non-finite at epoch ${epoch}; the learning rate is probably too high. ` +
      'That epoch was not checkpointed; the last good checkpoint was kept.');
    this.name = 'NonFiniteStateError';
  }
}

/** Hooks into the loop. */
export interface FitCallbacks {
  /**
   * After each step, once its loss has been read back. On CUDA the losses are read every
   * readLossEvery steps, so a step's call arrives at that read, up to readLossEvery - 1 steps after
   * the step ran; the calls still come once per step, in order.
   */
  onStepEnd?(info: { epoch: number; step: number; loss: number; lr: number }): void;
  onEpochEnd?(record: EpochRecord, history: History): void;
}

/** Options of fit(), named as in the notebook; autocast and scaler as PyTorch's mixed-precision recipe. */
export interface FitOptions extends StepPrecision {
  model: AnyModule;
  trainLoader: BatchSource;
  valLoader?: BatchSource;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  optimizer: Optimizer<any, any>;
  /** Number of epochs in total (a resumed run continues up to it). */
  epochs: number;
  lossFn: LossFn;
  /** The module behind lossFn when it keeps state (nn.OnlineLabelSmoothing): its modes, epoch ends and checkpoints are fit's to manage. */
  statefulLoss?: StatefulLoss;
  /** Score of the outputs, e.g. micro-averaged accuracy; reset and computed each epoch. */
  metric: Metric;
  scheduler?: LRScheduler;
  /** When the scheduler steps: after every batch (OneCycleLR in the study) or every epoch (the notebook). */
  schedulerStep?: 'epoch' | 'step';
  device?: Device;
  /**
   * Steps between reads of the loss to the host (default: every step on the CPU, 10 on CUDA, where
   * each read stalls the GPU's queue); a positive integer. The progress display, onStepEnd and the
   * non-finite-loss check see the losses at this granularity.
   */
  readLossEvery?: number;
  logger?: TensorBoardWriter;
  /** Folder for last.safetensors, best.safetensors and history.json / .csv; none means no files. */
  checkpointDir?: string;
  /** Continue from checkpointDir/last.safetensors when it exists. */
  resume?: boolean;
  /** False: resume from checkpointDir but write nothing there (the ranks but rank 0 of a data-parallel run); true by default. */
  saveCheckpoints?: boolean;
  /**
   * Sums numbers over the ranks of a data-parallel run: the epoch's loss sums, sample counts and the
   * metric's counts (rank_sums.ts), so that the history holds the whole data's.
   */
  reduceSums?: ReduceSums;
  /**
   * Data-parallel ranks: resolves to whether every rank stops, given whether this one's signal has
   * aborted (a collective, called after every step and epoch). With it, validation runs to its end,
   * since the ranks' shards end at different batches.
   */
  agreeStop?: (stop: boolean) => Promise<boolean>;
  callbacks?: FitCallbacks;
  /** Aborting stops the run after the current step (or validation batch), writing a mid-epoch checkpoint that resume continues from. */
  signal?: AbortSignal;
  quiet?: boolean;
}

// A training step as the loss readback settles it.
interface Step {
  index: number;
  lr: number;
  n: number;
}

/** What fit() returns: the history, and whether it ran to the end. */
export interface FitResult {
  history: History;
  /** False when stopped by the signal. */
  completed: boolean;
}

const LAST = 'last.safetensors';
const BEST = 'best.safetensors';

function firstLr(optimizer: FitOptions['optimizer']): number {
  return optimizer.paramGroups[0].lr as number;
}

function bestEpochOnDisk(dir: string): number | null {
  const path = join(dir, BEST);
  if (!existsSync(path)) return null;
  try {
    const epoch = Number(loadMetadata(path).epoch);
    return Number.isInteger(epoch) ? epoch : null;
  } catch {
    return null; // unreadable: rewritten below when the committed checkpoint holds the best model
  }
}

// Restores model, optimizer, scheduler, scaler, RNG and history from the last checkpoint, repairs
// best and history when a kill fell between the commit and them, and returns the epoch to start at.
function restore(options: FitOptions, dir: string, save: boolean): { startEpoch: number; history: History } {
  const ckpt = loadCheckpoint(join(dir, LAST));
  try {
    const model = ckpt.model as Record<string, Tensor>;
    const epoch = ckpt.epoch as number;
    const history = ckpt.history as History;
    stateModule(options.model).loadStateDict(model);
    options.optimizer.loadStateDict(ckpt.optimizer as Parameters<FitOptions['optimizer']['loadStateDict']>[0]);
    if (options.scheduler && ckpt.scheduler) options.scheduler.loadStateDict(ckpt.scheduler as Record<string, unknown>);
    setRngState(ckpt.rng as Tensor);
    restoreLossState(options.statefulLoss, ckpt.loss);
    restoreScaler(options.scaler, ckpt.scaler);
    if (save) {
      if (history.bestEpoch === epoch && bestEpochOnDisk(dir) !== epoch) saveTensors(join(dir, BEST), model, { epoch: String(epoch) });
      writeHistory(dir, history);
    }
    return { startEpoch: epoch + 1, history };
  } finally {
    dispose(ckpt);
  }
}

// The first non-finite floating tensor of the model's state (weights, BatchNorm statistics), or
// null; one read of all the checks to the host, which on CUDA is one wait instead of one per tensor.
function nonFiniteState(model: AnyModule): string | null {
  return tidy(() => {
    const floating = Object.entries(model.stateDict()).filter(([, t]) => isFloatingPoint(t.dtype));
    if (floating.length === 0) return null;
    const finite = stack(floating.map(([, t]) => t.isfinite().all())).toTypedArray() as Uint8Array;
    const bad = finite.findIndex((ok) => !ok);
    return bad < 0 ? null : floating[bad][0];
  });
}

function checkpoint(options: FitOptions, dir: string, epoch: number, history: History, isBest: boolean): void {
  tidy(() => {
    const model = stateModule(options.model).stateDict();
    saveCheckpoint(join(dir, LAST), {
      epoch,
      model,
      optimizer: options.optimizer.stateDict() as unknown as Record<string, unknown>,
      scheduler: (options.scheduler?.stateDict() ?? null) as Record<string, unknown> | null,
      rng: getRngState(),
      history: history as unknown as Record<string, unknown>,
      loss: lossState(options.statefulLoss),
      scaler: scalerState(options.scaler),
    });
    if (isBest) saveTensors(join(dir, BEST), model, { epoch: String(epoch) });
  });
  writeHistory(dir, history);
}

function checkOptions(o: FitOptions): void {
  if (!Number.isInteger(o.epochs) || o.epochs < 1) throw new RangeError(`fit: epochs must be a positive integer, got ${o.epochs}`);
  if (o.schedulerStep !== undefined && o.schedulerStep !== 'epoch' && o.schedulerStep !== 'step') {
    throw new TypeError(`fit: schedulerStep must be 'epoch' or 'step', got ${JSON.stringify(o.schedulerStep)}`);
  }
  if (o.resume && !o.checkpointDir) throw new TypeError('fit: resume needs a checkpointDir');
}

// What a step's metric reads of its outputs (the whole outputs for a metric without reducePreds).
function predsFor(metric: Metric, output: Tensor): Tensor {
  return metric.reducePreds?.(output) ?? output;
}

/** Trains `model` for `epochs`, evaluating on valLoader after each epoch; see FitOptions. */
export async function fit(options: FitOptions): Promise<FitResult> {
  checkOptions(options);
  const { model, trainLoader, valLoader, optimizer, epochs, lossFn, metric, scheduler, logger, checkpointDir: dir, callbacks, signal } = options;
  const device = options.device ?? 'cpu';
  const readLossEvery = options.readLossEvery ?? defaultReadLossEvery(device);
  // One readback for the run, settling each step through the current epoch's settle below.
  let settle: (loss: number, preds: Tensor | null, target: Tensor | null, step: Step) => void = () => {};
  const readback = new LossReadback<Step>(readLossEvery, (e, loss) => settle(loss, e.preds, e.target, e.info));
  const schedulerStep = options.schedulerStep ?? 'epoch';
  const save = dir !== undefined && options.saveCheckpoints !== false;
  const reduceSums: ReduceSums = options.reduceSums ?? (async (values) => values);
  const scaler = options.scaler;
  let nonFiniteInARow = 0;
  if (save) mkdirSync(dir, { recursive: true });
  let { startEpoch, history } = options.resume && dir && existsSync(join(dir, LAST))
    ? restore(options, dir, save) : { startEpoch: 0, history: emptyHistory() };
  let interrupted = options.resume && dir ? restoreInterrupted(options, dir, startEpoch) : null;
  if (interrupted) history = interrupted.history;
  // A data-parallel rank that does not write resumes from rank 0's file, whose epoch sums are every
  // rank's (progressOverRanks) and whose loader seed is rank 0's: it starts from nothing, on its own seed.
  if (interrupted && !save && options.reduceSums) interrupted.progress = { ...interrupted.progress, lossSum: 0, samples: 0, nonFiniteSamples: 0, metric: null, loader: null };
  const stopNow = async (): Promise<boolean> => (options.agreeStop ? options.agreeStop(signal?.aborted === true) : signal?.aborted === true);

  for (let epoch = startEpoch; epoch < epochs; epoch++) {
    trainLoader.setEpoch?.(epoch);
    model.train();
    options.statefulLoss?.train(true);
    metric.reset();
    const resumed: EpochProgress | null = interrupted?.progress ?? null;
    interrupted = null;
    let skip = 0;
    if (resumed) {
      restoreMetric(metric, resumed.metric);
      if (resumed.trainScore === null) skip = resumeSource(trainLoader, resumed);
    }
    const started = performance.now() - (resumed?.seconds ?? 0) * 1000;
    const progress = new Progress({ total: sampleCount(trainLoader), label: `epoch ${epoch + 1}/${epochs}`, quiet: options.quiet });
    let lossSum = resumed?.lossSum ?? 0;
    let samples = resumed?.samples ?? 0;
    let batches = resumed?.batches ?? 0;
    let nonFiniteSteps = resumed?.nonFiniteSteps ?? 0;
    let nonFiniteSamples = resumed?.nonFiniteSamples ?? 0;
    // The mean over the steps with a finite loss (under a scaler, the others are left out).
    const meanLoss = () => lossSum / (samples - nonFiniteSamples);
    let epochLr = resumed?.epochLr ?? firstLr(optimizer);
    const stateNow = (trainScore: number | null, seconds = (performance.now() - started) / 1000): EpochProgress => ({
      epoch, batches, lossSum, samples, nonFiniteSteps, nonFiniteSamples, seconds, epochLr, trainScore,
      metric: trainScore === null ? metricState(metric) : null, loader: sourceState(trainLoader),
    });
    if (samples > 0) progress.tick(samples, { loss: meanLoss() });
    // A step is settled once its loss is on the host: checked, summed, scored and shown. With a
    // scaler, a non-finite loss is float16 overflow, whose step the scaler skipped: counted, not fatal.
    settle = (loss, preds, target, step) => {
      const finite = Number.isFinite(loss);
      if (!finite && !scaler) throw new NonFiniteLossError(epoch, step.index, loss, step.lr);
      if (preds !== null && target !== null) metric.update(preds, target);
      samples += step.n;
      if (finite) {
        lossSum += loss * step.n;
        nonFiniteInARow = 0;
      } else {
        nonFiniteSteps++;
        nonFiniteSamples += step.n;
        if (++nonFiniteInARow >= MAX_NON_FINITE_IN_A_ROW) throw new NonFiniteLossError(epoch, step.index, loss, step.lr, nonFiniteInARow);
      }
      progress.tick(step.n, { loss: meanLoss() });
      callbacks?.onStepEnd?.({ epoch, step: step.index, loss, lr: step.lr });
    };
    // Every step's loss is read at once when readLossEvery is 1 (the CPU), before backward, so that
    // a NaN never reaches the weights (with a scaler, the scaler's own check keeps it out). Read less
    // often (CUDA), a NaN is found up to readLossEvery steps late, after the optimizer stepped on it:
    // the error is the same, and the checkpoint on disk stays good, since an epoch is checkpointed
    // only after all its losses were read and checked.
    try {
      for await (const batch of (resumed?.trainScore ?? null) !== null ? [] : trainLoader) {
        if (skip > 0) { // a source without loadStateDict: its first batches were done before the interrupt
          skip--;
          releaseBatch(trainLoader, batch);
          continue;
        }
        const lr = firstLr(optimizer);
        epochLr = lr;
        try {
          checkBatch(batch, 'fit');
        } catch (error) {
          releaseBatch(trainLoader, batch);
          throw error;
        }
        const step: Step = { index: history.lr.length, lr, n: batch[0].shape[0] };
        let loss: number | null;
        try {
          loss = tidy(() => {
            // Non-blocking: a batch in pinned memory (DataLoader pinMemory) goes to the GPU while the host moves on.
            const input = batch[0].to({ device, nonBlocking: true });
            const target = batch[1].to({ device, nonBlocking: true });
            optimizer.zeroGrad();
            const [output, l] = forwardAndLoss(model, input, target, lossFn, options.autocast);
            if (readLossEvery > 1) {
              backwardAndStep(l, optimizer, scaler);
              readback.add({ loss: l.detach(), preds: predsFor(metric, output.detach()), target, info: step });
              return null;
            }
            const value = l.item();
            if (!Number.isFinite(value) && !scaler) return value; // never step on a NaN: the weights stay good
            backwardAndStep(l, optimizer, scaler);
            metric.update(predsFor(metric, output.detach()), target);
            return value;
          });
        } finally {
          releaseBatch(trainLoader, batch);
        }
        if (loss !== null && !Number.isFinite(loss) && !scaler) throw new NonFiniteLossError(epoch, step.index, loss, lr);
        history.lr.push(lr);
        logger?.addScalar('learning_rate', lr, step.index);
        if (scheduler && schedulerStep === 'step') scheduler.step();
        batches++;
        if (loss !== null) settle(loss, null, null, step);
        else if (readback.due) readback.flush();
        if (await stopNow()) {
          readback.flush();
          const progressNow = options.reduceSums ? await progressOverRanks(stateNow(null), metric, options.reduceSums) : stateNow(null);
          if (save) saveInterrupted(options, dir, progressNow, history);
          progress.done({ loss: meanLoss() });
          return { history, completed: false };
        }
        await turnEventLoop();
      }
      readback.flush();
    } finally {
      readback.dispose();
    }
    const seconds = (performance.now() - started) / 1000;
    // Over every rank of a data-parallel run; steps skipped on a non-finite loss count in neither sum.
    const sums = [lossSum, samples - nonFiniteSamples, samples];
    const knownScore = resumed?.trainScore ?? null;
    const over = options.reduceSums && knownScore === null ? await overRanks(metric, sums, options.reduceSums) : { sums: await reduceSums(sums), score: null };
    const [allLossSum, allFiniteSamples, allSamples] = over.sums;
    // Checked over the ranks: one that resumes at the epoch's last step has no batch left of its own.
    if (allSamples === 0) throw new Error(`fit: the training loader produced no batches in epoch ${epoch}`);
    const trainLoss = allLossSum / allFiniteSamples;
    const trainScore = knownScore ?? over.score ?? metric.compute();
    if ((resumed?.trainScore ?? null) === null) options.statefulLoss?.nextEpoch?.();
    options.statefulLoss?.train(false);
    progress.done({ loss: trainLoss, score: trainScore });
    let val: { loss: number; score: number } | null = null;
    try {
      val = valLoader ? await evaluate({ model, loader: valLoader, lossFn, metric, device, autocast: options.autocast, readLossEvery, label: 'validation', quiet: options.quiet, signal: options.agreeStop ? undefined : signal, reduceSums: options.reduceSums }) : null;
    } catch (error) {
      if (!signal?.aborted) throw error;
      // Stopped during validation: the epoch's training is done and kept; a resume validates again.
      if (save) saveInterrupted(options, dir, stateNow(trainScore, seconds), history);
      return { history, completed: false };
    }
    // Checked before anything of this epoch is kept: a NaN BatchNorm statistic or validation loss
    // would otherwise become the checkpoint (and, scoring NaN, silently never the best one).
    if (val && !Number.isFinite(val.loss)) throw new NonFiniteStateError(epoch, `the validation loss (${val.loss})`);
    const badState = nonFiniteState(model);
    if (badState !== null) throw new NonFiniteStateError(epoch, `the model's ${badState}`);
    if (scheduler && schedulerStep === 'epoch') scheduler.step();

    const record: EpochRecord = {
      epoch, trainLoss, trainScore, valLoss: val?.loss ?? null, valScore: val?.score ?? null,
      lr: epochLr, seconds, imagesPerSecond: allSamples / seconds, ...(scaler ? { nonFiniteSteps } : {}),
    };
    history.epochs.push(record);
    const score = record.valScore ?? record.trainScore;
    const isBest = history.bestScore === null || score > history.bestScore;
    if (isBest) {
      history.bestEpoch = epoch;
      history.bestScore = score;
    }
    logger?.addScalar('loss/train', trainLoss, epoch);
    logger?.addScalar('score/train', trainScore, epoch);
    if (scaler) logger?.addScalar('non_finite_steps', nonFiniteSteps, epoch);
    if (val) {
      logger?.addScalar('loss/validation', val.loss, epoch);
      logger?.addScalar('score/validation', val.score, epoch);
    }
    // The course's TrainModel tags, so its TensorBoard layouts work unchanged.
    logger?.addScalars('Loss (Epoch)', { Train: trainLoss, ...(val ? { Validation: val.loss } : {}) }, epoch);
    logger?.addScalars('Score (Epoch)', { Train: trainScore, ...(val ? { Validation: val.score } : {}) }, epoch);
    logger?.addScalar('Learning Rate', record.lr, epoch);
    logger?.flush();
    if (save) {
      checkpoint(options, dir, epoch, history, isBest);
      clearInterrupted(dir);
    }
    callbacks?.onEpochEnd?.(record, history);
    if (await stopNow()) return { history, completed: false };
  }
  return { history, completed: true };
}
