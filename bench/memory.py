# PyTorch's side of bench/memory.ts: the same loops, freed by reference counting.
# Usage: /usr/bin/python3 bench/memory.py '{"case":"add","iters":50000,"threads":2}'
import json
import resource
import sys
import time

import torch
from torch.utils.data import DataLoader, TensorDataset


def rss():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    return 0


plan = json.loads(sys.argv[1])
torch.set_num_threads(plan['threads'])
torch.manual_seed(0)
rss_start = rss()
start = time.perf_counter()
if plan['case'] == 'add':
    a = torch.randn(256, 256)
    b = torch.randn(256, 256)
    for _ in range(plan['iters']):
        c = a + b
else:
    x = torch.randn(512, 1, 16, 16)
    y = torch.randint(0, 10, (512,))
    loader = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3), torch.nn.ReLU(), torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(16, 10),
    )
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    steps = 0
    while steps < plan['iters']:
        for xb, yb in loader:
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            opt.step()
            steps += 1
            if steps == plan['iters']:
                break
seconds = time.perf_counter() - start
print(json.dumps({'rssStart': rss_start, 'rssEnd': rss(), 'seconds': seconds, 'liveTensors': None}))
