// DataLoader({ pinMemory }) where no CUDA device can be used: as PyTorch, it warns once (per
// process, as Python's default warning filter shows a warning) and yields the very batches of an
// unpinned loader. Alone in its file, since the warning is once per process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, torch } from '../../src/index.js';
import { SyntheticImages } from '../../src/vision/datasets/index.js';

const skip = torch.cuda.isAvailable() ? 'a CUDA device is visible: batches are pinned' : false;

async function epochs(loader: data.DataLoader<data.Batch>, count: number): Promise<number[][][]> {
  const out: number[][][] = [];
  for (let e = 0; e < count; e++) {
    for await (const [x, y] of loader) {
      assert.equal(x.isPinned(), false);
      out.push([Array.from(x.toTypedArray() as Float32Array), (y.toArray() as number[]).map(Number)]);
      torch.dispose([x, y]);
    }
  }
  await loader.close();
  return out;
}

test('pinMemory without CUDA warns once and yields the batches of an unpinned loader', { skip }, async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  try {
    const images = new SyntheticImages({ length: 40, height: 4, width: 4, numClasses: 3, seed: 1 });
    const options = { batchSize: 16, shuffle: true, seed: 7 };
    const plain = await epochs(new data.DataLoader(images, options), 2);
    const pinned = new data.DataLoader(images, { ...options, pinMemory: true });
    assert.equal(pinned.pinMemory, true);
    assert.deepEqual(await epochs(pinned, 2), plain, 'image pipeline, two epochs');
    torch.manualSeed(0);
    const tensors = new data.TensorDataset(torch.keep(torch.randn([10, 3])), torch.keep(torch.arange(10)));
    const a = await epochs(new data.DataLoader(tensors, { batchSize: 4, seed: 3, shuffle: true }), 1);
    const b = await epochs(new data.DataLoader(tensors, { batchSize: 4, seed: 3, shuffle: true, pinMemory: true }), 1);
    assert.deepEqual(b, a, 'sample pipeline');
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
    const ours = warnings.filter((w) => (w as Error & { code?: string }).code === 'SMOOTHLAB_PIN_MEMORY');
    assert.equal(ours.length, 1, 'one warning for every loader and epoch');
    assert.match(ours[0].message, /'pinMemory' is set but no CUDA device can be used/);
    assert.equal(new data.DataLoader(images).pinMemory, false, "PyTorch's default");
    assert.throws(() => new data.DataLoader(images, { pinMemory: 1 as unknown as boolean }), /pinMemory must be a boolean/);
  } finally {
    process.off('warning', onWarning);
  }
});
