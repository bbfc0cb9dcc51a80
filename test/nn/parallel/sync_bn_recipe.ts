// The model and data shared by the SyncBatchNorm test and its ranks: a conv net with a BatchNorm2d
// after each convolution, one forward and backward of a batch of 8 (each of two ranks takes half).
import { nn, torch } from '../../../src/index.js';

/** The whole batch; each of two ranks takes half. */
export const BATCH = 8;

/** The model with BatchNorm2d layers, initialized from a fixed seed. */
export function makeModel(): nn.Sequential {
  torch.manualSeed(3);
  return new nn.Sequential(
    new nn.Conv2d(3, 6, 3, { padding: 1 }), new nn.BatchNorm2d(6), new nn.ReLU(),
    new nn.Conv2d(6, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4, { momentum: null }), new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3),
  );
}

/** The whole batch (inputs of mean 2, so the variance is not tiny next to the mean square) and labels. */
export function data(): [torch.Tensor, torch.Tensor] {
  torch.manualSeed(11);
  return [torch.randn([BATCH, 3, 5, 5]).mul(1.5).add(2), torch.randint(0, 3, [BATCH])];
}

/** What one forward and backward leave, as plain arrays. */
export interface Step { output: number[]; inputGrad: number[]; grads: Record<string, number[]>; buffers: Record<string, number[]> }

/**
 * Runs rows [start, end) through `model` with the loss summed over those rows and divided by the
 * whole batch: the ranks' losses add up to the whole batch's mean loss, so each rank's input
 * gradient is its rows of the one-process gradient and the parameter gradients sum to it.
 */
export function step(model: nn.Module, start: number, end: number): Step {
  return torch.tidy(() => {
    const [x, y] = data();
    const input = x.narrow(0, start, end - start).detach().requiresGrad_(true);
    const output = model.call(input);
    const loss = nn.functional.crossEntropy(output, y.narrow(0, start, end - start), { reduction: 'sum' }).div(BATCH);
    loss.backward();
    const arr = (t: torch.Tensor) => Array.from(t.detach().float().toTypedArray<'float32'>());
    const grads: Record<string, number[]> = {};
    for (const [k, p] of model.namedParameters()) grads[k] = arr(p.grad!);
    const buffers: Record<string, number[]> = {};
    for (const [k, b] of model.namedBuffers()) buffers[k] = arr(b);
    return { output: arr(output), inputGrad: arr(input.grad!), grads, buffers };
  });
}
