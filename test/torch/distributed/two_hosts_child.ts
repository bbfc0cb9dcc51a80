// A rank of two_hosts.test.ts, inside its own network namespace: an allReduce and the DDP recipe's
// steps over the veth link; prints its addresses, the sum and its final weights.
import { networkInterfaces } from 'node:os';
import { nn, torch } from '../../../src/index.js';
import { BATCH, STEPS, makeModel, makeOptimizer, trainStep, weights } from '../../nn/parallel/ddp_recipe.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 30_000 });
const rank = dist.getRank();
const addresses = Object.values(networkInterfaces()).flat().filter((a) => a !== undefined && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
const summed = torch.tensor([1, 2, 3]).mul(rank + 1);
await dist.allReduce(summed);
const half = BATCH / dist.getWorldSize();
const ddp = new nn.parallel.DistributedDataParallel(makeModel(rank === 0 ? 7 : 99));
const opt = makeOptimizer(ddp);
for (let step = 0; step < STEPS; step++) trainStep(ddp, opt, step, rank * half, (rank + 1) * half);
console.log(JSON.stringify({ rank, addresses, summed: Array.from(summed.toTypedArray<'float32'>()), final: weights(ddp) }));
ddp.dispose();
dist.destroyProcessGroup();
