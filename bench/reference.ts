// smoothlab's ResNet-18 training step against the C++ reference step (bench/reference/, built by
// scripts/build-reference.mjs): the same model, batch, loss, fused AdamW and set-to-none gradients
// through libtorch with no JS, so the ratio is what the binding and the JS around it cost.
// Usage: node scripts/build-reference.mjs && node dist/bench/reference.js [--quick] [--batch N]
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSide } from './python_side.js';
import { printTable } from './table.js';
import { takeTurns, timeSync } from './turns.js';
import { nn, optim, torch, vision } from '../src/index.js';
import { native } from '../src/torch/native.js';

const TARGET = 0.98;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, batch: { type: 'string', default: '256' } } });
  const batch = Number(values.batch);
  const plan = values.quick ? { warmup: 1, repeats: 3, iters: 1, itemsPerIter: batch } : { warmup: 2, repeats: 21, iters: 1, itemsPerIter: batch };
  const binary = fileURLToPath(new URL('../../build/reference/resnet18_step', import.meta.url));
  if (!existsSync(binary)) throw new Error(`${binary} is missing: run node scripts/build-reference.mjs first`);
  torch.setNumThreads(2);
  torch.manualSeed(0);
  const loadBefore = loadavg()[0];
  const cpp = await startSide(binary, [String(batch), '2'], 'see its message above');

  const model = vision.models.resnet18({ numClasses: 10 });
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const x = torch.randn([batch, 3, 32, 32]);
  const y = torch.randint(0, 10, [batch]);
  model.train();
  const smoothlab = timeSync((steps) => {
    for (let s = 0; s < steps; s++) {
      torch.tidy(() => {
        optimizer.zeroGrad();
        nn.functional.crossEntropy(model.call(x), y, { labelSmoothing: 0.1 }).backward();
        optimizer.step();
      });
    }
  });
  const turns = await takeTurns(plan, [smoothlab, cpp.timer('resnet18Step')]);
  cpp.close();
  torch.dispose([x, y]);
  optimizer.dispose();
  model.dispose();

  const ratio = turns.ratio(0, 1);
  console.log(`reference bench${values.quick ? ' (quick)' : ''}: smoothlab and the C++ reference step on libtorch ${torch.version} (C++: ${String(cpp.ready.version)}), ` +
    `2 threads each, freed memory kept in the heap: ${native.cpuHeapKept ? 'yes' : 'no'} / ${cpp.ready.cpuHeapKept === true ? 'yes' : 'no'}; load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)} on ${(await import('node:os')).cpus().length} cores`);
  console.log(`${plan.repeats} rounds, the sides taking turns; ratio = median over rounds of smoothlab / C++ rate, 1 means no binding overhead\n`);
  printTable([
    ['ResNet-18 train step (AdamW fused, label smoothing 0.1)', 'smoothlab', 'C++', 'ratio', 'target'],
    [`[${batch}, 3, 32, 32]`, `${(1000 * batch / turns.rate(0)).toFixed(0)} ms`, `${(1000 * batch / turns.rate(1)).toFixed(0)} ms`, ratio.toFixed(3),
      `${ratio >= TARGET ? 'met' : 'NOT met'} (>= ${TARGET})`],
  ]);
  console.log(`\nper round (smoothlab / C++ ms): ${turns.rates[0].map((r, i) => `${(1000 * batch / r).toFixed(0)}/${(1000 * batch / turns.rates[1][i]).toFixed(0)}`).join(', ')}`);
}

main().catch((error: unknown) => {
  console.error(`reference bench: ${(error as Error).message}`);
  process.exit(1);
});
