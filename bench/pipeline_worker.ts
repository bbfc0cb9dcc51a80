// smoothlab's side of bench/pipeline.ts, in its own process so that its peak memory is its own:
// the same recipe as bench/pipeline.py (ResNet-18, flip + AutoAugment(CIFAR10), AdamW,
// OneCycleLR per epoch, label smoothing 0.1) on the same synthetic bytes.
import { readFileSync } from 'node:fs';
import { data, nn, optim, torch, vision } from '../src/index.js';

/** What the driver asks both sides to run. */
export interface PipelinePlan {
  imagesFile: string;
  labelsFile: string;
  count: number;
  height: number;
  width: number;
  channels: number;
  mean: number[];
  std: number[];
  autoAugment: boolean;
  batchSize: number;
  evalBatchSize: number;
  workers: number;
  threads: number;
  epochs: number;
  /** 'stepOnly': time `steps` training steps on one fixed batch and exit; 'pipeline': epochs, then evaluation. */
  mode: 'stepOnly' | 'pipeline';
  warmupSteps: number;
  steps: number;
  channelsLast: boolean;
}

const T = vision.transforms;

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2]) as PipelinePlan;
  torch.setNumThreads(plan.threads);
  torch.manualSeed(0);
  const { count: n, height: h, width: w, channels: c } = plan;
  const images = vision.datasets.sharedBytes(n * h * w * c);
  images.set(readFileSync(plan.imagesFile));
  const labels = new Uint8Array(readFileSync(plan.labelsFile));
  const classes = Array.from({ length: 10 }, (_, i) => String(i));
  const dataset = new vision.datasets.ImageArrayDataset({ images, labels, height: h, width: w, channels: c, classes });
  const augment = [new T.RandomHorizontalFlip(), ...(plan.autoAugment ? [new T.AutoAugment({ policy: 'cifar10' })] : [])];
  const normalize = [new T.ToDtype('float32', { scale: true }), new T.Normalize(plan.mean, plan.std)];
  const loader = new data.DataLoader({ dataset, batchSize: plan.batchSize, shuffle: true, numWorkers: plan.workers, persistentWorkers: true, seed: 0, transform: new T.Compose([new T.ToImage(), ...augment, ...normalize]) });
  const testLoader = new data.DataLoader({ dataset, batchSize: plan.evalBatchSize, numWorkers: plan.workers, persistentWorkers: true, seed: 0, transform: new T.Compose([new T.ToImage(), ...normalize]) });

  const model = vision.models.resnet18({ numClasses: 10, inChannels: c });
  if (plan.channelsLast) model.toChannelsLast();
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 5e-2, totalSteps: plan.epochs + 1 });
  const layout = (x: torch.Tensor) => (plan.channelsLast ? x.channelsLast() : x);
  const step = (x: torch.Tensor, y: torch.Tensor) => torch.tidy(() => {
    opt.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(layout(x)), y, { labelSmoothing: 0.1 });
    loss.backward();
    opt.step();
    return loss.item();
  });

  model.train();
  if (plan.mode === 'stepOnly') {
    // Step only: one fixed batch, no data loading; the driver runs this mode in turns with PyTorch's.
    const x = torch.randn([plan.batchSize, c, h, w]);
    const y = torch.randint(0, 10, [plan.batchSize]);
    for (let i = 0; i < plan.warmupSteps; i++) step(x, y);
    const start = performance.now();
    for (let i = 0; i < plan.steps; i++) step(x, y);
    const stepRate = (plan.steps * plan.batchSize) / ((performance.now() - start) / 1000);
    console.log(JSON.stringify({ version: torch.version, threads: torch.getNumThreads(), stepRate }));
    await Promise.all([loader.close(), testLoader.close()]);
    return;
  }

  // End to end: whole epochs with augmentation and loading.
  const epochSeconds: number[] = [];
  for (let e = 0; e < plan.epochs; e++) {
    const start = performance.now();
    for await (const [images, labels] of loader) {
      step(images, labels);
      torch.dispose([images, labels]);
    }
    sched.step();
    epochSeconds.push((performance.now() - start) / 1000);
  }

  // Evaluation: the whole set in eval mode under inferenceMode, as train.evaluate runs it.
  model.eval();
  const start = performance.now();
  for await (const [images, labels] of testLoader) {
    torch.inferenceMode(() => torch.tidy(() => model.call(layout(images)).argmax(1)));
    torch.dispose([images, labels]);
  }
  const evalRate = n / ((performance.now() - start) / 1000);
  await Promise.all([loader.close(), testLoader.close()]);
  console.log(JSON.stringify({ version: torch.version, threads: torch.getNumThreads(), epochSeconds, evalRate }));
}

await main();
