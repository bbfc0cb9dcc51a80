"""PyTorch reference for bench/engine.ts: times the engine cases with torch on the driver's request.

The driver starts `/usr/bin/python3 bench/engine.py '<plan JSON>'` (Debian's python3-torch, the
libtorch that smoothlab links). It prints one JSON line {version, threads} when ready, then for each
request line `{"case": name, "iters": n}` on stdin runs the case n times and prints one JSON line
{"seconds": s}. The driver alternates these requests with its own repeats, so that a change in
machine load hits both sides alike. Only torch, the stdlib and (for the ResNet-18 step) torchvision
are imported.
"""
import json
import sys
import time

import torch
import torch.nn.functional as F


def add_case(plan):
    """a.add(b) on tiny tensors: the per-op cost of the Python binding, not of the arithmetic."""
    a = torch.randn(plan["shape"])
    b = torch.randn(plan["shape"])

    def run(n):
        for _ in range(n):
            a.add(b)  # the result's refcount drops to 0 here, so it is freed at once

    return run


# Other small ops, one binding each (bench/engine.ts SMALL_OPS mirrors these).
SMALL_OPS = {
    "mul(0.5)": lambda a, b, m: a.mul(0.5),
    "relu()": lambda a, b, m: a.relu(),
    "sum()": lambda a, b, m: a.sum(),
    "view(4, 4)": lambda a, b, m: a.view(4, 4),
    "add_(b)": lambda a, b, m: a.add_(b),
    "where(m, a, 0)": lambda a, b, m: torch.where(m, a, 0),
}


def small_op_case(plan, name):
    """One small op, its result freed at once."""
    a = torch.randn(plan["shape"])
    b = torch.randn(plan["shape"]) * 1e-6  # add_ repeated millions of times stays finite
    m = a > 0
    op = SMALL_OPS[name]

    def run(n):
        for _ in range(n):
            op(a, b, m)

    return run


def conv_bn_relu_case(plan):
    """conv 3x3 + batch norm (training, running stats) + relu, forward and backward."""
    n, c, h, w = plan["input"]
    x = torch.randn(n, c, h, w)
    weight = (torch.randn(c, c, 3, 3) * 0.05).requires_grad_()
    gamma = torch.ones(c, requires_grad=True)
    beta = torch.zeros(c, requires_grad=True)
    running_mean = torch.zeros(c)
    running_var = torch.ones(c)
    params = [weight, gamma, beta]

    def run(steps):
        for _ in range(steps):
            for p in params:  # optimizer.zero_grad() of 1.13 (set_to_none=False)
                if p.grad is not None:
                    p.grad.zero_()
            y = F.conv2d(x, weight, None, padding=1)
            y = F.batch_norm(y, running_mean, running_var, gamma, beta, training=True)
            F.relu(y).sum().backward()

    return run


def bn_relu_case(plan):
    """BatchNorm2d then ReLU as modules in training, forward and backward with a fixed output gradient."""
    n, c, h, w = plan["input"]
    bn = torch.nn.BatchNorm2d(c)
    relu = torch.nn.ReLU()
    x = torch.randn(n, c, h, w, requires_grad=True)
    grad = torch.randn(n, c, h, w)

    def run(steps):
        for _ in range(steps):
            x.grad = None
            bn.zero_grad(set_to_none=True)
            relu(bn(x)).backward(grad)

    return run


def adamw_settings():
    """The AdamW implementations this torch offers: the for-loop, foreach, and (PyTorch 2.4 and later) fused on CPU."""
    settings = {"for-loop": {"foreach": False}, "foreach": {"foreach": True}}
    params = [torch.zeros(4, requires_grad=True)]
    params[0].grad = torch.zeros(4)
    try:
        torch.optim.AdamW(params, fused=True).step()
        settings["fused"] = {"fused": True}
    except (TypeError, RuntimeError):
        pass  # PyTorch 1.13: fused is CUDA only
    return settings


def resnet18_step_case(plan):
    """One training step of the pipeline's model: ResNet-18, AdamW, cross-entropy with smoothing 0.1,
    with this torch's fastest AdamW setting (each timed for a few steps first; the ready line names it)."""
    import torchvision  # only this case needs it

    n, c, h, w = plan["input"]
    model = torchvision.models.resnet18(weights=None, num_classes=10)
    x = torch.randn(n, c, h, w)
    if plan["channelsLast"]:
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (n,))
    model.train()
    state = {}

    def steps(optimizer, count):
        for _ in range(count):
            optimizer.zero_grad()
            F.cross_entropy(model(x), y, label_smoothing=0.1).backward()
            optimizer.step()

    def choose():
        timings = {}
        for name, kwargs in adamw_settings().items():
            optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2, **kwargs)
            steps(optimizer, 1)
            start = time.perf_counter()
            steps(optimizer, 2)
            timings[name] = (time.perf_counter() - start, optimizer)
        state["adamw"] = min(timings, key=lambda k: timings[k][0])
        state["optimizer"] = timings[state["adamw"]][1]

    def run(count):
        if "optimizer" not in state:
            choose()
        steps(state["optimizer"], count)

    run.choose = choose
    run.state = state
    return run


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: /usr/bin/python3 bench/engine.py '<plan JSON from bench/engine.ts>'")
    plan = json.loads(sys.argv[1])
    torch.set_num_threads(plan["threads"])
    torch.manual_seed(plan["seed"])
    cases = {"add": add_case(plan["add"]), "convBnRelu": conv_bn_relu_case(plan["convBnRelu"]), "bnRelu": bn_relu_case(plan["bnRelu"])}
    for name in ("resnet18Step", "resnet18StepChannelsLast"):
        cases[name] = resnet18_step_case(plan[name])
        cases[name].choose()
    cases.update({name: small_op_case(plan["add"], name) for name in SMALL_OPS})
    resnet = cases["resnet18Step"]
    print(json.dumps({"version": torch.__version__, "threads": torch.get_num_threads(), "adamw": resnet.state["adamw"], "adamwChannelsLast": cases["resnet18StepChannelsLast"].state["adamw"]}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        run = cases[request["case"]]
        start = time.perf_counter()
        run(request["iters"])
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
