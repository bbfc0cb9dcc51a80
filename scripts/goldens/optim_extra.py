#!/usr/bin/python3
"""Golden fixtures for RMSprop, ReduceLROnPlateau, ExponentialLR, LambdaLR and the gradient
utilities of torch.nn.utils, computed by PyTorch 1.13 (Debian's python3-torch, the libtorch the
addon links); writes test/fixtures/optim_extra.json.

- training: the two-layer net of optim.py (its initial weights and batches, imported, so the
  tests read them from optim.json) trained for 20 steps per configuration: RMSprop variants,
  RMSprop under ExponentialLR / LambdaLR / ReduceLROnPlateau (stepped with the loss), and SGD /
  AdamW with clip_grad_norm_ or clip_grad_value_ before each step. Stores each step's loss and lr,
  the final weights, and the final optimizer state of every parameter.
- schedules: ExponentialLR and LambdaLR learning rates after construction and after every step,
  in optim.py's format, and their state_dict keys.
- plateau: ReduceLROnPlateau driven by fixed metric sequences: lr, best, num_bad_epochs,
  cooldown_counter and last_epoch after each step, and the state_dict keys.
- clip: fixed gradients clipped by clip_grad_norm_ (several norm types and max norms) and
  clip_grad_value_: the total norm and the gradients afterwards; PyTorch's non-finite error.
"""
import json
import math
import os

import torch
from _common import encode, fixture_path
from optim import STEPS, batches, dummy_params, init, loss_fn, schedule
from torch.nn.utils import clip_grad_norm_, clip_grad_value_
from torch.optim import SGD, AdamW, RMSprop
from torch.optim import lr_scheduler as S

OUT = fixture_path("optim_extra.json")


def clip_norm(max_norm, norm_type=2.0):
    return lambda p: clip_grad_norm_(p.values(), max_norm, norm_type=norm_type)


# Each configuration: (optimizer factory over the parameter dict, scheduler factory or None, options).
# Options: set_to_none (zero_grad argument), drop_w2_grad_on_even_steps (w2 skips every other step),
# before_step (called between backward and step: gradient clipping).
CONFIGS = {
    "rmsprop": (lambda p: RMSprop(p.values()), None, {}),
    "rmsprop_momentum_wd": (lambda p: RMSprop(p.values(), lr=5e-3, momentum=0.9, weight_decay=1e-3), None, {}),
    "rmsprop_centered": (lambda p: RMSprop(p.values(), lr=1e-2, alpha=0.9, eps=1e-6, centered=True), None, {}),
    "rmsprop_centered_momentum_maximize": (lambda p: RMSprop(p.values(), lr=1e-3, momentum=0.5, centered=True, maximize=True), None, {}),
    "rmsprop_groups": (lambda p: RMSprop([{"params": [p["w1"], p["w2"]], "momentum": 0.9},
                                          {"params": [p["b1"], p["b2"]], "lr": 3e-3, "centered": True}], lr=1e-2), None, {}),
    "rmsprop_skipped_grads": (lambda p: RMSprop(p.values(), lr=1e-2, momentum=0.9), None,
                              {"drop_w2_grad_on_even_steps": True, "set_to_none": True}),
    "rmsprop_exponential": (lambda p: RMSprop(p.values(), lr=2e-2), lambda o: S.ExponentialLR(o, gamma=0.9), {}),
    "rmsprop_lambda": (lambda p: RMSprop(p.values(), lr=2e-2, momentum=0.5),
                       lambda o: S.LambdaLR(o, lambda e: 1 / (1 + 0.1 * e)), {}),
    "rmsprop_plateau": (lambda p: RMSprop(p.values(), lr=3e-2),
                        lambda o: S.ReduceLROnPlateau(o, patience=1, factor=0.5, threshold=1e-2), {}),
    "sgd_clip_norm": (lambda p: SGD(p.values(), lr=0.5, momentum=0.9), None, {"before_step": clip_norm(0.25)}),
    "adamw_clip_norm_inf": (lambda p: AdamW(p.values(), lr=1e-2), None, {"before_step": clip_norm(0.05, math.inf)}),
    "sgd_clip_value": (lambda p: SGD(p.values(), lr=0.1), None, {"before_step": lambda p: clip_grad_value_(p.values(), 0.02)}),
}


def encode_state(opt):
    """The optimizer's per-parameter state: tensors encoded, numbers as they are."""
    out = {}
    for index, state in opt.state_dict()["state"].items():
        out[str(index)] = {k: encode(v) if isinstance(v, torch.Tensor) else v for k, v in state.items()}
    return out


def train(name):
    make_opt, make_sched, opts = CONFIGS[name]
    params = {k: v.clone().requires_grad_(True) for k, v in init.items()}
    opt = make_opt(params)
    sched = make_sched(opt) if make_sched else None
    losses, lrs = [], []
    for step, (x, y) in enumerate(batches):
        opt.zero_grad(set_to_none=opts.get("set_to_none", False))
        loss = loss_fn(params, x, y)
        loss.backward()
        if opts.get("drop_w2_grad_on_even_steps") and step % 2 == 0:
            params["w2"].grad = None
        if "before_step" in opts:
            opts["before_step"](params)
        opt.step()
        if isinstance(sched, S.ReduceLROnPlateau):
            sched.step(loss.item())
        elif sched:
            sched.step()
        losses.append(loss.item())
        lrs.append([g["lr"] for g in opt.param_groups])
    assert len(losses) == STEPS
    return {"name": name, "losses": losses, "lr": lrs, "final": {k: encode(v) for k, v in params.items()},
            "state": encode_state(opt)}


def state_keys(sched):
    return sorted(sched.state_dict().keys())


def schedules():
    sgd = lambda groups=1: lambda: SGD(dummy_params(groups), lr=0.1, momentum=0.9)
    makers = {
        "exponential": (sgd(), lambda o: S.ExponentialLR(o, gamma=0.9)),
        "exponential_groups": (sgd(2), lambda o: S.ExponentialLR(o, gamma=0.5)),
        "lambda_warmup": (sgd(), lambda o: S.LambdaLR(o, lambda e: min(1.0, (e + 1) / 5))),
        "lambda_pow": (sgd(), lambda o: S.LambdaLR(o, lambda e: 0.95 ** e)),
        "lambda_per_group": (sgd(2), lambda o: S.LambdaLR(o, [lambda e: 1 / (1 + 0.1 * e), lambda e: 0.5 if e >= 10 else 1.0])),
    }
    out = []
    for name, (make_opt, make_sched) in makers.items():
        record = schedule(name, make_opt, make_sched, STEPS)
        record["stateKeys"] = state_keys(make_sched(make_opt()))
        record["lrLambdas"] = make_sched(make_opt()).state_dict().get("lr_lambdas")
        out.append(record)
    return out


def plateau_metrics():
    gen = torch.Generator().manual_seed(7)
    noisy = (torch.linspace(1.0, 0.6, 30, dtype=torch.float64) + 0.03 * torch.randn(30, generator=gen, dtype=torch.float64)).tolist()
    # After 0.65, improvements below the 1e-4 relative threshold (bad epochs), then a real one at the end.
    slow = [1.0, 0.8, 0.7, 0.65] + [0.65 * (1 - 5e-5) if k % 2 else 0.66 for k in range(20)] + [0.6]
    rising = [0.1, 0.3, 0.5, 0.52, 0.51, 0.6, 0.6, 0.59, 0.7, 0.69, 0.68, 0.67, 0.8, 0.8, 0.8, 0.8, 0.79, 0.78, 0.9, 0.9]
    flat = [0.5] * 25
    return noisy, slow, rising, flat


def plateaus():
    noisy, slow, rising, flat = plateau_metrics()
    sgd = lambda lrs: lambda: SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=0.1)
    cases = [
        ("min_rel_defaults", sgd([0.1]), lambda o: S.ReduceLROnPlateau(o), slow),
        ("min_abs_cooldown_groups", sgd([0.1, 0.05]),
         lambda o: S.ReduceLROnPlateau(o, threshold_mode="abs", threshold=0.01, patience=2, cooldown=3, factor=0.5, min_lr=[0.02, 0.01]),
         noisy),
        ("max_rel", sgd([0.1]), lambda o: S.ReduceLROnPlateau(o, mode="max", patience=1, factor=0.3, min_lr=1e-3), rising),
        ("max_abs", sgd([0.2, 0.1]), lambda o: S.ReduceLROnPlateau(o, mode="max", threshold_mode="abs", threshold=0.05, patience=0,
                                                                    factor=0.5), rising),
        ("min_eps_stops_reductions", sgd([1e-6]), lambda o: S.ReduceLROnPlateau(o, patience=0, factor=0.5), flat),
    ]
    out = []
    for name, make_opt, make_sched, metrics in cases:
        opt = make_opt()
        sched = make_sched(opt)
        rec = {"name": name, "metrics": metrics, "lr": [], "best": [], "numBadEpochs": [], "cooldownCounter": [], "lastEpoch": []}
        for m in metrics:
            opt.step()
            sched.step(m)
            rec["lr"].append([g["lr"] for g in opt.param_groups])
            rec["best"].append(sched.best)
            rec["numBadEpochs"].append(sched.num_bad_epochs)
            rec["cooldownCounter"].append(sched.cooldown_counter)
            rec["lastEpoch"].append(sched.last_epoch)
        rec["stateKeys"] = state_keys(sched)
        out.append(rec)
    return out


def clip():
    gen = torch.Generator().manual_seed(11)
    grads = [torch.randn(4, 3, generator=gen), torch.randn(5, generator=gen) * 3, torch.randn(2, 2, 2, generator=gen) * 0.1]

    def params(dtype=torch.float32):
        ps = []
        for g in grads:
            p = torch.zeros(g.shape, dtype=dtype, requires_grad=True)
            p.grad = g.to(dtype).clone()
            ps.append(p)
        return ps

    norms = []
    for norm_type, max_norm, dtype, single in [(2.0, 1.0, torch.float32, False), (2.0, 100.0, torch.float32, False),
                                               (1.0, 2.0, torch.float32, False), (3.0, 0.5, torch.float32, False),
                                               (0.5, 3.0, torch.float32, False), (math.inf, 0.1, torch.float32, False),
                                               (math.inf, 0.5, torch.float32, True), (2.0, 0.3, torch.float32, True),
                                               (2.0, 0.7, torch.float64, False)]:
        ps = params(dtype)
        total = clip_grad_norm_(ps[0] if single else ps, max_norm, norm_type=norm_type)
        norms.append({"normType": "inf" if norm_type == math.inf else norm_type, "maxNorm": max_norm, "dtype": str(dtype)[6:],
                      "single": single, "total": encode(total), "grads": [encode(p.grad) for p in (ps[:1] if single else ps)]})
    values = []
    for clip_value in [0.3, 2.0]:
        ps = params()
        clip_grad_value_(ps, clip_value)
        values.append({"clipValue": clip_value, "grads": [encode(p.grad) for p in ps]})

    errors = {}
    for norm_type in [2.0, math.inf]:
        p = torch.zeros(2, requires_grad=True)
        p.grad = torch.tensor([1.0, math.inf])
        try:
            clip_grad_norm_([p], 1.0, norm_type=norm_type, error_if_nonfinite=True)
        except RuntimeError as e:
            errors["inf" if norm_type == math.inf else str(norm_type)] = str(e)
    return {"grads": [encode(g) for g in grads], "norm": norms, "value": values, "nonfiniteErrors": errors}


def main():
    import warnings
    warnings.simplefilter("ignore")
    out = {
        "torch": torch.__version__,
        "training": [train(name) for name in CONFIGS],
        "schedules": schedules(),
        "plateau": plateaus(),
        "clip": clip(),
    }
    with open(OUT, "w") as f:
        json.dump(out, f, allow_nan=False)
        f.write("\n")
    print(f"wrote {len(out['training'])} training runs, {len(out['schedules'])} schedules, {len(out['plateau'])} plateau runs and "
          f"{len(out['clip']['norm']) + len(out['clip']['value'])} clip cases to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
