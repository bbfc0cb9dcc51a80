#!/usr/bin/python3
"""The Python rank of mixed_group.test.ts: torch.distributed with Gloo (Debian's python3-torch 1.13)
in one group with a smoothlab rank; runs the same steps as mixed_child.ts and prints its results."""
import json
import os
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

rank = int(os.environ["RANK"])
world = int(os.environ["WORLD_SIZE"])
torch.set_num_threads(1)
dist.init_process_group("gloo", init_method=f"tcp://{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}", rank=rank,
                        world_size=world, timeout=timedelta(seconds=30))

summed = torch.tensor([1.0, 2.0, 3.0, 4.0]) * (rank + 1)
dist.all_reduce(summed)
sent = torch.tensor([7.0, 8.0, 9.0]) if rank == 1 else torch.zeros(3)
dist.broadcast(sent, src=1)

torch.manual_seed(7 if rank == 0 else 99)
model = torch.nn.Linear(4, 3)
ddp = DistributedDataParallel(model)
torch.manual_seed(1000)
x = torch.randn(8, 4)
y = torch.randint(0, 3, (8,))
half = 8 // world
loss = F.cross_entropy(ddp(x[rank * half:(rank + 1) * half]), y[rank * half:(rank + 1) * half])
loss.backward()

print(json.dumps({
    "rank": rank, "summed": summed.tolist(), "sent": sent.tolist(),
    "weight": model.weight.detach().flatten().tolist(), "weightGrad": model.weight.grad.flatten().tolist(),
    "biasGrad": model.bias.grad.tolist(),
}))
dist.destroy_process_group()
