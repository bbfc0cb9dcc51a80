// Evaluation: eval mode, no autograd, loss averaged over samples, metric over the whole pass; under
// the training's autocast, with the losses read back as fit() reads them (readback.ts).
import type { AnyModule } from '../nn/module.js';
import type { AutocastOptions } from '../torch/amp/autocast_mode.js';
import { inferenceMode } from '../torch/autograd.js';
import type { Device } from '../torch/dtype.js';
import { tidy } from '../torch/memory.js';
import { turnEventLoop } from '../utils/event_loop.js';
import { type BatchSource, type LossFn, type Metric, checkBatch, releaseBatch, sampleCount } from './batches.js';
import { Progress } from '../log/progress.js';
import { forwardAndLoss } from './mixed_precision.js';
import { LossReadback, defaultReadLossEvery } from './readback.js';
import { type ReduceSums, overRanks } from './rank_sums.js';

/** Options of evaluate(). */
export interface EvaluateOptions {
  model: AnyModule;
  loader: BatchSource;
  lossFn: LossFn;
  metric: Metric;
  device?: Device;
  /** torch.autocast's options for the forward pass and the loss (as in training). */
  autocast?: AutocastOptions;
  /** Batches between reads of the loss to the host (default: every batch on the CPU, 10 on CUDA). */
  readLossEvery?: number;
  label?: string;
  quiet?: boolean;
  /** Aborting stops the pass between batches: evaluate() then throws the signal's reason. */
  signal?: AbortSignal;
  /** Sums over the ranks of a data-parallel run, each evaluating its shard: the loss, the sample count and the metric's counts (rank_sums.ts). */
  reduceSums?: ReduceSums;
}

/** Mean loss per sample and the metric's value over `loader`, in eval mode and under inferenceMode. */
export async function evaluate({ model, loader, lossFn, metric, device = 'cpu', autocast, readLossEvery = defaultReadLossEvery(device), label = 'eval', quiet = true, signal, reduceSums }: EvaluateOptions): Promise<{ loss: number; score: number }> {
  const wasTraining = model.training;
  model.eval();
  metric.reset();
  const progress = new Progress({ total: sampleCount(loader), label, quiet });
  let lossSum = 0;
  let samples = 0;
  const readback = new LossReadback<number>(readLossEvery, ({ preds, target, info: n }, loss) => {
    metric.update(preds, target);
    lossSum += loss * n;
    samples += n;
    progress.tick(n, { loss: lossSum / samples });
  });
  try {
    signal?.throwIfAborted();
    for await (const batch of loader) {
      try {
        checkBatch(batch, 'evaluate');
        const n = batch[0].shape[0];
        // Inference mode: no graph, and none of the version counters a later backward would need.
        inferenceMode(() => tidy(() => {
          const input = batch[0].to({ device, nonBlocking: true });
          const target = batch[1].to({ device, nonBlocking: true });
          const [output, loss] = forwardAndLoss(model, input, target, lossFn, autocast);
          readback.add({ loss, preds: metric.reducePreds?.(output) ?? output, target, info: n });
        }));
      } finally {
        releaseBatch(loader, batch);
      }
      if (readback.due) readback.flush();
      signal?.throwIfAborted();
      await turnEventLoop();
    }
    readback.flush();
  } finally {
    readback.dispose();
    model.train(wasTraining);
  }
  // Reduced also when this rank's shard was empty: every rank takes part in the same collective.
  const over = reduceSums ? await overRanks(metric, [lossSum, samples], reduceSums) : null;
  if (over) [lossSum, samples] = over.sums;
  if (samples === 0) throw new Error(`evaluate: the ${label} loader produced no batches`);
  const score = over?.score ?? metric.compute();
  progress.done({ loss: lossSum / samples, score });
  return { loss: lossSum / samples, score };
}
