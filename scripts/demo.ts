// `npm start`: the README's "main job" until the label-smoothing study lands. Trains a small conv
// net on Fashion-MNIST with label smoothing 0.1 and reports test accuracy and throughput, to show
// tensors, autograd, nn.functional, tidy() and a dataset working together end to end.
import { nn, torch, vision } from '../src/index.js';
import { USAGE, UsageError, parseDemoArgs } from './demo/args.js';
import { createConvNet, forward, parameters } from './demo/convnet.js';
import { createMomentumBuffers, sgdStep, warmupLinearDecay } from './demo/sgd.js';

type Tensor = torch.Tensor;

const DEFAULTS = { steps: 500, batchSize: 128, seed: 0 };
const LOG_EVERY = 50;
const SGD = { lr: 0.05, momentum: 0.9, weightDecay: 5e-4 };
const EVAL_BATCH = 1000;

function parseOrExit() {
  try {
    const args = parseDemoArgs(process.argv.slice(2), DEFAULTS);
    if (args.help) {
      console.log(USAGE);
      process.exit(0);
    }
    return args;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`demo: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
}

// Mean and standard deviation of all training pixels scaled to [0, 1] (0.2860 and 0.3530 for
// Fashion-MNIST), the constants of transforms.Normalize.
function pixelStats(images: Uint8Array): { mean: number; std: number } {
  const counts = new Float64Array(256);
  for (const v of images) counts[v] += 1;
  let sum = 0;
  let sumSq = 0;
  counts.forEach((c, v) => {
    sum += c * (v / 255);
    sumSq += c * (v / 255) ** 2;
  });
  const mean = sum / images.length;
  return { mean, std: Math.sqrt(sumSq / images.length - mean * mean) };
}

// A dataset as two tensors: uint8 images (N, 1, H, W) and int64 labels, so a batch is one
// indexSelect away; uint8 keeps the training set at 47 MB instead of 188 MB of floats.
function asTensors(ds: vision.datasets.MnistFamilyDataset): { images: Tensor; labels: Tensor } {
  return {
    images: torch.tensor(ds.images, { shape: [ds.length, ds.channels, ds.height, ds.width] }),
    labels: torch.tensor(ds.labels, { dtype: 'int64' }),
  };
}

// uint8 pixels -> floats in [0, 1] -> normalized with the training set's statistics.
function normalize(images: Tensor, { mean, std }: { mean: number; std: number }): Tensor {
  return images.float().div(255).sub(mean).div(std);
}

function main(): void {
  const args = parseOrExit();
  torch.setNumThreads(2);
  torch.manualSeed(args.seed);

  const trainSet = new vision.datasets.FashionMNIST({ train: true });
  const testSet = new vision.datasets.FashionMNIST({ train: false });
  if (args.batchSize > trainSet.length) {
    console.error(`demo: --batch-size: expected at most ${trainSet.length} (the training set), got '${args.batchSize}'\n${USAGE}`);
    process.exit(2);
  }
  const stats = pixelStats(trainSet.images);
  const train = asTensors(trainSet);
  const test = asTensors(testSet);
  const net = createConvNet();
  const params = parameters(net);
  const buffers = createMomentumBuffers(params);

  console.log(`smoothlab demo: small conv net on Fashion-MNIST, libtorch ${torch.version}, ${torch.getNumThreads()} threads`);
  console.log(`train ${trainSet.length} / test ${testSet.length} images; pixel mean ${stats.mean.toFixed(4)}, std ${stats.std.toFixed(4)}`);
  console.log(`${args.steps} steps of ${args.batchSize}, label smoothing 0.1, seed ${args.seed}; SGD (stand-in) lr ${SGD.lr} ` +
    `(10% warmup, linear decay), momentum ${SGD.momentum}, weight decay ${SGD.weightDecay}`);

  // Shuffled order of the current epoch; the incomplete last batch is dropped (drop_last=True).
  let order = torch.randperm(trainSet.length);
  let cursor = 0;
  const liveBefore = torch.memory().tensors;
  let lossSum = 0;
  const start = performance.now();
  for (let step = 1; step <= args.steps; step++) {
    if (cursor + args.batchSize > trainSet.length) {
      order.dispose();
      order = torch.randperm(trainSet.length);
      cursor = 0;
    }
    const loss = torch.tidy(() => {
      const index = order.narrow(0, cursor, args.batchSize);
      const x = normalize(train.images.indexSelect(0, index), stats);
      const y = train.labels.indexSelect(0, index);
      const l = nn.functional.crossEntropy(forward(net, x, true), y, { labelSmoothing: 0.1 });
      l.backward();
      sgdStep(params, buffers, { ...SGD, lr: SGD.lr * warmupLinearDecay(step, args.steps) });
      return l.item();
    });
    cursor += args.batchSize;
    lossSum += loss;
    if (step % LOG_EVERY === 0 || step === args.steps) {
      const seconds = (performance.now() - start) / 1000;
      const since = step % LOG_EVERY === 0 ? LOG_EVERY : step % LOG_EVERY;
      console.log(`step ${String(step).padStart(String(args.steps).length)}/${args.steps}  loss ${(lossSum / since).toFixed(4)}  ${seconds.toFixed(1)} s`);
      lossSum = 0;
    }
  }
  const trainSeconds = (performance.now() - start) / 1000;
  const liveAfter = torch.memory().tensors;
  order.dispose();

  const evalStart = performance.now();
  let correct = 0;
  for (let first = 0; first < testSet.length; first += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, testSet.length - first);
    correct += torch.noGrad(() =>
      torch.tidy(() => {
        const x = normalize(test.images.narrow(0, first, n), stats);
        const predicted = forward(net, x, false).argmax(1);
        return predicted.eq(test.labels.narrow(0, first, n)).sum().item();
      }),
    );
  }
  const evalSeconds = (performance.now() - evalStart) / 1000;

  const images = args.steps * args.batchSize;
  console.log(`test accuracy ${((100 * correct) / testSet.length).toFixed(2)}% (${correct}/${testSet.length})`);
  console.log(`training: ${images} images in ${trainSeconds.toFixed(1)} s = ${Math.round(images / trainSeconds)} images/s; ` +
    `evaluation: ${Math.round(testSet.length / evalSeconds)} images/s`);
  const verdict = liveAfter === liveBefore ? "flat: tidy() released every step's tensors" : `grew by ${liveAfter - liveBefore}: a leak`;
  console.log(`live tensors: ${liveBefore} before training, ${liveAfter} after (${verdict})`);
}

main();
