// Optimizer-step benchmark: the fused AdamW / SGD steps against the op-by-op ones (fused: false)
// on ResNet-18's 11.2M parameters, in turns (bench/turns.ts says why).
// Usage: node dist/bench/optimizer.js [--quick]
import { loadavg } from 'node:os';
import { printTable } from './table.js';
import { takeTurns, timeSync } from './turns.js';
import { optim, torch, vision } from '../src/index.js';

type Make = (params: torch.Tensor[], fused: boolean) => optim.Optimizer;
const CASES: [string, Make][] = [
  ['AdamW (betas 0.9, 0.99, weight decay 1e-2)', (p, fused) => new optim.AdamW(p, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2, fused })],
  ['SGD (momentum 0.9, Nesterov, weight decay 5e-4)', (p, fused) => new optim.SGD(p, { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4, fused })],
];

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  torch.setNumThreads(2);
  torch.manualSeed(0);
  const loadBefore = loadavg()[0];
  const rows: string[][] = [['optimizer step, ResNet-18', 'fused', 'op by op', 'ratio']];
  for (const [name, make] of CASES) {
    const models = [0, 1].map(() => vision.models.resnet18({ numClasses: 10 }));
    for (const m of models) for (const p of m.parameters()) p.grad = torch.tidy(() => torch.randn(p.shape).mul(1e-3));
    const opts = models.map((m, i) => make(m.parameters(), i === 0));
    const sides = opts.map((o) => timeSync((n) => { for (let s = 0; s < n; s++) o.step(); }));
    const turns = await takeTurns(quick ? { warmup: 1, repeats: 5, iters: 2 } : { warmup: 2, repeats: 15, iters: 3 }, sides);
    rows.push([name, `${(1000 / turns.rate(0)).toFixed(1)} ms`, `${(1000 / turns.rate(1)).toFixed(1)} ms`, turns.ratio(0, 1).toFixed(2)]);
    for (const o of opts) o.dispose();
    for (const m of models) m.dispose();
  }
  console.log(`optimizer bench: libtorch ${torch.version}, ${torch.getNumThreads()} threads; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}`);
  console.log('ratio = median over rounds of fused / op-by-op rate measured back to back, > 1 means fused is faster\n');
  printTable(rows);
}

main().catch((error: unknown) => {
  console.error(`optimizer bench: ${(error as Error).message}`);
  process.exit(1);
});
