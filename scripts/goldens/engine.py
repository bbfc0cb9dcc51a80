#!/usr/bin/python3
"""Golden fixtures for smoothlab's engine tests, computed by PyTorch (Debian's python3-torch, the
same libtorch the addon links), run by scripts/make_goldens.py (npm run goldens); writes
test/fixtures/engine.json. Each case stores its inputs, PyTorch's output, and the gradients of
sum(output * upstream) with respect to every floating-point input, so the TypeScript side can
replay the same computation and compare numbers.
"""
import json
import math
import os

import torch
import torch.nn.functional as F
from _common import encode, fixture_path

OUT = fixture_path("engine.json")


def upstream(shape):
    """A fixed, sign-varying upstream gradient, so every output element's gradient matters."""
    n = math.prod(shape)
    return torch.tensor([math.cos(0.37 * i) for i in range(n)], dtype=torch.float32).reshape(shape)


gen = torch.Generator().manual_seed(1234)


def randn(*shape):
    return torch.randn(*shape, generator=gen)


def case(name, fn, frozen=(), **inputs):
    """Runs fn(**inputs) with gradients on the float inputs not in `frozen`; records output(s) and gradients."""
    leaves = {k: v.clone().requires_grad_(v.is_floating_point() and k not in frozen) for k, v in inputs.items()}
    out = fn(**leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    record = {"name": name, "inputs": {k: encode(v) for k, v in inputs.items()}, "outputs": [encode(o) for o in outs],
              "requiresGrad": [k for k, v in leaves.items() if v.requires_grad]}
    differentiable = [o for o in outs if o.requires_grad]
    if differentiable:
        ups = [upstream(list(o.shape)) for o in differentiable]
        loss = sum((o * u).sum() for o, u in zip(differentiable, ups))
        loss.backward()
        record["grads"] = {k: encode(v.grad) for k, v in leaves.items() if v.grad is not None}
    return record


def bn_case(training):
    """batch_norm with running statistics, which training mode updates in place."""
    def fn(x, weight, bias):
        rm, rv = torch.zeros(3), torch.ones(3)
        y = F.batch_norm(x, rm, rv, weight, bias, training=training, momentum=0.1, eps=1e-5)
        return y, rm, rv
    return case(f"batchNorm_{'train' if training else 'eval'}", fn, x=randn(4, 3, 5, 5) * 2 + 1, weight=randn(3), bias=randn(3))


def main():
    cases = []
    x34, y34 = randn(3, 4), randn(3, 4)
    pos = randn(3, 4).abs() + 0.5
    cases += [
        case("add_broadcast", lambda a, b: a + 2.5 * b, a=x34, b=randn(4)),
        case("sub_scalar", lambda a: a - 3, a=x34),
        case("mul", lambda a, b: a * b, a=x34, b=y34),
        case("div", lambda a, b: a / b, a=x34, b=pos),
        case("pow_scalar", lambda a: a ** 3, a=x34),
        case("exp", lambda a: a.exp(), a=x34),
        case("log", lambda a: a.log(), a=pos),
        case("sqrt", lambda a: a.sqrt(), a=pos),
        case("tanh", lambda a: a.tanh(), a=x34),
        case("sigmoid", lambda a: a.sigmoid(), a=x34),
        case("relu", lambda a: a.relu(), a=x34),
        case("abs_neg", lambda a: (-a).abs(), a=x34),
        case("clamp", lambda a: a.clamp(-0.5, 0.5), a=x34),
        case("maximum", lambda a, b: torch.maximum(a, b), a=x34, b=y34),
        case("where", lambda c, a, b: torch.where(c, a, b), c=x34 > 0, a=x34, b=y34),
        case("maskedFill", lambda a, m: a.masked_fill(m, -1.0), a=x34, m=y34 > 0),
        case("compare_gt", lambda a, b: a > b, a=x34, b=y34),
        case("matmul", lambda a, b: a @ b, a=randn(2, 3, 4), b=randn(4, 5)),
        case("softmax", lambda a: a.softmax(1), a=x34),
        case("logSoftmax", lambda a: a.log_softmax(-1), a=x34),
        case("logsumexp", lambda a: a.logsumexp(1), a=x34),
        case("sum_all", lambda a: a.sum(), a=x34),
        case("sum_dim_keepdim", lambda a: a.sum(0, keepdim=True), a=x34),
        case("mean_dims", lambda a: a.mean((0, 2)), a=randn(2, 3, 4)),
        case("std", lambda a: a.std(1), a=x34),
        case("var_biased", lambda a: a.var(0, unbiased=False), a=x34),
        case("norm", lambda a: a.norm(2), a=x34),
        case("max_dim", lambda a: a.max(1), a=x34),
        case("min_all", lambda a: a.min(), a=x34),
        case("argmax", lambda a: a.argmax(1), a=x34),
        case("permute_reshape", lambda a: a.permute(2, 0, 1).reshape(4, 6), a=randn(2, 3, 4)),
        case("transpose_flatten", lambda a: a.transpose(0, 1).flatten(), a=x34),
        case("squeeze_unsqueeze", lambda a: a.unsqueeze(0).unsqueeze(2).squeeze(0), a=x34),
        case("expand", lambda a: a.expand(3, 4), a=randn(1, 4)),
        case("narrow", lambda a: a.narrow(1, 1, 2), a=x34),
        case("cat", lambda a, b: torch.cat([a, b], 1), a=x34, b=y34),
        case("stack", lambda a, b: torch.stack([a, b], 0), a=x34, b=y34),
        case("split", lambda a: a.split(2, 1), a=x34),
        case("chunk", lambda a: a.chunk(3, 0), a=x34),
        case("indexSelect", lambda a, i: a.index_select(1, i), a=x34, i=torch.tensor([3, 0, 3])),
        case("gather", lambda a, i: a.gather(1, i), a=x34, i=torch.tensor([[0, 1], [2, 3], [3, 3]])),
        case("scatter", lambda a, i, s: a.scatter(1, i, s), a=x34, i=torch.tensor([[0], [2], [3]]), s=randn(3, 1)),
        case("conv2d", lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1), x=randn(2, 3, 7, 7), w=randn(4, 3, 3, 3), b=randn(4)),
        case("conv2d_groups", lambda x, w: F.conv2d(x, w, None, padding=1, groups=2), x=randn(1, 4, 5, 5), w=randn(6, 2, 3, 3)),
        case("linear", lambda x, w, b: F.linear(x, w, b), x=randn(5, 4), w=randn(3, 4), b=randn(3)),
        bn_case(True),
        bn_case(False),
        case("maxPool2d", lambda x: F.max_pool2d(x, 3, 2, 1), x=randn(2, 3, 8, 8)),
        case("avgPool2d", lambda x: F.avg_pool2d(x, 2), x=randn(2, 3, 8, 8)),
        case("adaptiveAvgPool2d", lambda x: F.adaptive_avg_pool2d(x, 1), x=randn(2, 3, 5, 5)),
        case("nllLoss", lambda x, t: F.nll_loss(x.log_softmax(1), t), x=randn(6, 5), t=torch.tensor([0, 4, 2, 2, 1, 3])),
        case("oneHot", lambda t: F.one_hot(t, 5), t=torch.tensor([0, 4, 2])),
    ]
    logits, target = randn(8, 10) * 3, torch.tensor([0, 3, 9, 1, 1, 5, 7, 2])
    weight = torch.rand(10, generator=gen) + 0.5
    for eps in (0.0, 0.1, 0.3):
        cases.append(case(f"crossEntropy_eps{eps}", lambda x, t, e=eps: F.cross_entropy(x, t, label_smoothing=e), x=logits, t=target))
        cases.append(case(f"crossEntropy_eps{eps}_weight", lambda x, t, w, e=eps: F.cross_entropy(x, t, weight=w, label_smoothing=e),
                          x=logits, t=target, w=weight, frozen=("w",)))
        cases.append(case(f"crossEntropy_eps{eps}_ignore", lambda x, t, e=eps: F.cross_entropy(x, t, ignore_index=1, label_smoothing=e),
                          x=logits, t=target))
        cases.append(case(f"crossEntropy_eps{eps}_sum", lambda x, t, e=eps: F.cross_entropy(x, t, reduction="sum", label_smoothing=e),
                          x=logits, t=target))
        cases.append(case(f"crossEntropy_eps{eps}_none", lambda x, t, e=eps: F.cross_entropy(x, t, reduction="none", label_smoothing=e),
                          x=logits, t=target))
    probs = torch.softmax(randn(8, 10), 1)
    cases.append(case("crossEntropy_probs_eps0.1", lambda x, p: F.cross_entropy(x, p, label_smoothing=0.1), x=logits, p=probs))

    random = {}
    torch.manual_seed(0)
    random["seed0_randn_3x4"] = encode(torch.randn(3, 4))
    torch.manual_seed(42)
    random["seed42_rand_5"] = encode(torch.rand(5))
    random["seed42_then_randint_0_10_6"] = encode(torch.randint(0, 10, (6,)))
    random["seed42_then_randperm_8"] = encode(torch.randperm(8))
    random["seed42_then_randn_2x3_float64"] = encode(torch.randn(2, 3, dtype=torch.float64))
    torch.manual_seed(7)
    random["seed7_normal_uniform"] = encode(torch.cat([torch.empty(4).normal_(1.0, 2.0), torch.empty(4).uniform_(-1, 1)]))

    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases, "random": random}, f)
        f.write("\n")
    print(f"wrote {len(cases)} cases and {len(random)} random draws to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
