// The loop a PyTorch user writes first, with no tidy() and no dispose(): a DataLoader, forward,
// loss, backward, step. The GC safety net must keep its memory bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, nn, optim, torch } from '../../src/index.js';

const MiB = 1024 * 1024;

test('2,000 steps of a small CNN without tidy or dispose stay within 300 MB of RSS', async () => {
  torch.manualSeed(0);
  const x = torch.randn([512, 1, 16, 16]);
  const y = torch.randint(0, 10, [512]);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(16, 10),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  let steps = 0;
  let rssStart = 0;
  let peak = 0;
  let loss = NaN;
  while (steps < 2100) {
    for await (const [xb, yb] of loader) {
      opt.zeroGrad();
      const l = nn.functional.crossEntropy(model.call(xb), yb);
      l.backward();
      opt.step();
      steps++;
      if (steps === 100) rssStart = process.memoryUsage().rss; // after the allocators have warmed up
      if (steps % 50 === 0) {
        peak = Math.max(peak, process.memoryUsage().rss);
        loss = l.item();
      }
    }
  }
  const growth = peak - rssStart;
  assert.ok(Number.isFinite(loss));
  assert.ok(growth < 300 * MiB, `RSS grew by ${(growth / MiB).toFixed(0)} MiB over 2,000 steps`);
  torch.dispose([x, y]);
  model.dispose();
});
