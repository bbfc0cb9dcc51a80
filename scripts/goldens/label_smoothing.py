#!/usr/bin/python3
"""Golden fixtures for smoothlab's label-smoothing helpers, computed by PyTorch 1.13 (Debian's
python3-torch); writes test/fixtures/label_smoothing.json.

- smoothed: the smoothed target matrices of both conventions, built here in plain Python:
  'uniform' (1 - eps) * onehot + eps / C, and 'others' 1 - eps / eps / (C - 1).
- losses: F.cross_entropy with class-index targets and label_smoothing in {0, 0.1, 0.3}, with and
  without class weights and ignore_index, reductions mean and sum: value and gradient wrt logits;
  and cross-entropy against the 'others' matrices (probability targets).
- floors: the lowest reachable loss, evaluated by PyTorch at the optimum (logits = log q), for
  several (eps, C, convention), next to the closed-form entropy.
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from _common import encode, fixture_path

OUT = fixture_path("label_smoothing.json")
C = 10
IGNORE = 1


def smoothed(target, eps, convention, classes=C, dtype=torch.float32):
    """The smoothed target matrix, row by row, from the definitions (float64 values, stored as `dtype`)."""
    if convention == "uniform":
        on, off = 1 - eps + eps / classes, eps / classes
    else:
        on, off = 1 - eps, eps / (classes - 1)
    rows = [[on if c == t else off for c in range(classes)] for t in target.tolist()]
    return torch.tensor(rows, dtype=dtype)


def value_and_grad(fn, x):
    leaf = x.clone().requires_grad_(True)
    out = fn(leaf)
    out.backward()
    return {"value": encode(out), "grad": encode(leaf.grad)}


def entropy(eps, classes, convention):
    on, off = (1 - eps + eps / classes, eps / classes) if convention == "uniform" else (1 - eps, eps / (classes - 1))
    plogp = lambda p: 0.0 if p == 0 else p * math.log(p)
    return -(plogp(on) + (classes - 1) * plogp(off))


def main():
    gen = torch.Generator().manual_seed(77)
    logits = torch.randn(8, C, generator=gen) * 3
    target = torch.tensor([0, 3, 9, 1, 1, 5, 7, 2])
    weight = torch.rand(C, generator=gen) + 0.5

    smooth, losses = [], []
    for eps in (0.0, 0.1, 0.3):
        for convention in ("uniform", "others"):
            smooth.append({"eps": eps, "convention": convention, "matrix": encode(smoothed(target, eps, convention))})
        for use_weight in (False, True):
            for ignore in (False, True):
                for reduction in ("mean", "sum"):
                    kw = {"label_smoothing": eps, "reduction": reduction}
                    if use_weight:
                        kw["weight"] = weight
                    if ignore:
                        kw["ignore_index"] = IGNORE
                    record = value_and_grad(lambda x: F.cross_entropy(x, target, **kw), logits)
                    record.update({"eps": eps, "weight": use_weight, "ignore": ignore, "reduction": reduction})
                    losses.append(record)
        q = smoothed(target, eps, "others")
        record = value_and_grad(lambda x: F.cross_entropy(x, q), logits)
        record.update({"eps": eps, "convention": "others"})
        losses.append(record)

    floors = []
    for eps, classes, convention in [(0.1, 10, "uniform"), (0.1, 10, "others"), (0.3, 10, "uniform"), (0.05, 100, "uniform"),
                                     (0.2, 2, "others"), (0.0, 10, "uniform"), (1.0, 10, "uniform"), (1.0, 10, "others")]:
        t = torch.tensor([classes - 1])
        q = smoothed(t, eps, convention, classes, torch.float64)
        at_optimum = q.clamp_min(1e-300).log()  # log 0 -> a huge negative logit: softmax 0 there
        if convention == "uniform":
            torch_value = F.cross_entropy(at_optimum, t, label_smoothing=eps).item()
        else:
            torch_value = F.cross_entropy(at_optimum, q).item()
        floors.append({"eps": eps, "numClasses": classes, "convention": convention, "torch": torch_value,
                       "entropy": entropy(eps, classes, convention)})

    out = {"torch": torch.__version__, "logits": encode(logits), "target": encode(target), "weight": encode(weight),
           "ignoreIndex": IGNORE, "smoothed": smooth, "losses": losses, "floors": floors}
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(smooth)} matrices, {len(losses)} losses and {len(floors)} floors to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
