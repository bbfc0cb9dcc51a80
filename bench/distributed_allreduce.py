#!/usr/bin/python3
"""One rank of bench/distributed_allreduce.ts on Python's torch.distributed (Gloo): all-reduces
ResNet-18's 11,181,642 float32 gradients (one flat tensor) and prints the median ms of REPEATS."""
import json
import os
import statistics
import time
from datetime import timedelta

import torch
import torch.distributed as dist

N, REPEATS = 11_181_642, 10
torch.set_num_threads(1)
dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{os.environ['MASTER_PORT']}", rank=int(os.environ["RANK"]),
                        world_size=int(os.environ["WORLD_SIZE"]), timeout=timedelta(seconds=120))
t = torch.ones(N)
dist.all_reduce(t)
times = []
for _ in range(REPEATS):
    dist.barrier()
    start = time.perf_counter()
    dist.all_reduce(t)
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"ms": statistics.median(times)}))
dist.destroy_process_group()
