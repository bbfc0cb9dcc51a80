"""torchvision reference for bench/augment.ts: times AutoAugment(CIFAR10) + flip and the data
loader on the driver's request.

The driver starts `/usr/bin/python3 bench/augment.py '<plan JSON>'` (Debian's python3-torchvision
0.14). It prints one JSON line {torch, torchvision, threads} when ready, then for each request
line `{"case": name, "iters": n}` on stdin processes n images and prints {"seconds": s}. Images
are the plan's uint8 noise images, drawn from torch.Generator().manual_seed(seed) exactly as the
driver draws them, so both sides augment the same bytes.
"""
import json
import sys
import time

import torch
import torchvision
import torchvision.transforms as T
from PIL import Image


def images(plan):
    g = torch.Generator().manual_seed(plan["seed"])
    return torch.randint(0, 256, (plan["images"], 3, 32, 32), dtype=torch.uint8, generator=g)


class Images(torch.utils.data.Dataset):
    """CIFAR10's layout: PIL images made on access from HWC bytes, a transform, int labels."""

    def __init__(self, hwc, transform):
        self.hwc = hwc
        self.transform = transform

    def __len__(self):
        return len(self.hwc)

    def __getitem__(self, i):
        return self.transform(Image.fromarray(self.hwc[i])), i % 10


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/augment.py '<plan JSON from bench/augment.ts>'")
    plan = json.loads(sys.argv[1])
    torch.set_num_threads(1)
    torch.manual_seed(plan["seed"])
    chw = images(plan)
    hwc = chw.permute(0, 2, 3, 1).contiguous().numpy()
    pils = [Image.fromarray(x) for x in hwc]
    tensors = list(chw)
    augment = T.Compose([T.RandomHorizontalFlip(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)])
    mean, std = plan["mean"], plan["std"]
    full = T.Compose([T.RandomHorizontalFlip(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10), T.ToTensor(), T.Normalize(mean, std)])

    def per_image(transform, data):
        def run(n):
            for k in range(n):
                transform(data[k % len(data)])
        return run

    loaders = {}

    def loader(n):
        # One epoch over the first n images, as a training loop runs its later epochs: persistent
        # workers (started on the first call, which the driver makes as a warm-up).
        if n not in loaders:
            ds = Images(hwc[:n], full)
            loaders[n] = torch.utils.data.DataLoader(ds, batch_size=plan["batchSize"], shuffle=True, num_workers=plan["workers"],
                                                     persistent_workers=True)
        for _ in loaders[n]:
            pass

    cases = {"tensor": per_image(augment, tensors), "pil": per_image(augment, pils), "pipeline": per_image(full, pils), "loader": loader}
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__, "threads": torch.get_num_threads()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        start = time.perf_counter()
        cases[request["case"]](request["iters"])
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
