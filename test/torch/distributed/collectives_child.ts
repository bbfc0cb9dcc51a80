// One rank of collectives.test.ts: runs each collective on the default group and prints the results.
import { torch } from '../../../src/index.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', initMethod: 'env://', timeoutMs: 30_000 });
const rank = dist.getRank();
const worldSize = dist.getWorldSize();

const summed = torch.tensor([1, 2, 3, 4]).mul(rank + 1);
await dist.allReduce(summed).wait();
const maxed = torch.tensor([rank, -rank]);
await dist.allReduce(maxed, { op: dist.ReduceOp.MAX });

const sent = rank === 1 ? torch.tensor([7, 8, 9]) : torch.zeros([3]);
await dist.broadcast(sent, { src: 1 });

const gathered = Array.from({ length: worldSize }, () => torch.zeros([2]));
await dist.allGather(gathered, torch.tensor([rank, rank * 10]));

const scattered = torch.zeros([2]);
const inputs = Array.from({ length: worldSize }, (_, r) => torch.tensor([r + rank, 100 * r]));
await dist.reduceScatter(scattered, inputs);

// The event loop keeps turning while a collective waits: rank 0 waits ~300 ms in a barrier for the
// late rank 1, and counts its timer ticks meanwhile.
let ticks = 0;
const timer = setInterval(() => (ticks += 1), 10);
if (rank === 1) await new Promise((r) => setTimeout(r, 300));
const started = Date.now();
await dist.barrier();
const barrierMs = Date.now() - started;
clearInterval(timer);

const sync = torch.tensor([rank + 1]);
dist.allReduce(sync).waitSync();

console.log(JSON.stringify({
  rank, worldSize, backend: dist.getBackend(),
  summed: Array.from(summed.toTypedArray<'float32'>()), maxed: Array.from(maxed.toTypedArray<'float32'>()), sent: Array.from(sent.toTypedArray<'float32'>()),
  gathered: gathered.map((t) => Array.from(t.toTypedArray<'float32'>())), scattered: Array.from(scattered.toTypedArray<'float32'>()),
  ticks, barrierMs, sync: sync.item(),
}));
dist.destroyProcessGroup();
