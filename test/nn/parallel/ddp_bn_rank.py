#!/usr/bin/python3
"""A rank of ddp_batchnorm.test.ts on PyTorch: DDP (Gloo, Debian's python3-torch 1.13, broadcast_buffers=True)
over a conv net with BatchNorm2d, 3 SGD steps on this rank's half of each batch; prints what it ends with.
ddp_bn_child.ts runs the same steps on smoothlab."""
import json
import os
from datetime import timedelta

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.parallel import DistributedDataParallel

rank = int(os.environ["RANK"])
world = int(os.environ["WORLD_SIZE"])
torch.set_num_threads(1)
dist.init_process_group("gloo", init_method=f"tcp://{os.environ['MASTER_ADDR']}:{os.environ['MASTER_PORT']}", rank=rank,
                        world_size=world, timeout=timedelta(seconds=30))

model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3))
# Weights drawn by randn, not by the layers' init: both engines then start from the same numbers.
torch.manual_seed(7 if rank == 0 else 99)
with torch.no_grad():
    for p in model.parameters():
        p.copy_(torch.randn(p.shape) * 0.5)
    if rank == 1:
        model[1].running_mean.fill_(5.0)  # DDP must overwrite it with rank 0's
ddp = DistributedDataParallel(model)
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
half = 8 // world
for step in range(3):
    torch.manual_seed(1000 + step)
    x = torch.randn(8, 3, 5, 5) + 1.0
    y = torch.randint(0, 3, (8,))
    opt.zero_grad()
    loss = F.cross_entropy(ddp(x[rank * half:(rank + 1) * half]), y[rank * half:(rank + 1) * half])
    loss.backward()
    opt.step()

print(json.dumps({
    "rank": rank,
    "state": {k: v.detach().double().flatten().tolist() for k, v in ddp.state_dict().items()},
    "grads": {k: p.grad.flatten().tolist() for k, p in ddp.named_parameters()},
}))
dist.destroy_process_group()
