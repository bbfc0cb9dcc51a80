// One rank of ddp.test.ts: DDP over the recipe's model, each rank on its half of every batch.
import { nn, torch } from '../../../src/index.js';
import { BATCH, type OptimizerName, STEPS, makeModel, makeOptimizer, trainStep, weights } from './ddp_recipe.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 30_000 });
const rank = dist.getRank();
const half = BATCH / dist.getWorldSize();
const ddp = new nn.parallel.DistributedDataParallel(makeModel(rank === 0 ? 7 : 99));
const initial = weights(ddp);
const opt = makeOptimizer(ddp, (process.env.OPTIMIZER ?? 'adamw') as OptimizerName);
for (let step = 0; step < STEPS; step++) trainStep(ddp, opt, step, rank * half, (rank + 1) * half);
console.log(JSON.stringify({ rank, initial, final: weights(ddp), keys: Object.keys(ddp.stateDict()) }));
ddp.dispose();
dist.destroyProcessGroup();
