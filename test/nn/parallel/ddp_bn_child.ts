// A rank of ddp_batchnorm.test.ts on smoothlab: the same steps as ddp_bn_rank.py.
import { nn, optim, torch } from '../../../src/index.js';

const dist = torch.distributed;
await dist.initProcessGroup({ backend: 'gloo', timeoutMs: 30_000 });
const rank = dist.getRank();
const half = 8 / dist.getWorldSize();
const model = new nn.Sequential(new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(4, 3));
torch.manualSeed(rank === 0 ? 7 : 99);
torch.noGrad(() => {
  for (const p of model.parameters()) p.copy_(torch.tidy(() => torch.randn(p.shape).mul(0.5)));
  if (rank === 1) (model.at(1) as nn.BatchNorm2d).running_mean!.fill_(5);
});
const ddp = new nn.parallel.DistributedDataParallel(model);
const opt = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
for (let step = 0; step < 3; step++) {
  torch.tidy(() => {
    torch.manualSeed(1000 + step);
    const x = torch.randn([8, 3, 5, 5]).add(1);
    const y = torch.randint(0, 3, [8]);
    opt.zeroGrad();
    nn.functional.crossEntropy(ddp.call(x.narrow(0, rank * half, half)), y.narrow(0, rank * half, half)).backward();
    opt.step();
  });
}
const values = (t: torch.Tensor): number[] => Array.from(t.double().toTypedArray<'float64'>());
const state: Record<string, number[]> = {};
for (const [k, v] of Object.entries(ddp.stateDict())) state[k] = values(v);
const grads: Record<string, number[]> = {};
for (const [k, p] of ddp.namedParameters()) grads[k] = values(p.grad!);
console.log(JSON.stringify({ rank, state, grads }));
ddp.dispose();
dist.destroyProcessGroup();
