// The golden training runs of scripts/goldens/optim.py, rebuilt in TypeScript: the weights, the
// batches, the loss, and each run's optimizer / scheduler settings (shared by the optim tests).
import { nn, optim, torch } from '../../src/index.js';
import { type Encoded, decode, fixture } from '../helpers.js';

const F = nn.functional;
type T = torch.Tensor;
/** The two-layer net's weights. */
export type Weights = Record<'w1' | 'b1' | 'w2' | 'b2', T>;

/** One golden run: its per-step losses and final weights. */
export interface Run {
  name: string;
  losses: number[];
  final: Record<string, Encoded>;
}
interface Golden {
  init: Record<string, Encoded>;
  batches: { x: Encoded; y: Encoded }[];
  training: Run[];
}

/** The fixture. */
export const golden = fixture<Golden>('optim.json');

/** A scheduler of a run: stepped after each optimizer step (ReduceLROnPlateau with the step's loss). */
export type Scheduler = optim.lrScheduler.LRScheduler | optim.lrScheduler.ReduceLROnPlateau;

/** What a run needs: the optimizer, an optional scheduler, how gradients are cleared, and what runs between backward and step. */
export interface Setup {
  optimizer: (p: Weights) => optim.Optimizer;
  scheduler?: (o: optim.Optimizer) => Scheduler;
  setToNone?: boolean;
  dropW2GradOnEvenSteps?: boolean;
  beforeStep?: (p: Weights) => void;
}

const all = (p: Weights) => [p.w1, p.b1, p.w2, p.b2];
/** The optimizer settings of each golden run, as scripts/goldens/optim.py's CONFIGS. */
export const setups: Record<string, Setup> = {
  sgd_nesterov: { optimizer: (p) => new optim.SGD(all(p), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }) },
  sgd_dampening: { optimizer: (p) => new optim.SGD(all(p), { lr: 0.05, momentum: 0.8, dampening: 0.3, weightDecay: 1e-3 }) },
  sgd_plain_maximize: { optimizer: (p) => new optim.SGD(all(p), { lr: 0.01, maximize: true }) },
  adam: { optimizer: (p) => new optim.Adam(all(p), { lr: 1e-2, weightDecay: 1e-3 }) },
  adam_amsgrad: { optimizer: (p) => new optim.Adam(all(p), { lr: 1e-2, betas: [0.8, 0.99], amsgrad: true }) },
  adam_skipped_grads: { optimizer: (p) => new optim.Adam(all(p), { lr: 1e-2 }), dropW2GradOnEvenSteps: true },
  adamw: { optimizer: (p) => new optim.AdamW(all(p), { lr: 1e-2, weightDecay: 5e-2 }) },
  adamw_amsgrad: { optimizer: (p) => new optim.AdamW(all(p), { lr: 1e-2, eps: 1e-6, amsgrad: true }) },
  adamw_groups: {
    optimizer: (p) => new optim.AdamW([
      { params: [p.w1, p.w2], weightDecay: 5e-2 },
      { params: [p.b1, p.b2], weightDecay: 0, lr: 3e-3 },
    ], { lr: 1e-2 }),
  },
  adamw_onecycle: {
    optimizer: (p) => new optim.AdamW(all(p), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 }),
    scheduler: (o) => new optim.lrScheduler.OneCycleLR(o, { maxLr: 0.05, totalSteps: 20 }),
    setToNone: true,
  },
  sgd_onecycle: {
    optimizer: (p) => new optim.SGD(all(p), { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4 }),
    scheduler: (o) => new optim.lrScheduler.OneCycleLR(o, { maxLr: 0.1, totalSteps: 20 }),
  },
};

/** Fresh leaf copies of the golden initial weights. */
export function initialWeights(): Weights {
  const w = Object.fromEntries(Object.entries(golden.init).map(([k, v]) => [k, decode(v).requiresGrad_(true)]));
  return w as Weights;
}

/** The golden script's loss: two linear layers with tanh, cross-entropy with label smoothing 0.1. */
export function lossOf(p: Weights, x: T, y: T): T {
  return torch.tidy(() => F.crossEntropy(F.linear(F.linear(x, p.w1, p.b1).tanh(), p.w2, p.b2), y, { labelSmoothing: 0.1 }));
}

/** Trains steps [from, to) of a setup, returning the losses. */
export function trainSteps(setup: Setup, p: Weights, opt: optim.Optimizer, sched: Scheduler | undefined,
  from: number, to: number): number[] {
  const losses: number[] = [];
  for (let step = from; step < to; step++) {
    torch.tidy(() => {
      opt.zeroGrad({ setToNone: setup.setToNone ?? false });
      const { x, y } = golden.batches[step];
      const loss = lossOf(p, decode(x), decode(y));
      loss.backward();
      if (setup.dropW2GradOnEvenSteps && step % 2 === 0) p.w2.grad = null;
      setup.beforeStep?.(p);
      opt.step();
      if (sched instanceof optim.lrScheduler.ReduceLROnPlateau) sched.step(loss.item());
      else sched?.step();
      losses.push(loss.item());
    });
  }
  return losses;
}


/** The resumed side of resumeFromStateDicts: the original weights, the resumed ones and their optimizer and scheduler. */
export interface Resumed {
  p: Weights;
  q: Weights;
  opt: optim.Optimizer;
  sched: Scheduler | undefined;
  losses: number[];
}

/**
 * Trains steps [0, at) of a setup, checkpoints it (weights copied out, the optimizer's state dict,
 * the scheduler's through `copyState`), then trains steps [at, total) in new objects loaded from
 * that checkpoint. The first optimizer is disposed before the resumed steps: its loaded state is a
 * copy, so its release must not matter.
 */
export function resumeFromStateDicts(setup: Setup, at: number, total: number,
  copyState: (s: ReturnType<Scheduler['stateDict']>) => ReturnType<Scheduler['stateDict']>): Resumed {
  const p = initialWeights();
  const first = setup.optimizer(p);
  const firstSched = setup.scheduler?.(first);
  trainSteps(setup, p, first, firstSched, 0, at);
  const weights = Object.fromEntries(Object.entries(p).map(([k, v]) => [k, torch.noGrad(() => v.clone())]));
  const optState = first.stateDict();
  const schedState = firstSched ? copyState(firstSched.stateDict()) : undefined;
  const q = Object.fromEntries(Object.entries(weights).map(([k, v]) => [k, v.requiresGrad_(true)])) as Weights;
  const opt = setup.optimizer(q);
  const sched = setup.scheduler?.(opt);
  opt.loadStateDict(optState);
  if (sched && schedState) (sched as { loadStateDict(s: unknown): void }).loadStateDict(schedState);
  first.dispose();
  return { p, q, opt, sched, losses: trainSteps(setup, q, opt, sched, at, total) };
}
