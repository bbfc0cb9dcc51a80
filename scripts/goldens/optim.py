#!/usr/bin/python3
"""Golden fixtures for smoothlab's optimizers and learning-rate schedulers, computed by PyTorch 1.13
(Debian's python3-torch, the libtorch the addon links); writes test/fixtures/optim.json.

- training: a small two-layer net trained for 20 steps on fixed batches with label-smoothed
  cross-entropy, once per optimizer configuration (SGD-nesterov, SGD with dampening, Adam, AdamW,
  AMSGrad, parameter groups, gradients set to None, OneCycleLR driving lr and momentum / beta1);
  stores the initial weights, the batches, each step's loss and the final weights.
- schedules: each scheduler's learning rates (and momentum / beta1) after construction and after
  every step, plus the error PyTorch raises when OneCycleLR is stepped past its end.
"""
import json
import os

import torch
from _common import encode, fixture_path
import torch.nn.functional as F
from torch.optim import SGD, Adam, AdamW
from torch.optim import lr_scheduler as S

OUT = fixture_path("optim.json")
STEPS = 20
NAMES = ["w1", "b1", "w2", "b2"]


gen = torch.Generator().manual_seed(2024)
init = {"w1": torch.randn(8, 6, generator=gen) * 0.4, "b1": torch.randn(8, generator=gen) * 0.1,
        "w2": torch.randn(3, 8, generator=gen) * 0.4, "b2": torch.randn(3, generator=gen) * 0.1}
batches = [(torch.randn(8, 6, generator=gen), torch.randint(0, 3, (8,), generator=gen)) for _ in range(STEPS)]


def loss_fn(p, x, y):
    h = F.linear(x, p["w1"], p["b1"]).tanh()
    return F.cross_entropy(F.linear(h, p["w2"], p["b2"]), y, label_smoothing=0.1)


# Each configuration: (optimizer factory over the parameter dict, scheduler factory or None, options).
# Options: set_to_none (zero_grad argument), drop_w2_grad_on_even_steps (w2 skips every other step).
CONFIGS = {
    "sgd_nesterov": (lambda p: SGD(p.values(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4), None, {}),
    "sgd_dampening": (lambda p: SGD(p.values(), lr=0.05, momentum=0.8, dampening=0.3, weight_decay=1e-3), None, {}),
    "sgd_plain_maximize": (lambda p: SGD(p.values(), lr=0.01, maximize=True), None, {}),
    "adam": (lambda p: Adam(p.values(), lr=1e-2, weight_decay=1e-3), None, {}),
    "adam_amsgrad": (lambda p: Adam(p.values(), lr=1e-2, betas=(0.8, 0.99), amsgrad=True), None, {}),
    "adam_skipped_grads": (lambda p: Adam(p.values(), lr=1e-2), None, {"drop_w2_grad_on_even_steps": True}),
    "adamw": (lambda p: AdamW(p.values(), lr=1e-2, weight_decay=5e-2), None, {}),
    "adamw_amsgrad": (lambda p: AdamW(p.values(), lr=1e-2, eps=1e-6, amsgrad=True), None, {}),
    "adamw_groups": (lambda p: AdamW([{"params": [p["w1"], p["w2"]], "weight_decay": 5e-2},
                                      {"params": [p["b1"], p["b2"]], "weight_decay": 0.0, "lr": 3e-3}], lr=1e-2), None, {}),
    "adamw_onecycle": (lambda p: AdamW(p.values(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2),
                       lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=STEPS), {"set_to_none": True}),
    "sgd_onecycle": (lambda p: SGD(p.values(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=5e-4),
                     lambda o: S.OneCycleLR(o, max_lr=0.1, total_steps=STEPS), {}),
}


def train(name):
    make_opt, make_sched, opts = CONFIGS[name]
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    opt = make_opt(params)
    sched = make_sched(opt) if make_sched else None
    losses = []
    for step, (x, y) in enumerate(batches):
        opt.zero_grad(set_to_none=opts.get("set_to_none", False))
        loss = loss_fn(params, x, y)
        loss.backward()
        if opts.get("drop_w2_grad_on_even_steps") and step % 2 == 0:
            params["w2"].grad = None
        opt.step()
        if sched:
            sched.step()
        losses.append(loss.item())
    return {"name": name, "losses": losses, "final": {k: encode(v) for k, v in params.items()}}


def dummy_params(groups=1):
    return [{"params": [torch.zeros(1, requires_grad=True)]} for _ in range(groups)]


def schedule(name, make_opt, make_sched, steps, momentum="auto"):
    """lr (and momentum or beta1) of every group after construction and after each of `steps` steps."""
    opt = make_opt()
    sched = make_sched(opt)

    def snapshot():
        lrs = [g["lr"] for g in opt.param_groups]
        if "betas" in opt.defaults:
            moms = [g["betas"][0] for g in opt.param_groups]
        else:
            moms = [g["momentum"] for g in opt.param_groups]
        return lrs, moms

    lrs, moms = [], []
    for i in range(steps + 1):
        if i > 0:
            opt.step()
            sched.step()
        lr, mom = snapshot()
        assert lr == sched.get_last_lr()
        lrs.append(lr)
        moms.append(mom)
    record = {"name": name, "lr": lrs, "momentum": moms}
    try:
        opt.step()
        sched.step()
    except ValueError as e:
        record["errorAfterEnd"] = str(e)
    return record


def schedules():
    sgd = lambda groups=1, lr=0.1, momentum=0.9: lambda: SGD(dummy_params(groups), lr=lr, momentum=momentum)
    adamw = lambda: AdamW(dummy_params(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2)
    return [
        schedule("onecycle_25", adamw, lambda o: S.OneCycleLR(o, max_lr=0.05, total_steps=25), 25),
        schedule("onecycle_196x25", adamw, lambda o: S.OneCycleLR(o, max_lr=0.05, epochs=25, steps_per_epoch=196), 196 * 25),
        schedule("onecycle_three_phase_linear", sgd(groups=2),
                 lambda o: S.OneCycleLR(o, max_lr=[0.1, 0.2], total_steps=30, pct_start=0.25, anneal_strategy="linear",
                                        three_phase=True, div_factor=10.0, final_div_factor=100.0,
                                        base_momentum=0.8, max_momentum=0.9), 30),
        schedule("onecycle_no_cycle_momentum", adamw, lambda o: S.OneCycleLR(o, max_lr=0.01, total_steps=10, cycle_momentum=False), 10),
        schedule("cosine", sgd(), lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=1e-3), 35),
        schedule("step", sgd(), lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12),
        schedule("multistep", sgd(), lambda o: S.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.1), 12),
        schedule("linear_warmup", sgd(), lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4), 8),
        schedule("linear_decay", sgd(), lambda o: S.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=5), 8),
        schedule("sequential_linear_cosine", sgd(),
                 lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=5), S.CosineAnnealingLR(o, T_max=15)],
                                          milestones=[5]), 25),
        schedule("sequential_three", sgd(lr=1.0),
                 lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.5, total_iters=3), S.StepLR(o, step_size=2, gamma=0.5),
                                              S.CosineAnnealingLR(o, T_max=6, eta_min=0.01)], milestones=[3, 8]), 16),
    ]


def main():
    import warnings
    warnings.simplefilter("ignore")  # SequentialLR's deprecated step(0) warns by design
    out = {
        "torch": torch.__version__,
        "init": {k: encode(v) for k, v in init.items()},
        "batches": [{"x": encode(x), "y": encode(y)} for x, y in batches],
        "training": [train(name) for name in CONFIGS],
        "schedules": schedules(),
    }
    with open(OUT, "w") as f:
        json.dump(out, f)
        f.write("\n")
    print(f"wrote {len(out['training'])} training runs and {len(out['schedules'])} schedules to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
