// The Dataset protocol through the DataLoader: TensorDataset, Subset, ConcatDataset, randomSplit
// and plain objects, in the calling thread and in workers; defaultCollate; labels of any number of
// classes; seeding from torch.manualSeed; resuming an epoch from stateDict().
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, nn, torch, vision } from '../../src/index.js';
import { RangeDataset } from './test_datasets.js';

async function epoch<B>(loader: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const b of loader) out.push(b);
  return out;
}

const values = (t: torch.Tensor) => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);

test('TensorDataset: rows of every tensor; batches stacked; the same with 0 and 1 workers; nothing leaks', async () => {
  const x = torch.tidy(() => torch.arange(0, 24).reshape([12, 2]).float()); // no forgotten temporaries: the count below is exact
  const y = torch.arange(0, 12);
  const ds = new data.TensorDataset(x, y);
  assert.equal(ds.length, 12);
  const [x5, y5] = ds.get(5);
  assert.deepEqual([values(x5), values(y5)], [[10, 11], [5]]);
  torch.dispose([x5, y5]);
  const short = torch.zeros([3]);
  assert.throws(() => new data.TensorDataset(x, short), /size mismatch/);
  short.dispose();
  assert.throws(() => ds.get(12), RangeError);
  const before = torch.memory().tensors;
  const runs: number[][][] = [];
  for (const numWorkers of [0, 1]) {
    const loader = new data.DataLoader(ds, { batchSize: 5, shuffle: true, seed: 3, numWorkers });
    const batches = await epoch(loader);
    assert.deepEqual(batches.map(([xb, yb]) => [xb.shape, yb.shape]), [[[5, 2], [5]], [[5, 2], [5]], [[2, 2], [2]]]);
    assert.equal(batches[0][0].dtype, 'float32');
    assert.equal(batches[0][1].dtype, 'int64');
    runs.push(batches.map(([xb, yb]) => [...values(xb), ...values(yb)]));
    for (const [xb, yb] of batches) assert.deepEqual(values(xb), values(yb).flatMap((i) => [2 * i, 2 * i + 1]));
    torch.dispose(batches);
    await loader.close();
  }
  assert.deepEqual(runs[0], runs[1]);
  assert.equal(torch.memory().tensors, before, 'the row views of each batch are freed with its scope');
  torch.dispose([x, y]);
});

test('a 1,000-class TensorDataset: int64 labels up to 999 train with crossEntropy', async () => {
  torch.manualSeed(0);
  const x = torch.randn([2000, 8]);
  const y = torch.arange(0, 2000).remainder(1000);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 500, shuffle: true });
  const head = new nn.Linear(8, 1000);
  let maxLabel = 0;
  for await (const [xb, yb] of loader) {
    maxLabel = Math.max(maxLabel, ...values(yb));
    const loss = torch.tidy(() => nn.functional.crossEntropy(head.call(xb), yb).item());
    assert.ok(Number.isFinite(loss) && loss > 6, `loss ${loss} of about ln(1000)`);
    torch.dispose([xb, yb]);
  }
  assert.equal(maxLabel, 999);
  head.dispose();
  torch.dispose([x, y]);
});

test('image datasets with more than 256 classes batch int64 labels', async () => {
  const ds = new vision.datasets.SyntheticImages({ length: 400, height: 2, width: 2, numClasses: 400, seed: 1 });
  const loader = new data.DataLoader(ds, { batchSize: 400 });
  const [[images, labels]] = await epoch(loader);
  assert.deepEqual(images.shape, [400, 3, 2, 2]);
  assert.equal(labels.dtype, 'int64');
  assert.deepEqual(values(labels), Array.from(ds.labels));
  assert.ok(Math.max(...ds.labels) > 255);
  torch.dispose([images, labels]);
});

test('an image dataset with a collateFn gets [image (C, H, W), label] samples', async () => {
  const ds = new vision.datasets.SyntheticImages({ length: 10, height: 4, width: 4, seed: 5 });
  const [[images, labels]] = await epoch(new data.DataLoader(ds, { batchSize: 10 }));
  const seen: number[][] = [];
  const custom = new data.DataLoader(ds, {
    batchSize: 10, numWorkers: 1,
    collateFn: (samples: [torch.Tensor, number][]) => {
      seen.push(samples[0][0].shape, [samples[0][1]]);
      return data.defaultCollate(samples);
    },
  });
  const [[images2, labels2]] = await epoch(custom);
  assert.deepEqual(seen, [[3, 4, 4], [ds.labels[0]]]);
  assert.deepEqual(images2.toTypedArray(), images.toTypedArray());
  assert.deepEqual(values(labels2), values(labels));
  torch.dispose([images, labels, images2, labels2]);
});

test('Subset and ConcatDataset of tensors, through workers too', async () => {
  const a = new data.TensorDataset(torch.arange(0, 6).float());
  const b = new data.TensorDataset(torch.arange(100, 104).float());
  const concat = new data.ConcatDataset([a, b]);
  assert.equal(concat.length, 10);
  assert.deepEqual(concat.cumulativeSizes, [6, 10]);
  const subset = new data.Subset(concat, [9, 0, 7]);
  assert.equal(subset.length, 3);
  for (const numWorkers of [0, 2]) {
    const loader = new data.DataLoader(subset, { batchSize: 2, numWorkers });
    const batches = await epoch(loader);
    assert.deepEqual(batches.map(([t]) => values(t)), [[103, 0], [101]]);
    torch.dispose(batches);
  }
  assert.throws(() => new data.Subset(a, [6]), RangeError);
  assert.throws(() => new data.ConcatDataset([]), TypeError);
  torch.dispose([a.tensors, b.tensors]);
});

test('Subset and ConcatDataset of image datasets go through the image pipeline: the parents\' pixels', async () => {
  const ds = new vision.datasets.SyntheticImages({ length: 20, height: 4, width: 4, seed: 2 });
  const [first, second] = data.randomSplit(ds, [15, 5], new data.Generator(1));
  const collate = (raw: data.RawBatch) => ({ images: raw.images.slice(), labels: Array.from(raw.labels) });
  const [fromSubset] = await epoch(new data.DataLoader(second, { batchSize: 5, collate }));
  const [fromParent] = await epoch(new data.DataLoader(new vision.datasets.ImageArrayDataset({
    images: Uint8Array.from(Array.from(second.indices).flatMap((i) => Array.from(ds.get(i).image))),
    labels: Int32Array.from(second.indices, (i) => ds.labels[i]), height: 4, width: 4, channels: 3, classes: ds.classes,
  }), { batchSize: 5, collate }));
  assert.deepEqual(fromSubset, fromParent);
  const both = new data.ConcatDataset([second, first]);
  const [all] = await epoch(new data.DataLoader(both, { batchSize: 20, numWorkers: 1, collate }));
  assert.deepEqual(all.labels, [...Array.from(second.indices), ...Array.from(first.indices)].map((i) => ds.labels[i]));
});

test('randomSplit: counts or fractions; the same split as PyTorch for torch.manualSeed(0)', () => {
  const ds = new RangeDataset(10);
  torch.manualSeed(0);
  const [train, rest] = data.randomSplit(ds, [0.7, 0.3]);
  // torch.manual_seed(0); [s.indices for s in random_split(range(10), [0.7, 0.3])]
  assert.deepEqual([Array.from(train.indices), Array.from(rest.indices)], [[4, 1, 7, 5, 3, 9, 0], [8, 6, 2]]);
  assert.deepEqual(data.randomSplit(ds, [0.5, 0.25, 0.25], new data.Generator(0)).map((s) => s.length), [6, 2, 2]); // PyTorch: floors, then the remainder round-robin
  assert.throws(() => data.randomSplit(ds, [3, 3]), /does not equal the length/);
});

test('defaultCollate: tensors stacked, whole numbers int64, fractions float64, strings kept, arrays and objects per field', () => {
  const samples = [0, 1, 2].map((i) => ({ x: torch.full([2], i), label: i, weight: i + 0.5, name: `s${i}`, pair: [BigInt(i), i % 2 === 0] as [bigint, boolean], raw: Float32Array.of(i, -i) }));
  const batch = torch.tidy(() => data.defaultCollate(samples));
  assert.deepEqual(batch.x.shape, [3, 2]);
  assert.equal(batch.label.dtype, 'int64');
  assert.equal(batch.weight.dtype, 'float64');
  assert.deepEqual(values(batch.weight), [0.5, 1.5, 2.5]);
  assert.deepEqual(batch.name, ['s0', 's1', 's2']);
  assert.equal(batch.pair[0].dtype, 'int64');
  assert.equal(batch.pair[1].dtype, 'bool');
  assert.deepEqual(batch.raw.shape, [3, 2]);
  assert.equal(batch.raw.dtype, 'float32');
  torch.dispose([batch, samples]);
  assert.throws(() => data.defaultCollate([1, 'a'] as unknown[]), /of sample 1 is a string, but of sample 0 a number/);
  assert.throws(() => data.defaultCollate([[1, 2], [3]]), /equal size/);
});

test('plain datasets: numbers batch into int64 tensors; workers need a workerSpec', async () => {
  const numbers = { length: 7, get: (i: number) => i * i };
  const [first] = await epoch(new data.DataLoader<torch.Tensor>(numbers, { batchSize: 4 }));
  assert.equal(first.dtype, 'int64');
  assert.deepEqual(values(first), [0, 1, 4, 9]);
  first.dispose();
  assert.throws(() => new data.DataLoader(numbers, { numWorkers: 1 }), data.NotTransferableError);
  const custom = new data.DataLoader(new RangeDataset(6), { batchSize: 3, numWorkers: 2, collateFn: (s: number[]) => s.map((v) => v * 10) });
  assert.deepEqual(await epoch(custom), [[0, 10, 20], [30, 40, 50]]);
  assert.throws(() => new data.DataLoader(numbers, { transform: new vision.transforms.ToImage() }), /transform applies to image datasets/);
});

test('torch.manualSeed seeds the default shuffle; generator and seed override it', async () => {
  const ds = new RangeDataset(50);
  const firstBatch = async (options: data.DataLoaderOptions<number[]>) => (await epoch(new data.DataLoader(ds, { batchSize: 10, shuffle: true, collateFn: (s: number[]) => s, ...options })))[0];
  torch.manualSeed(7);
  const a = await firstBatch({});
  torch.manualSeed(7);
  const b = await firstBatch({});
  torch.manualSeed(8);
  const c = await firstBatch({});
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  torch.manualSeed(7);
  const g1 = await firstBatch({ generator: new data.Generator(1) });
  torch.manualSeed(8);
  const g2 = await firstBatch({ generator: new data.Generator(1) });
  assert.deepEqual(g1, g2, 'a generator decides, not the default one');
  assert.notDeepEqual(g1, a);
  assert.deepEqual(await firstBatch({ seed: 5 }), await firstBatch({ seed: 5 }));
});

test('stateDict / loadStateDict: a new loader continues an epoch on the very next batch', async () => {
  const ds = new RangeDataset(40);
  const make = () => new data.DataLoader(ds, { batchSize: 8, shuffle: true, seed: 11, collateFn: (s: number[]) => s });
  const whole = make();
  whole.setEpoch(2);
  const expected = await epoch(whole);
  const first = make();
  first.setEpoch(2);
  const seen: number[][] = [];
  let state: data.DataLoaderState | null = null;
  for await (const b of first) {
    seen.push(b);
    if (seen.length === 2) {
      state = first.stateDict();
      break;
    }
  }
  assert.deepEqual(state, { epoch: 2, batchesYielded: 2, seed: 11 });
  const second = new data.DataLoader(ds, { batchSize: 8, shuffle: true, collateFn: (s: number[]) => s });
  second.loadStateDict(state!);
  assert.deepEqual([...seen, ...(await epoch(second))], expected);
  assert.equal(second.epoch, 3);
});

test('the event loop turns during an epoch whose batches are computed in this thread', async () => {
  const ds = new RangeDataset(30);
  const loader = new data.DataLoader(ds, { batchSize: 1, collateFn: (s: number[]) => s });
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    for await (const _ of loader) {
      const until = performance.now() + 5;
      while (performance.now() < until); // a busy training step
    }
  } finally {
    clearInterval(timer);
  }
  assert.ok(ticks >= 5, `the interval ran ${ticks} times during 150 ms of steps`);
});
