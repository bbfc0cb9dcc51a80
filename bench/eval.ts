// Evaluation benchmark: ResNet-18's eval-mode forward under inferenceMode (what train.evaluate runs) at
// several batch sizes, contiguous and channels-last, in turns (bench/turns.ts says why). Every side
// classifies the same 1,024 images a turn, so the rates compare directly; the best batch size is
// the one the study's evaluation should use.
// Usage: node dist/bench/eval.js [--quick] [--batches 256,512,1024]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { printTable } from './table.js';
import { takeTurns, timeSync } from './turns.js';
import { torch, vision } from '../src/index.js';

const IMAGES = 1024;
const DEFAULT_BATCHES = [64, 128, 256, 512, 1024];

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, batches: { type: 'string' } } });
  const quick = values.quick ?? false;
  const BATCHES = values.batches === undefined ? DEFAULT_BATCHES : values.batches.split(',').map(Number);
  if (BATCHES.some((b) => !Number.isInteger(b) || b < 1 || IMAGES % b !== 0)) throw new Error(`--batches must be divisors of ${IMAGES}, got ${values.batches}`);
  torch.setNumThreads(2);
  torch.manualSeed(0);
  const loadBefore = loadavg()[0];
  const layouts = ['contiguous', 'channels-last'] as const;
  const models = layouts.map((layout) => {
    const m = vision.models.resnet18({ numClasses: 10 });
    m.eval();
    return layout === 'channels-last' ? m.toChannelsLast() : m;
  });
  // The second model gets the first's weights, so both sides compute the same function.
  models[1].loadStateDict(models[0].stateDict());
  const inputs = BATCHES.map((b) => torch.randn([b, 3, 32, 32]));
  const names: string[] = [];
  const sides = layouts.flatMap((layout, l) => BATCHES.map((b, i) => {
    names.push(`${layout}, batch ${b}`);
    return timeSync((n) => {
      for (let k = 0; k < n; k++) {
        for (let done = 0; done < IMAGES; done += b) torch.inferenceMode(() => torch.tidy(() => { models[l].call(inputs[i]); }));
      }
    });
  }));
  const turns = await takeTurns(quick ? { warmup: 1, repeats: 3, iters: 1, itemsPerIter: IMAGES } : { warmup: 1, repeats: 9, iters: 1, itemsPerIter: IMAGES }, sides);
  torch.dispose(inputs);
  for (const m of models) m.dispose();
  const best = names.map((_, i) => i).reduce((a, b) => (turns.rate(b) > turns.rate(a) ? b : a));
  console.log(`eval bench${quick ? ' (quick)' : ''}: ResNet-18 forward, eval mode, inferenceMode, libtorch ${torch.version}, ${torch.getNumThreads()} threads; ` +
    `load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)} on ${cpus().length} cores`);
  console.log(`median over rounds; ratio = median over rounds of the case's rate / the best case's rate\n`);
  printTable([
    ['case [B, 3, 32, 32]', 'img/s', 'ratio to best'],
    ...names.map((name, i) => [name, turns.rate(i).toFixed(0), i === best ? 'best' : turns.ratio(i, best).toFixed(2)]),
  ]);
}

main().catch((error: unknown) => {
  console.error(`eval bench: ${(error as Error).message}`);
  process.exit(1);
});
