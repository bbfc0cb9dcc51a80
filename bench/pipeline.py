"""The course notebook's training pipeline in PyTorch, the reference of bench/pipeline.ts.

Run by the driver as `/usr/bin/python3 bench/pipeline.py '<plan JSON>'` (Debian's python3-torch and
python3-torchvision: the libtorch smoothlab links). The notebook's recipe: torchvision resnet18,
RandomHorizontalFlip + AutoAugment(CIFAR10) on PIL images, ToTensor, Normalize, DataLoader with 2
worker processes, AdamW (1e-3, (0.9, 0.99), 1e-2), OneCycleLR (max 5e-2) stepped per epoch,
CrossEntropyLoss(label_smoothing=0.1). The images are the driver's synthetic ones (the same bytes
on both sides). Prints one JSON line of measurements.
"""
import json
import sys
import time

import numpy as np
import torch
import torchvision
from PIL import Image
from torchvision import transforms as T


class ArrayDataset(torch.utils.data.Dataset):
    """uint8 HWC images in one array, returned as PIL images as torchvision's CIFAR10 does."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        img = Image.fromarray(self.images[i].squeeze(-1) if self.images.shape[-1] == 1 else self.images[i])
        return self.transform(img), int(self.labels[i])


def model_for(channels, classes):
    model = torchvision.models.resnet18(weights=None, num_classes=classes)
    if channels != 3:  # Fashion-MNIST: the same network with a one-channel stem
        model.conv1 = torch.nn.Conv2d(channels, 64, kernel_size=7, stride=2, padding=3, bias=False)
    return model


def main():
    plan = json.loads(sys.argv[1])
    torch.set_num_threads(plan["threads"])
    torch.manual_seed(0)
    raw = np.fromfile(plan["imagesFile"], dtype=np.uint8)
    n, h, w, c = plan["count"], plan["height"], plan["width"], plan["channels"]
    images = raw.reshape(n, h, w, c)
    labels = np.fromfile(plan["labelsFile"], dtype=np.uint8)
    mean, std = plan["mean"], plan["std"]
    augment = [T.RandomHorizontalFlip()] + ([T.AutoAugment(T.AutoAugmentPolicy.CIFAR10)] if plan["autoAugment"] else [])
    train_tf = T.Compose(augment + [T.ToTensor(), T.Normalize(mean, std)])
    test_tf = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    loader = torch.utils.data.DataLoader(ArrayDataset(images, labels, train_tf), batch_size=plan["batchSize"], shuffle=True,
                                         num_workers=plan["workers"])
    test_loader = torch.utils.data.DataLoader(ArrayDataset(images, labels, test_tf), batch_size=plan["evalBatchSize"],
                                              num_workers=plan["workers"])

    model = model_for(c, 10)
    criterion = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-2, total_steps=plan["epochs"] + 1)

    def step(x, y):
        opt.zero_grad()
        loss = criterion(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    model.train()
    if plan["mode"] == "stepOnly":
        # Step only: one fixed batch, no data loading; the driver runs this mode in turns with smoothlab's.
        x = torch.randn(plan["batchSize"], c, h, w)
        y = torch.randint(0, 10, (plan["batchSize"],))
        for _ in range(plan["warmupSteps"]):
            step(x, y)
        start = time.perf_counter()
        for _ in range(plan["steps"]):
            step(x, y)
        step_rate = plan["steps"] * plan["batchSize"] / (time.perf_counter() - start)
        print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "stepRate": step_rate}), flush=True)
        return

    # End to end: whole epochs with augmentation and loading, as the notebook trains.
    epoch_seconds = []
    for _ in range(plan["epochs"]):
        start = time.perf_counter()
        for xb, yb in loader:
            step(xb, yb)
        sched.step()
        epoch_seconds.append(time.perf_counter() - start)

    # Evaluation: the whole set in eval mode without gradients.
    model.eval()
    start = time.perf_counter()
    with torch.no_grad():
        for xb, yb in test_loader:
            model(xb).argmax(1)
    eval_rate = n / (time.perf_counter() - start)
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(),
                      "epochSeconds": epoch_seconds, "evalRate": eval_rate}), flush=True)


if __name__ == "__main__":
    main()
