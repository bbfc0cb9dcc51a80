// Augmentation benchmark: smoothlab's AutoAugment(CIFAR10) + flip against torchvision 0.14's, per
// core, in the same run; then a DataLoader epoch with 2 workers against torch's DataLoader.
// Usage: node dist/bench/augment.js [--quick]
// bench/augment.py runs beside this process under /usr/bin/python3 and times the same work on
// request; the sides take turns repeat by repeat (never at once: they would share the 2 cores), so
// a change in machine load hits both. Both augment the same noise images (one seed, one generator).
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { type Timer, startPythonSide } from './python_side.js';
import { printTable } from './table.js';
import { type Turns, takeTurns, timeSync } from './turns.js';
import { data, torch, vision } from '../src/index.js';

const T = vision.transforms;

/** What both sides need to run the same work; augment.py receives it as JSON. */
interface Plan {
  seed: number;
  /** Distinct images cycled through by the per-image cases; the loader epoch uses them all. */
  images: number;
  batchSize: number;
  workers: number;
  mean: number[];
  std: number[];
  perImage: { warmup: number; repeats: number; iters: number };
  loader: { repeats: number };
}


function makePlan(quick: boolean): Plan {
  return {
    seed: 0,
    images: quick ? 8_000 : 50_000,
    batchSize: 256,
    workers: 2,
    // CIFAR-10's training-set statistics; any values do for timing.
    mean: [0.4914, 0.4822, 0.4465],
    std: [0.247, 0.2435, 0.2616],
    // Warm-up long enough for V8 to optimize every op (each appears in a few % of images).
    perImage: quick ? { warmup: 5000, repeats: 5, iters: 2000 } : { warmup: 10000, repeats: 15, iters: 6000 },
    loader: { repeats: quick ? 1 : 2 },
  };
}

/** The plan's images, drawn as torch.randint(0, 256, (n, 3, 32, 32), generator=Generator(seed)): CHW, and HWC for datasets. */
function makeImages(plan: Plan): { chw: vision.transforms.Image<Uint8Array>[]; dataset: vision.datasets.ImageArrayDataset } {
  const g = new data.Generator(plan.seed);
  const all = new Uint8Array(plan.images * 3072);
  for (let i = 0; i < all.length; i++) all[i] = g.randint(0, 256);
  const chw = Array.from({ length: plan.images }, (_, i) => ({ data: all.subarray(i * 3072, (i + 1) * 3072), channels: 3, height: 32, width: 32 }));
  const hwc = vision.datasets.sharedBytes(all.length);
  for (let i = 0; i < plan.images; i++) hwc.set(T.functional.toHWC(chw[i]).data, i * 3072);
  const labels = vision.datasets.sharedBytes(plan.images).map((_, i) => i % 10);
  const dataset = new vision.datasets.ImageArrayDataset({ images: hwc, labels, height: 32, width: 32, channels: 3, classes: Array.from({ length: 10 }, (_, k) => `c${k}`) });
  return { chw, dataset };
}



const fmt = (rate: number): string => (rate >= 1e4 ? `${(rate / 1e3).toFixed(1)} k img/s` : `${rate.toFixed(0)} img/s`);

async function main(): Promise<void> {
  let quick = false;
  try {
    quick = parseArgs({ options: { quick: { type: 'boolean', default: false } }, strict: true }).values.quick ?? false;
  } catch (error) {
    console.error(`augment bench: ${(error as Error).message}\nusage: node dist/bench/augment.js [--quick]`);
    process.exit(2);
  }
  const plan = makePlan(quick);
  const loadBefore = loadavg()[0];
  const { chw, dataset } = makeImages(plan);
  const py = await startPythonSide('augment', plan, 'python3-torchvision');
  const generator = new data.Generator(plan.seed);

  // Per core: one thread each, the flip and the policy on uint8 CHW images (torchvision: tensors and PIL).
  const augment = new T.Compose([new T.RandomHorizontalFlip(), new T.AutoAugment({ policy: 'cifar10' })]);
  const full = new T.Compose([new T.ToImage(), new T.RandomHorizontalFlip(), new T.AutoAugment({ policy: 'cifar10' }), new T.ToDtype('float32', { scale: true }), new T.Normalize(plan.mean, plan.std)]);
  const hwcSamples = Array.from({ length: Math.min(plan.images, 4096) }, (_, i) => ({ layout: 'HWC' as const, data: dataset.images.subarray(i * 3072, (i + 1) * 3072), height: 32, width: 32, channels: 3 }));
  let k = 0;
  const slAugment = timeSync((n) => {
    for (let i = 0; i < n; i++) augment.forward(chw[k++ % chw.length], generator);
  });
  const slFull = timeSync((n) => {
    for (let i = 0; i < n; i++) full.forward(hwcSamples[k++ % hwcSamples.length], generator);
  });
  const { warmup, repeats, iters } = plan.perImage;
  await slAugment(warmup);
  await slFull(warmup);
  await py.timer('tensor')(warmup / 20);
  await py.timer('pil')(warmup / 20);
  const augments = await takeTurns({ repeats, iters }, [slAugment, py.timer('tensor'), py.timer('pil')]);
  const pipelines = await takeTurns({ repeats, iters }, [slFull, py.timer('pipeline')]);

  // A DataLoader epoch: 2 persistent workers, batch 256, the full pipeline, batches as tensors;
  // one warm-up epoch each (worker start-up, JIT), then epochs as a training loop's later ones.
  const loader = new data.DataLoader({ dataset, batchSize: plan.batchSize, shuffle: true, numWorkers: plan.workers, persistentWorkers: true, seed: plan.seed, transform: full });
  const slLoader: Timer = async (n) => {
    const start = process.hrtime.bigint();
    let seen = 0;
    for await (const batch of loader) {
      seen += batch[0].shape[0];
      torch.dispose(batch);
    }
    if (seen !== n) throw new Error(`loader epoch saw ${seen} images, expected ${n}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  await slLoader(plan.images);
  await py.timer('loader')(plan.images);
  const epochs = await takeTurns({ repeats: plan.loader.repeats, iters: plan.images }, [slLoader, py.timer('loader')]);
  await loader.close();
  py.close();

  console.log(`augment bench${quick ? ' (quick)' : ''}: smoothlab vs torchvision ${py.ready.torchvision} (torch threads ${py.ready.threads}); ` +
    `load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  console.log('rates are medians over rounds, the sides taking turns; ratio = median over rounds of smoothlab / torchvision measured back to back\n');
  const row = (name: string, turns: Turns, ref: number, min?: number) => {
    const ratio = turns.ratio(0, ref);
    return [name, fmt(turns.rate(0)), fmt(turns.rate(ref)), ratio.toFixed(1), min === undefined ? '' : `${ratio >= min ? 'met' : 'NOT met'} (>= ${min})`];
  };
  printTable([
    ['case (one core unless noted)', 'smoothlab', 'torchvision', 'ratio', 'target'],
    row('flip + AutoAugment(CIFAR10), uint8 tensors', augments, 1, 10),
    row('flip + AutoAugment(CIFAR10), torchvision on PIL', augments, 2, 10),
    row('HWC bytes -> flip, AA, float, Normalize (PIL)', pipelines, 1),
    row(`DataLoader epoch, ${plan.images} images, ${plan.workers} persistent workers, batch ${plan.batchSize}`, epochs, 1),
  ]);
  // DESIGN.md: ResNet-18 at 32x32 trains at ~460 img/s here with 2 threads (PyTorch, batch 256).
  const train = 460;
  const [slEpoch, tvEpoch] = [epochs.rate(0), epochs.rate(1)];
  console.log(`\nAt ~${train} img/s of ResNet-18 training, one epoch of ${plan.images} images takes ${(plan.images / train).toFixed(0)} s to train; ` +
    `the 2-worker loader prepares it in ${(plan.images / slEpoch).toFixed(1)} s of wall time (${((100 * train) / slEpoch).toFixed(1)}% of the training time), torch's in ${(plan.images / tvEpoch).toFixed(1)} s.`);
}

main().catch((error: unknown) => {
  console.error(`augment bench: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
