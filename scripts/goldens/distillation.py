#!/usr/bin/python3
"""Golden fixtures for smoothlab's distillationLoss, computed by PyTorch 1.13 (Debian's
python3-torch); writes test/fixtures/distillation.json.

For temperatures 1, 2, 4 and 8 and betas 0, 0.5, 0.9 and 1: the loss
beta * F.kl_div(F.log_softmax(s / T), F.softmax(t / T), reduction='batchmean') * T**2
+ (1 - beta) * F.cross_entropy(s, y), and its gradient with respect to the student logits.
"""
import json

import torch
import torch.nn.functional as F
from _common import encode, fixture_path

OUT = fixture_path("distillation.json")


def main():
    g = torch.Generator().manual_seed(18)
    student = torch.randn(6, 5, generator=g) * 2
    teacher = torch.randn(6, 5, generator=g) * 3
    target = torch.randint(0, 5, (6,), generator=g)
    cases = []
    for t in (1.0, 2.0, 4.0, 8.0):
        for beta in (0.0, 0.5, 0.9, 1.0):
            s = student.clone().requires_grad_(True)
            kl = F.kl_div(F.log_softmax(s / t, dim=1), F.softmax(teacher / t, dim=1), reduction="batchmean") * t * t
            loss = beta * kl + (1 - beta) * F.cross_entropy(s, target)
            loss.backward()
            cases.append({"temperature": t, "beta": beta, "value": loss.item(), "grad": encode(s.grad)})
    with open(OUT, "w") as f:
        json.dump({"student": encode(student), "teacher": encode(teacher), "target": encode(target), "cases": cases}, f)


if __name__ == "__main__":
    main()
