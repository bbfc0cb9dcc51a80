// A small, deterministic training setup shared by the fit tests and the resume worker: a conv net
// with batch norm and dropout (so RNG and running statistics matter), synthetic 3x8x8 images whose
// order depends on the epoch only, AdamW and a per-step OneCycleLR.
import { metrics, nn, optim, torch, train } from '../../src/index.js';

/** Batches whose shuffling depends on (seed, epoch) only, as a DataLoader's does. */
export class ToyBatches implements Iterable<train.Batch> {
  readonly numSamples: number;
  #epoch = 0;
  readonly #images: torch.Tensor;
  readonly #labels: torch.Tensor;

  constructor(readonly count = 96, readonly batchSize = 16, seed = 1) {
    this.numSamples = count;
    torch.manualSeed(seed);
    this.#labels = torch.keep(torch.randint(0, 4, [count]));
    // Class-dependent means make the task learnable.
    this.#images = torch.keep(torch.tidy(() => torch.randn([count, 3, 8, 8]).add(this.#labels.float().reshape([count, 1, 1, 1]).mul(0.5))));
  }

  dispose(): void {
    torch.dispose([this.#images, this.#labels]);
  }

  setEpoch(epoch: number): void {
    this.#epoch = epoch;
  }

  *[Symbol.iterator](): Iterator<train.Batch> {
    // A tiny LCG seeded by the epoch: the data order must not touch torch's generator.
    let state = 12345 + this.#epoch * 7919;
    const order = Array.from({ length: this.count }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const j = state % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (let start = 0; start < this.count; start += this.batchSize) {
      const index = torch.tensor(BigInt64Array.from(order.slice(start, start + this.batchSize), BigInt));
      yield [this.#images.indexSelect(0, index), this.#labels.indexSelect(0, index)];
      index.dispose();
    }
  }
}

/** The toy model, optimizer, scheduler, metric and loss for `epochs` epochs. */
export function toySetup(epochs: number, { lr = 1e-3, maxLr = 0.05, seed = 0 } = {}) {
  const trainLoader = new ToyBatches(96, 16, 1);
  const valLoader = new ToyBatches(32, 16, 2);
  torch.manualSeed(seed);
  const model = new nn.Sequential(
    new nn.Conv2d(3, 8, 3, { padding: 1 }), new nn.BatchNorm2d(8), new nn.ReLU(), new nn.Dropout(0.2),
    new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(8, 4),
  );
  const optimizer = new optim.AdamW(model.parameters(), { lr, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const scheduler = new optim.lrScheduler.OneCycleLR(optimizer, { maxLr, epochs, stepsPerEpoch: 6 });
  const metric = new metrics.MulticlassAccuracy({ numClasses: 4, average: 'micro' });
  const lossFn = (out: torch.Tensor, target: torch.Tensor) => nn.functional.crossEntropy(out, target, { labelSmoothing: 0.1 });
  const dispose = () => {
    model.dispose();
    optimizer.dispose();
    trainLoader.dispose();
    valLoader.dispose();
  };
  return { model, trainLoader, valLoader, optimizer, scheduler, metric, lossFn, epochs, schedulerStep: 'step' as const, dispose };
}
