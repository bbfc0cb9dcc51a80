// Engine benchmark: smoothlab against PyTorch on the same libtorch, measured in the same run.
// Usage: node dist/bench/engine.js [--threads N] [--quick]
// bench/engine.py runs beside this process under /usr/bin/python3 and times the same cases on
// request; the two sides take short turns (bench/turns.ts says why).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Timer, startPythonSide } from './python_side.js';
import { printTable } from './table.js';
import { type TurnPlan, type Turns, takeTurns, timeSync } from './turns.js';
import { nn, optim, torch, vision } from '../src/index.js';

const F = nn.functional;

/** Everything both sides need to run the same work; engine.py receives it as JSON. */
interface Plan {
  threads: number;
  seed: number;
  add: TurnPlan & { shape: number[] };
  convBnRelu: TurnPlan & { input: [number, number, number, number] };
  bnRelu: TurnPlan & { input: [number, number, number, number] };
  resnet18Step: ResNetStepPlan;
  resnet18StepChannelsLast: ResNetStepPlan;
}

type ResNetStepPlan = TurnPlan & { input: [number, number, number, number]; channelsLast: boolean };

// The tidy variant of the add case releases its results in scopes of this many ops.
const TIDY_BATCH = 1000;

/** Builds the plan; --quick keeps every case but cuts iterations so that a run takes seconds. */
function makePlan(threads: number, quick: boolean): Plan {
  const batch = 32;
  return {
    threads,
    seed: 0,
    // Many short rounds: one op takes about a microsecond, and the machine's speed drifts.
    add: { shape: [16], ...(quick ? { warmup: 10_000, repeats: 9, iters: 20_000 } : { warmup: 50_000, repeats: 41, iters: 50_000 }) },
    convBnRelu: { input: [batch, 64, 32, 32], itemsPerIter: batch, ...(quick ? { warmup: 2, repeats: 5, iters: 2 } : { warmup: 4, repeats: 21, iters: 3 }) },
    // ResNet-18's first BatchNorm and ReLU on CIFAR-shaped input, as layers: smoothlab's fused
    // kernel (native/fused/batch_norm.h) against PyTorch's two modules.
    bnRelu: { input: [256, 64, 16, 16], itemsPerIter: 256, ...(quick ? { warmup: 2, repeats: 5, iters: 2 } : { warmup: 4, repeats: 21, iters: 5 }) },
    // The pipeline bench's model and batch on CIFAR-shaped input, without data loading.
    resnet18Step: { input: [256, 3, 32, 32], channelsLast: false, itemsPerIter: 256, ...resnetTurns(quick) },
    // The same in the layout the study trains 3-channel images in: oneDNN's NHWC convolutions on
    // both sides (smoothlab's BatchNorm+ReLU kernel runs in both layouts).
    resnet18StepChannelsLast: { input: [256, 3, 32, 32], channelsLast: true, itemsPerIter: 256, ...resnetTurns(quick) },
  };
}

function resnetTurns(quick: boolean): TurnPlan {
  return quick ? { warmup: 1, repeats: 3, iters: 1 } : { warmup: 2, repeats: 15, iters: 1 };
}

// Per-op overhead: with 16 elements the arithmetic is noise and the binding's cost is what is timed.
// Python frees each result when its refcount drops; the closest smoothlab code is a dispose() per op,
// and the idiomatic alternative is a tidy() around a batch of ops. Both are timed.
function addTimers(plan: Plan['add']): { timers: Timer[]; release: () => void } {
  const a = torch.randn(plan.shape);
  const b = torch.randn(plan.shape);
  const disposeEach = timeSync((n) => {
    for (let i = 0; i < n; i++) a.add(b).dispose();
  });
  const tidyBatches = timeSync((n) => {
    for (let done = 0; done < n; done += TIDY_BATCH) {
      const count = Math.min(TIDY_BATCH, n - done);
      torch.tidy(() => {
        for (let i = 0; i < count; i++) a.add(b);
      });
    }
  });
  return { timers: [disposeEach, tidyBatches], release: () => torch.dispose([a, b]) };
}

// Other small ops, one binding each: the overhead is not only add's. Mirrors SMALL_OPS in engine.py.
const SMALL_OPS: Record<string, (a: torch.Tensor, b: torch.Tensor, m: torch.Tensor) => torch.Tensor> = {
  'mul(0.5)': (a) => a.mul(0.5),
  'relu()': (a) => a.relu(),
  'sum()': (a) => a.sum(),
  'view(4, 4)': (a) => a.view([4, 4]),
  'add_(b)': (a, b) => a.add_(b),
  'where(m, a, 0)': (a, _b, m) => torch.where(m, a, 0),
};

function smallOpTimer(plan: Plan['add'], name: string): { timer: Timer; release: () => void } {
  const a = torch.randn(plan.shape);
  const b = torch.tidy(() => torch.randn(plan.shape).mul(1e-6)); // add_ repeated millions of times stays finite
  const m = a.gt(0);
  const op = SMALL_OPS[name];
  const inPlace = name.includes('_(');
  const timer = timeSync((n) => {
    for (let i = 0; i < n; i++) {
      const y = op(a, b, m);
      if (!inPlace) y.dispose(); // an in-place op returns `a` itself
    }
  });
  return { timer, release: () => torch.dispose([a, b, m]) };
}

// One training step of the pipeline bench's model; mirrors resnet18_step_case in engine.py.
function resnet18StepTimer(plan: ResNetStepPlan): { timer: Timer; release: () => void } {
  const [n, c] = plan.input;
  const built = vision.models.resnet18({ numClasses: 10, inChannels: c });
  const model = plan.channelsLast ? built.toChannelsLast() : built;
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const x = torch.tidy(() => (plan.channelsLast ? torch.randn(plan.input).channelsLast() : torch.randn(plan.input)));
  const y = torch.randint(0, 10, [n]);
  model.train();
  const timer = timeSync((steps) => {
    for (let s = 0; s < steps; s++) {
      torch.tidy(() => {
        optimizer.zeroGrad();
        F.crossEntropy(model.call(x), y, { labelSmoothing: 0.1 }).backward();
        optimizer.step();
      });
    }
  });
  return { timer, release: () => { torch.dispose([x, y]); optimizer.dispose(); model.dispose(); } };
}

// BatchNorm2d then ReLU as layers in training, forward and backward with a fixed output gradient;
// mirrors bn_relu_case in engine.py.
function bnReluTimer(plan: Plan['bnRelu']): { timer: Timer; release: () => void } {
  const bn = new nn.BatchNorm2d(plan.input[1]);
  const relu = new nn.ReLU();
  const x = torch.randn(plan.input).requiresGrad_();
  const grad = torch.randn(plan.input);
  const timer = timeSync((steps) => {
    for (let s = 0; s < steps; s++) {
      torch.tidy(() => {
        x.grad = null;
        bn.zeroGrad({ setToNone: true });
        nn.batchNormReLU(bn, relu, x).backward(grad);
      });
    }
  });
  return { timer, release: () => { torch.dispose([x, grad]); bn.dispose(); } };
}

// One training-style step of the first half of a ResNet block; mirrors conv_bn_relu_case in engine.py.
function convBnReluTimer(plan: Plan['convBnRelu']): { timer: Timer; release: () => void } {
  const c = plan.input[1];
  const x = torch.randn(plan.input);
  const weight = torch.tidy(() => torch.randn([c, c, 3, 3]).mul(0.05)).requiresGrad_();
  const gamma = torch.ones([c], { requiresGrad: true });
  const beta = torch.zeros([c], { requiresGrad: true });
  const runningMean = torch.zeros([c]);
  const runningVar = torch.ones([c]);
  const params = [weight, gamma, beta];
  const timer = timeSync((steps) => {
    for (let s = 0; s < steps; s++) {
      // tidy() releases the step's activations, the loss and the .grad wrappers read for zeroing.
      torch.tidy(() => {
        for (const p of params) p.grad?.zero_();
        const y = F.batchNorm(F.conv2d(x, weight, null, { padding: 1 }), runningMean, runningVar, { weight: gamma, bias: beta, training: true });
        F.relu(y).sum().backward();
      });
    }
  });
  return { timer, release: () => torch.dispose([x, runningMean, runningVar, ...params]) };
}


function parseFlags(): { threads: number; quick: boolean } {
  const usage = 'usage: node dist/bench/engine.js [--threads N] [--quick]';
  try {
    const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' }, quick: { type: 'boolean', default: false } }, strict: true });
    const threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got '${values.threads}'`);
    return { threads, quick: values.quick ?? false };
  } catch (error) {
    console.error(`engine bench: ${(error as Error).message}\n${usage}`);
    process.exit(2);
  }
}

const fmt = (rate: number, unit: string): string =>
  rate >= 1e6 ? `${(rate / 1e6).toFixed(2)} M${unit}` : rate >= 1e4 ? `${(rate / 1e3).toFixed(1)} k${unit}` : `${rate.toFixed(1)} ${unit}`;

async function main(): Promise<void> {
  const { threads, quick } = parseFlags();
  const plan = makePlan(threads, quick);
  torch.setNumThreads(threads);
  torch.manualSeed(plan.seed);
  const loadBefore = loadavg()[0];
  const tensorsBefore = torch.memory().tensors;
  const py = await startPythonSide('engine', plan, 'python3-torch');

  const add = addTimers(plan.add);
  const adds = await takeTurns(plan.add, [...add.timers, py.timer('add')]);
  add.release();
  const smallOps: [string, Turns][] = [];
  for (const name of Object.keys(SMALL_OPS)) {
    const op = smallOpTimer(plan.add, name);
    smallOps.push([name, await takeTurns({ ...plan.add, repeats: Math.ceil(plan.add.repeats / 2) }, [op.timer, py.timer(name)])]);
    op.release();
  }
  const conv = convBnReluTimer(plan.convBnRelu);
  const convs = await takeTurns(plan.convBnRelu, [conv.timer, py.timer('convBnRelu')]);
  conv.release();
  const bnRelu = bnReluTimer(plan.bnRelu);
  const bnRelus = await takeTurns(plan.bnRelu, [bnRelu.timer, py.timer('bnRelu')]);
  bnRelu.release();
  const resnet = resnet18StepTimer(plan.resnet18Step);
  const resnets = await takeTurns(plan.resnet18Step, [resnet.timer, py.timer('resnet18Step')]);
  resnet.release();
  const resnetCl = resnet18StepTimer(plan.resnet18StepChannelsLast);
  const resnetsCl = await takeTurns(plan.resnet18StepChannelsLast, [resnetCl.timer, py.timer('resnet18StepChannelsLast')]);
  resnetCl.release();
  py.close();
  const leaked = torch.memory().tensors - tensorsBefore;

  console.log(`engine bench${quick ? ' (quick)' : ''}: smoothlab on libtorch ${torch.version} with ${torch.getNumThreads()} threads, ` +
    `PyTorch ${py.ready.version} with ${py.ready.threads} threads; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  console.log(`rates are medians over rounds, the sides taking turns (${plan.add.repeats} rounds of the add cases, ${Math.ceil(plan.add.repeats / 2)} of each other small op, ${plan.convBnRelu.repeats} of the conv step and of the BatchNorm layers, ${plan.resnet18Step.repeats} of each ResNet-18 step);\n` +
    'ratio = median over rounds of smoothlab / PyTorch measured back to back, > 1 means smoothlab is faster\n');
  const row = (name: string, turns: Turns, i: number, ref: number, unit: string, min?: number) => {
    const ratio = turns.ratio(i, ref);
    const target = min === undefined ? '' : `${ratio >= min ? 'met' : 'NOT met'} (>= ${min.toFixed(2)})`;
    return [name, fmt(turns.rate(i), unit), fmt(turns.rate(ref), unit), ratio.toFixed(2), target];
  };
  printTable([
    ['case', 'smoothlab', 'PyTorch', 'ratio', 'target'],
    row(`add [${plan.add.shape}] f32, dispose() each`, adds, 0, 2, 'ops/s', 1),
    row(`add [${plan.add.shape}] f32, tidy() per ${TIDY_BATCH}`, adds, 1, 2, 'ops/s', 1),
    ...smallOps.map(([name, turns]) => row(`  ${name}${name.includes('_(') ? ', in place' : ', dispose() each'}`, turns, 0, 1, 'ops/s')),
    row(`conv3x3+bn+relu fwd+bwd [${plan.convBnRelu.input}]`, convs, 0, 1, 'img/s', 0.95),
    row(`BatchNorm2d + ReLU layers fwd+bwd [${plan.bnRelu.input}]`, bnRelus, 0, 1, 'img/s'),
    // The targets: 1.10x PyTorch 1.13, and 1.0x a PyTorch 2.x with its fastest AdamW setting.
    row(`ResNet-18 train step (AdamW, eps 0.1; PyTorch's ${String(py.ready.adamw)}) [${plan.resnet18Step.input}]`, resnets, 0, 1, 'img/s',
      String(py.ready.version).startsWith('1.') ? 1.1 : 1),
    row(`  the same, channels-last on both sides (PyTorch's ${String(py.ready.adamwChannelsLast)})`, resnetsCl, 0, 1, 'img/s', String(py.ready.version).startsWith('1.') ? 1.1 : 1),
  ]);
  if (leaked !== 0) console.log(`\nwarning: the benchmark left ${leaked} smoothlab tensors alive`);
}

main().catch((error: unknown) => {
  console.error(`engine bench: ${(error as Error).message}`);
  process.exit(1);
});
