// One side of bench/memory.ts in its own process: a loop that never disposes, as PyTorch code is
// written, timed, with its resident memory before and after (the driver samples the peak).
// Usage: node dist/bench/memory_worker.js '{"case":"add","iters":50000,"threads":2}'
import { data, nn, optim, torch } from '../src/index.js';

/** What the driver asks for: bench/memory.py reads the same JSON. */
export interface MemoryPlan {
  case: 'add' | 'cnn';
  /** Adds, or training steps. */
  iters: number;
  threads: number;
}

const plan = JSON.parse(process.argv[2]) as MemoryPlan;
torch.setNumThreads(plan.threads);
torch.manualSeed(0);
const rssStart = process.memoryUsage().rss;
const start = performance.now();

if (plan.case === 'add') {
  // 256x256 float32: 256 KiB per result, none of them disposed.
  const a = torch.randn([256, 256]);
  const b = torch.randn([256, 256]);
  for (let i = 0; i < plan.iters; i++) a.add(b);
} else {
  const x = torch.randn([512, 1, 16, 16]);
  const y = torch.randint(0, 10, [512]);
  const loader = new data.DataLoader(new data.TensorDataset(x, y), { batchSize: 16, shuffle: true });
  const model = new nn.Sequential(
    new nn.Conv2d(1, 8, 3), new nn.ReLU(), new nn.MaxPool2d(2),
    new nn.Conv2d(8, 16, 3), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(16, 10),
  );
  const opt = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
  let steps = 0;
  while (steps < plan.iters) {
    for await (const [xb, yb] of loader) {
      opt.zeroGrad();
      const loss = nn.functional.crossEntropy(model.call(xb), yb);
      loss.backward();
      opt.step();
      if (++steps === plan.iters) break;
    }
  }
}

const seconds = (performance.now() - start) / 1000;
console.log(JSON.stringify({ rssStart, rssEnd: process.memoryUsage().rss, seconds, liveTensors: torch.memory().tensors }));
