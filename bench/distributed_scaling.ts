// Benchmark, not a test: the seed recipe's training step (ResNet-18, torchvision layout, channels-
// last; AdamW; label smoothing 0.1; a CIFAR-shaped batch of 256 random images) on this machine's
// cores three ways: 1 process x 1 thread (the baseline), 1 process x 2 threads (intra-op threads),
// 2 processes x 1 thread (DistributedDataParallel over Gloo, each rank on half the batch). The
// sides stay loaded and take turns round after round (bench/turns.ts says why); each rate is the
// median over rounds, and scaling efficiency is rate / (2 x the baseline's).
// `node dist/bench/distributed_scaling.js [--rounds R] [--steps S]`; the sides run this file too.
import { type ChildProcess, fork } from 'node:child_process';
import { freePort } from '../src/cli/launch_command.js';
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { printTable } from './table.js';
import { median } from './turns.js';
import type { Tensor } from '../src/torch/tensor.js';

const BATCH = 256;

interface Go { steps: number }
interface Done { seconds: number }

// One side's process: builds the step, warms it up, then runs `steps` steps per message.
async function side(): Promise<void> {
  const { nn, optim, torch, vision } = await import('../src/index.js');
  const threads = Number(process.env.BENCH_THREADS);
  const worldSize = Number(process.env.WORLD_SIZE ?? 1);
  torch.setNumThreads(threads);
  if (worldSize > 1) await torch.distributed.initProcessGroup({ backend: 'gloo', initMethod: 'env://', timeoutMs: 600_000 });
  torch.manualSeed(512);
  const model = vision.models.resnet18({ numClasses: 10 }).toChannelsLast();
  const net = worldSize > 1 ? new nn.parallel.DistributedDataParallel(model) : model;
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const n = BATCH / worldSize;
  const x = torch.randn([n, 3, 32, 32]).channelsLast();
  const y = torch.randint(0, 10, [n]);
  net.train();
  const step = () => torch.tidy(() => {
    optimizer.zeroGrad();
    nn.functional.crossEntropy(net.call(x) as Tensor, y, { labelSmoothing: 0.1 }).backward();
    optimizer.step();
  });
  step();
  process.send!({ ready: true });
  process.on('message', (message: Go | { exit: true }) => {
    if ('exit' in message) {
      if (worldSize > 1) torch.distributed.destroyProcessGroup();
      process.disconnect();
      return;
    }
    const start = performance.now();
    for (let s = 0; s < message.steps; s++) step();
    process.send!({ seconds: (performance.now() - start) / 1000 } satisfies Done);
  });
}

const reply = <T>(child: ChildProcess): Promise<T> => new Promise((resolve, reject) => {
  const onExit = (code: number | null) => reject(new Error(`a bench process exited with ${code}`));
  child.once('exit', onExit);
  child.once('message', (m) => {
    child.off('exit', onExit);
    resolve(m as T);
  });
});

// A side: its processes (1, or 2 ranks), each with `threads` threads.
async function startSide(processes: number, threads: number): Promise<ChildProcess[]> {
  const port = await freePort();
  const children = Array.from({ length: processes }, (_, rank) => fork(fileURLToPath(import.meta.url), [], {
    env: { ...process.env, BENCH_ROLE: 'side', BENCH_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MASTER_ADDR: '127.0.0.1', MASTER_PORT: String(port), RANK: String(rank), WORLD_SIZE: String(processes) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  }));
  await Promise.all(children.map((c) => reply(c)));
  return children;
}

// Images per second of one turn: every process runs the steps; the slowest one sets the time.
async function turn(children: ChildProcess[], steps: number): Promise<number> {
  const replies = children.map((c) => reply<Done>(c));
  for (const c of children) c.send({ steps } satisfies Go);
  const seconds = Math.max(...(await Promise.all(replies)).map((r) => r.seconds));
  return (BATCH * steps) / seconds;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' }, steps: { type: 'string', default: '3' } } });
  const rounds = Number(values.rounds);
  const steps = Number(values.steps);
  const loadBefore = loadavg();
  const sides = [
    { name: '1 process x 1 thread', children: await startSide(1, 1) },
    { name: '1 process x 2 threads', children: await startSide(1, 2) },
    { name: '2 processes x 1 thread (DDP, 128 each)', children: await startSide(2, 1) },
  ];
  const rates: number[][] = sides.map(() => []);
  for (let r = 0; r < rounds; r++) {
    // The first side of a round rotates, so that no side always follows another.
    for (let k = 0; k < sides.length; k++) {
      const i = (r + k) % sides.length;
      rates[i].push(await turn(sides[i].children, steps));
    }
  }
  for (const { children } of sides) for (const c of children) c.send({ exit: true });
  const loadAfter = loadavg();
  const baseline = median(rates[0]);
  console.log(`ResNet-18 train step (channels-last, AdamW, label smoothing 0.1), global batch ${BATCH} of 3x32x32; ${rounds} rounds of ${steps} steps per side, medians:`);
  printTable([
    ['layout', 'images/s', 'speed-up', 'scaling efficiency'],
    ...sides.map((s, i) => {
      const rate = median(rates[i]);
      return [s.name, rate.toFixed(0), (rate / baseline).toFixed(2), i === 0 ? '-' : `${((rate / baseline / 2) * 100).toFixed(0)}%`];
    }),
  ]);
  console.log(`2 processes x 1 thread / 1 process x 2 threads: ${median(rates[2].map((rate, k) => rate / rates[1][k])).toFixed(2)} (median of per-round ratios)`);
  console.log(`machine: ${availableParallelism()} cores; load average (1, 5, 15 min) ${loadBefore.map((l) => l.toFixed(2)).join(', ')} before, ${loadAfter.map((l) => l.toFixed(2)).join(', ')} after`);
}

if (process.env.BENCH_ROLE === 'side') await side();
else await main();
