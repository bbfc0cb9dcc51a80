#!/usr/bin/python3
"""Golden index sequences of torch.utils.data.DistributedSampler (PyTorch 1.13) for every
combination of length, world size, rank, shuffle, drop_last, seed and epoch below; writes
test/fixtures/distributed_sampler.json."""
import json

from torch.utils.data import DistributedSampler

from _common import fixture_path

cases = []
for n in (0, 1, 7, 10, 11, 23, 100):
    for world in (1, 2, 3, 4):
        for shuffle in (False, True):
            for drop_last in (False, True):
                for seed, epoch in ((0, 0), (0, 3), (512, 1)):
                    if not shuffle and (seed, epoch) != (0, 0):
                        continue
                    for rank in range(world):
                        s = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=shuffle, seed=seed, drop_last=drop_last)
                        s.set_epoch(epoch)
                        cases.append({"n": n, "worldSize": world, "rank": rank, "shuffle": shuffle, "dropLast": drop_last,
                                      "seed": seed, "epoch": epoch, "length": len(s), "indices": list(s)})

with open(fixture_path("distributed_sampler.json"), "w") as f:
    json.dump({"cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"distributed_sampler.json: {len(cases)} cases")
