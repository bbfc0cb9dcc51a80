// One rank of sync_batchnorm.test.ts: the recipe's model converted to SyncBatchNorm, on its half of the batch.
import { nn, torch } from '../../../src/index.js';
import { BATCH, makeModel, step } from './sync_bn_recipe.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 30_000 });
const rank = dist.getRank();
const half = BATCH / dist.getWorldSize();
const model = nn.SyncBatchNorm.convertSyncBatchnorm(makeModel());
const types = model.modules().map((m) => m.constructor.name);
const result = step(model, rank * half, (rank + 1) * half);
console.log(JSON.stringify({ rank, types, ...result }));
model.dispose();
dist.destroyProcessGroup();
