// The smoothlab rank of mixed_group.test.ts: the same steps as mixed_rank.py, on smoothlab.
import { nn, torch } from '../../../src/index.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', initMethod: `tcp://${process.env.MASTER_ADDR}:${process.env.MASTER_PORT}`, rank: Number(process.env.RANK), worldSize: Number(process.env.WORLD_SIZE), timeoutMs: 30_000 });
const rank = dist.getRank();
const world = dist.getWorldSize();
const values = (t: torch.Tensor): number[] => Array.from(t.toTypedArray<'float32'>());

const summed = torch.tensor([1, 2, 3, 4]).mul(rank + 1);
await dist.allReduce(summed);
const sent = rank === 1 ? torch.tensor([7, 8, 9]) : torch.zeros([3]);
await dist.broadcast(sent, { src: 1 });

torch.manualSeed(rank === 0 ? 7 : 99);
const model = new nn.Linear(4, 3);
const ddp = new nn.parallel.DistributedDataParallel(model);
torch.manualSeed(1000);
const x = torch.randn([8, 4]);
const y = torch.randint(0, 3, [8]);
const half = 8 / world;
const loss = nn.functional.crossEntropy(ddp.call(x.narrow(0, rank * half, half)), y.narrow(0, rank * half, half));
loss.backward();

console.log(JSON.stringify({
  rank, summed: values(summed), sent: values(sent),
  weight: values(model.weight), weightGrad: values(model.weight.grad!), biasGrad: values(model.bias!.grad!),
}));
ddp.dispose();
dist.destroyProcessGroup();
