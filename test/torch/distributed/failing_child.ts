// A rank of launch.test.ts: rank 1 dies after joining; rank 0 waits in an all-reduce that can never finish.
import { torch } from '../../../src/index.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 60_000 });
console.log(`rank ${dist.getRank()} joined`);
if (dist.getRank() === 1) process.exit(3);
await new Promise((r) => setTimeout(r, 200));
await dist.allReduce(torch.ones([4]));
console.log('rank 0 finished an all-reduce with a dead peer');
