// One rank of sync_batchnorm.test.ts: the recipe's model converted to SyncBatchNorm, on its half of the batch.
import { nn, torch } from '../../../src/index.js';
import { BATCH, makeModel, step } from './sync_bn_recipe.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 30_000 });
const rank = dist.getRank();
const half = BATCH / dist.getWorldSize();
const model = nn.SyncBatchNorm.convertSyncBatchnorm(makeModel());
const types = model.modules().map((m) => m.constructor.name);
// With DDP=1 the model runs inside DDP: the Reducer's bucket all-reduces and SyncBatchNorm's share the backward.
const ddp = process.env.DDP === '1' ? new nn.parallel.DistributedDataParallel(model) : null;
const result = step(ddp ?? model, rank * half, (rank + 1) * half);
if (ddp !== null) for (const key of Object.keys(result.grads)) result.grads[key.replace(/^module\./, '')] = result.grads[key];
console.log(JSON.stringify({ rank, types, ...result }));
model.dispose();
dist.destroyProcessGroup();
