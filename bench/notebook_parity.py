"""The course notebook's training loop in PyTorch: the reference that bench/notebook_parity.ts
compares smoothlab's `study --preset seed` against, on the same data.

Run by the driver as `/usr/bin/python3 bench/notebook_parity.py '<plan JSON>'` (Debian's
python3-torch and python3-torchvision). The notebook's recipe, cell by cell:
- torchvision resnet18 (weights=None, 10 classes; a one-channel conv1 for grayscale images), one
  set of initial weights (seed 512) that every epsilon starts from;
- ToTensor + Normalize with per-channel mean and std. The notebook takes its std from the
  validation set; here both come from the training set, as smoothlab does (the report shows both);
- RandomHorizontalFlip + AutoAugment(CIFAR10 policy) on PIL images, DataLoader(batch 256,
  shuffle, drop_last=True, 2 workers);
- AdamW(lr 1e-3, betas (0.9, 0.99), weight decay 1e-2) under OneCycleLR(max_lr 5e-2,
  total_steps=epochs), stepped once per epoch; CrossEntropyLoss(label_smoothing=eps);
- the final model evaluated in eval mode on the test set: micro accuracy, NLL, and ECE with 15
  equal-width confidence bins (torchmetrics' binning).
Prints one JSON line: a row per epsilon.
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
import torchvision
from torchvision import transforms as T

from pipeline import ArrayDataset, model_for  # the notebook's dataset wrapper and ResNet-18, shared with bench/pipeline.py


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def ece(probs, labels, bins=15):
    conf = probs.max(1)
    pred = probs.argmax(1)
    correct = (pred == labels).astype(np.float64)
    idx = np.minimum((conf * bins).astype(np.int64), bins - 1)  # [b/n, (b+1)/n), the last bin closed
    total = 0.0
    for b in range(bins):
        m = idx == b
        if m.any():
            total += m.sum() / len(labels) * abs(conf[m].mean() - correct[m].mean())
    return float(total)


def evaluate(model, loader):
    model.eval()
    logits, labels = [], []
    with torch.no_grad():
        for x, y in loader:
            logits.append(model(x).double())
            labels.append(y)
    logits, labels = torch.cat(logits), torch.cat(labels)
    nll = float(torch.nn.functional.cross_entropy(logits, labels))
    probs = torch.softmax(logits, 1).numpy()
    y = labels.numpy()
    return {"accuracy": float((probs.argmax(1) == y).mean()), "nll": nll, "ece": ece(probs, y)}


def main():
    plan = json.loads(sys.argv[1])
    torch.set_num_threads(plan["threads"])
    root = plan["dataRoot"]
    # HWC with one channel, as ArrayDataset takes them (it hands PIL 'L' images to the transforms).
    train_x, train_y = read_idx(f"{root}/train-images-idx3-ubyte.gz")[..., None], read_idx(f"{root}/train-labels-idx1-ubyte.gz")
    test_x, test_y = read_idx(f"{root}/t10k-images-idx3-ubyte.gz")[..., None], read_idx(f"{root}/t10k-labels-idx1-ubyte.gz")
    pixels = train_x.astype(np.float64) / 255
    mean, std = [float(pixels.mean())], [float(pixels.std())]
    train_tf = T.Compose([T.RandomHorizontalFlip(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10), T.ToTensor(), T.Normalize(mean, std)])
    test_tf = T.Compose([T.ToTensor(), T.Normalize(mean, std)])
    test_loader = torch.utils.data.DataLoader(ArrayDataset(test_x, test_y, test_tf), batch_size=1000, num_workers=plan["workers"])

    torch.manual_seed(plan["seed"])
    initial = model_for(1, 10).state_dict()
    rows = []
    for eps in plan["epsilons"]:
        start = time.time()
        torch.manual_seed(plan["seed"])
        model = model_for(1, 10)
        model.load_state_dict(initial)
        loader = torch.utils.data.DataLoader(ArrayDataset(train_x, train_y, train_tf), batch_size=plan["batchSize"], shuffle=True,
                                             drop_last=True, num_workers=plan["workers"])
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=5e-2, total_steps=plan["epochs"])
        criterion = torch.nn.CrossEntropyLoss(label_smoothing=eps)
        for _ in range(plan["epochs"]):
            model.train()
            for x, y in loader:
                optimizer.zero_grad()
                loss = criterion(model(x), y)
                loss.backward()
                optimizer.step()
            scheduler.step()
        rows.append({"epsilon": eps, **evaluate(model, test_loader), "seconds": time.time() - start})
    print(json.dumps({"torch": torch.__version__, "torchvision": torchvision.__version__, "mean": mean, "std": std, "rows": rows}))


if __name__ == "__main__":
    main()
