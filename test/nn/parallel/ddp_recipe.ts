// The model, data and optimizer shared by the DDP equivalence tests and their ranks: a small MLP (no
// BatchNorm, so the ranks' halves of a batch give exactly the whole batch's mean gradient) trained
// for five steps on a fixed batch of 16, with AdamW as the study, or plain SGD, whose step is lr
// times the gradient: AdamW's is nearly the same for a gradient of any scale, SGD's shows a sum of
// the ranks' gradients where their mean belongs.
import { nn, optim, torch } from '../../../src/index.js';

/** Steps of the equivalence check. */
export const STEPS = 5;
/** The whole batch; each of two ranks takes half. */
export const BATCH = 16;

/** The model, initialized from `seed` (rank 1 uses another seed: DDP must overwrite it with rank 0's). */
export function makeModel(seed: number): nn.Sequential {
  torch.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(8, 32), new nn.ReLU(), new nn.Linear(32, 4));
}

/** The data of step `step`: inputs [BATCH, 8] and labels [BATCH]. */
export function batch(step: number): [torch.Tensor, torch.Tensor] {
  torch.manualSeed(1000 + step);
  return [torch.randn([BATCH, 8]), torch.randint(0, 4, [BATCH])];
}

/** The optimizers of the tests. */
export type OptimizerName = 'adamw' | 'sgd';

/** AdamW as the study uses it, or SGD without momentum or weight decay. */
export function makeOptimizer(model: nn.Module<any[], any>, name: OptimizerName = 'adamw'): optim.AdamW | optim.SGD {
  return name === 'sgd' ? new optim.SGD(model.parameters(), { lr: 0.1 }) : new optim.AdamW(model.parameters(), { lr: 1e-2, betas: [0.9, 0.99], weightDecay: 1e-2 });
}

/** One training step on the rows [start, end) of the step's batch. */
export function trainStep(model: nn.Module<[torch.Tensor], torch.Tensor>, opt: optim.AdamW | optim.SGD, step: number, start: number, end: number): void {
  torch.tidy(() => {
    const [x, y] = batch(step);
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x.narrow(0, start, end - start)), y.narrow(0, start, end - start), { labelSmoothing: 0.1 });
    loss.backward();
    opt.step();
  });
}

/** The parameters as plain arrays, keyed as the wrapped module's state dict. */
export function weights(model: nn.Module<any[], any>): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of model.namedParameters()) out[k.replace(/^module\./, '')] = Array.from(v.toTypedArray<'float32'>());
  return out;
}
