#!/usr/bin/python3
"""Golden fixtures for the engine's breadth (issue 16): tensor ops (t, mm, bmm, einsum, sort,
argsort, topk, cumsum, repeat, tile, roll, flip, casts, clamp_), nn.functional's pad and
interpolate, and the layers and losses beyond the ResNet's (GELU ... Upsample, MSELoss ...
NLLLoss), computed by PyTorch 1.13 (Debian's python3-torch, the libtorch the addon links). Run by
scripts/make_goldens.py; writes test/fixtures/breadth.json:

- ops: like engine.json's cases: inputs, outputs, and the gradients of sum(output * upstream)
  with respect to every floating-point input.
- modules: a module built after torch.manual_seed(seed) (its state dict, so the tests can demand
  PyTorch's initialization bit for bit), its outputs for the inputs, the gradients of the inputs
  and parameters, and its state after the call (running statistics, renormalized embeddings).
- errors: PyTorch's messages for the refused cases, with the state the layer is left in.
"""
import json
import math
import os
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import DTYPES, encode, fixture_path

OUT = fixture_path("breadth.json")
DTYPES.update({torch.float16: "float16", torch.uint8: "uint8"})


def upstream(shape):
    """engine.py's upstream gradient: cos(0.37 i), so every output element's gradient matters."""
    n = math.prod(shape)
    return torch.tensor([math.cos(0.37 * i) for i in range(n)], dtype=torch.float32).reshape(shape)


gen = torch.Generator().manual_seed(1616)


def randn(*shape):
    return torch.randn(*shape, generator=gen)


def rand(*shape):
    return torch.rand(*shape, generator=gen)


def backward(outs, leaves):
    """Backpropagates sum(output * upstream) over the outputs that need it; the leaves' gradients."""
    differentiable = [o for o in outs if o.requires_grad]
    if not differentiable:
        return None
    loss = sum((o * upstream(list(o.shape))).sum() for o in differentiable)
    loss.backward()
    return {k: encode(v.grad) for k, v in leaves.items() if v.grad is not None}


def case(name, fn, frozen=(), **inputs):
    """engine.py's case(): runs fn(**inputs) with gradients on the float inputs not in `frozen`."""
    leaves = {k: v.clone().requires_grad_(v.is_floating_point() and k not in frozen) for k, v in inputs.items()}
    out = fn(**leaves)
    outs = out if isinstance(out, (tuple, list)) else (out,)
    record = {"name": name, "inputs": {k: encode(v) for k, v in inputs.items()}, "outputs": [encode(o) for o in outs],
              "requiresGrad": [k for k, v in leaves.items() if v.requires_grad]}
    grads = backward(outs, leaves)
    if grads is not None:
        record["grads"] = grads
    return record


def module_case(name, make, seed=0, call=None, train=True, frozen=(), **inputs):
    """Builds make() after manual_seed(seed), runs it (module(*inputs), or call(module, **inputs)) and
    records the initial state, outputs, gradients ('input:<name>' and parameter names) and the state after."""
    torch.manual_seed(seed)
    m = make()
    m.train(train)
    state = [[k, encode(v)] for k, v in m.state_dict().items()]
    leaves = {k: v.clone().requires_grad_(v.is_floating_point() and k not in frozen) for k, v in inputs.items()}
    out = call(m, **leaves) if call else m(*leaves.values())
    outs = out if isinstance(out, (tuple, list)) else (out,)
    record = {"name": name, "seed": seed, "train": train, "repr": str(m), "state": state, "inputs": {k: encode(v) for k, v in inputs.items()},
              "requiresGrad": [k for k, v in leaves.items() if v.requires_grad], "outputs": [encode(o) for o in outs]}
    grads = backward(outs, leaves)
    if grads is not None:
        record["grads"] = {f"input:{k}": v for k, v in grads.items()}
        record["grads"].update({k: encode(p.grad) for k, p in m.named_parameters() if p.grad is not None})
    record["stateAfter"] = [[k, encode(v)] for k, v in m.state_dict().items()]
    return record


def op_cases():
    x34, y34 = randn(3, 4), randn(3, 4)
    img = randn(2, 3, 4, 5)
    ties = torch.tensor([[2.0, 1.0, 2.0, 1.0, 3.0, 1.0, 2.0], [0.5, 0.5, -1.0, 0.5, -1.0, 2.0, 0.5]])
    return [
        case("t", lambda a: a.t(), a=x34),
        case("t_1d", lambda a: torch.t(a), a=randn(5)),
        case("mm", lambda a, b: torch.mm(a, b), a=x34, b=randn(4, 5)),
        case("bmm", lambda a, b: a.bmm(b), a=randn(2, 3, 4), b=randn(2, 4, 5)),
        case("einsum_matmul", lambda a, b: torch.einsum("ij,jk->ik", a, b), a=x34, b=randn(4, 2)),
        case("einsum_attention", lambda q, k: torch.einsum("bhqd,bhkd->bhqk", q, k), q=randn(2, 2, 3, 4), k=randn(2, 2, 5, 4)),
        case("einsum_trace", lambda a: torch.einsum("ii", a), a=randn(4, 4)),
        case("einsum_outer_list", lambda a, b: torch.einsum("i,j->ij", [a, b]), a=randn(3), b=randn(4)),
        case("sort", lambda a: a.sort(1), a=x34),
        case("sort_descending_dim0", lambda a: torch.sort(a, 0, descending=True), a=x34),
        case("sort_stable", lambda a: a.sort(dim=1, stable=True), a=ties),
        case("sort_stable_descending", lambda a: torch.sort(a, dim=-1, descending=True, stable=True), a=ties),
        case("argsort_stable", lambda a: a.argsort(dim=1, stable=True), a=ties),
        case("argsort_descending", lambda a: torch.argsort(a, 0, descending=True), a=x34),
        case("topk", lambda a: a.topk(2, dim=1), a=x34),
        case("topk_smallest_dim0", lambda a: torch.topk(a, 2, dim=0, largest=False), a=x34),
        case("cumsum", lambda a: a.cumsum(1), a=x34),
        case("cumsum_float64", lambda a: torch.cumsum(a, 0, dtype=torch.float64), a=x34),
        case("cumsum_uint8_int64", lambda a: a.cumsum(0, dtype=torch.int64), a=torch.tensor([200, 100, 50, 7], dtype=torch.uint8)),
        case("repeat", lambda a: a.repeat(2, 1, 3), a=x34),
        case("tile_short_dims", lambda a: a.tile((2,)), a=x34),
        case("tile_long_dims", lambda a: torch.tile(a, (2, 1, 2)), a=x34),
        case("roll", lambda a: a.roll(1, 0), a=x34),
        case("roll_dims", lambda a: torch.roll(a, (1, -2), (0, 1)), a=x34),
        case("roll_flat", lambda a: a.roll(5), a=x34),
        case("flip", lambda a: torch.flip(a, [0, 1]), a=x34),
        case("half", lambda a: a.half(), a=x34),
        case("float", lambda a: a.float(), a=x34.double()),
        case("double", lambda a: a.double(), a=x34),
        case("long", lambda a: (a * 3).long(), a=x34),
        case("clamp_", lambda a: a.clone().clamp_(-0.5, 0.5), a=x34),
        case("clamp_min_only", lambda a: a.clone().clamp_(min=0.2), a=x34),
        case("F.pad_constant", lambda x: F.pad(x, [1, 2, 2, 1], value=0.5), x=img),
        case("F.pad_constant_crop", lambda x: F.pad(x, [-1, 1, 0, -2]), x=img),
        case("F.pad_reflect", lambda x: F.pad(x, [1, 2, 2, 1], mode="reflect"), x=img),
        case("F.pad_replicate", lambda x: F.pad(x, [2, 1, 1, 3], mode="replicate"), x=img),
        case("F.pad_circular", lambda x: F.pad(x, [1, 2, 2, 1], mode="circular"), x=img),
        case("F.pad_reflect_1d", lambda x: F.pad(x, [2, 3], mode="reflect"), x=randn(2, 3, 6)),
        case("F.interpolate_nearest_size", lambda x: F.interpolate(x, size=(7, 9)), x=img),
        case("F.interpolate_nearest_scale2", lambda x: F.interpolate(x, scale_factor=2), x=img),
        case("F.interpolate_nearest_scale1.5", lambda x: F.interpolate(x, scale_factor=1.5, mode="nearest"), x=img),
        case("F.interpolate_nearest_1d", lambda x: F.interpolate(x, size=11), x=randn(2, 3, 5)),
        case("F.interpolate_bilinear_size", lambda x: F.interpolate(x, size=(7, 9), mode="bilinear"), x=img),
        case("F.interpolate_bilinear_align", lambda x: F.interpolate(x, size=(7, 9), mode="bilinear", align_corners=True), x=img),
        case("F.interpolate_bilinear_scale1.7", lambda x: F.interpolate(x, scale_factor=1.7, mode="bilinear"), x=img),
        case("F.interpolate_bilinear_scale_recompute", lambda x: F.interpolate(x, scale_factor=(1.7, 0.5), mode="bilinear",
                                                                            recompute_scale_factor=True), x=img),
        case("F.interpolate_bilinear_down", lambda x: F.interpolate(x, scale_factor=0.5, mode="bilinear", align_corners=True), x=randn(1, 2, 8, 6)),
        case("F.interpolate_linear_1d", lambda x: F.interpolate(x, scale_factor=2.5, mode="linear"), x=randn(2, 3, 5)),
        case("F.interpolate_bicubic", lambda x: F.interpolate(x, size=(6, 8), mode="bicubic"), x=img),
    ]


def functional_cases():
    """nn.functional forms whose modules are recorded below, called directly (the options as keywords)."""
    x = randn(4, 3, 5)
    logits, target = randn(4, 3), rand(4, 3)
    return [
        case("F.gelu", lambda x: F.gelu(x), x=x),
        case("F.gelu_tanh", lambda x: F.gelu(x, approximate="tanh"), x=x),
        case("F.silu", lambda x: F.silu(x), x=x),
        case("F.leaky_relu", lambda x: F.leaky_relu(x, 0.2), x=x),
        case("F.layer_norm", lambda x, w, b: F.layer_norm(x, [5], w, b, eps=1e-3), x=x, w=randn(5), b=randn(5)),
        case("F.group_norm", lambda x, w, b: F.group_norm(x, 3, w, b), x=randn(2, 6, 3, 2), w=randn(6), b=randn(6)),
        case("F.batch_norm_1d_train", lambda x: F.batch_norm(x, torch.zeros(3), torch.ones(3), training=True), x=x),
        case("F.embedding_padding", lambda i, w: F.embedding(i, w, padding_idx=1), i=torch.tensor([[1, 2, 0], [3, 1, 3]]), w=randn(4, 3)),
        case("F.conv1d", lambda x, w, b: F.conv1d(x, w, b, stride=2, padding=1, dilation=2, groups=2), x=randn(2, 4, 9), w=randn(6, 2, 3), b=randn(6)),
        case("F.conv_transpose2d", lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1, groups=1, dilation=1),
             x=randn(2, 3, 4, 5), w=randn(3, 2, 3, 3), b=randn(2)),
        case("F.mse_loss", lambda x, t: F.mse_loss(x, t), x=logits, t=target),
        case("F.l1_loss_sum", lambda x, t: F.l1_loss(x, t, reduction="sum"), x=logits, t=target),
        case("F.smooth_l1_loss_beta", lambda x, t: F.smooth_l1_loss(x, t, beta=0.3), x=logits * 2, t=target),
        case("F.binary_cross_entropy", lambda p, t: F.binary_cross_entropy(p, t), p=rand(4, 3) * 0.9 + 0.05, t=target),
        case("F.binary_cross_entropy_with_logits", lambda x, t, pw: F.binary_cross_entropy_with_logits(x, t, pos_weight=pw),
             x=logits, t=target, pw=torch.tensor([1.0, 2.0, 0.5]), frozen=("pw",)),
        case("F.kl_div_batchmean", lambda x, t: F.kl_div(x.log_softmax(1), t.softmax(1), reduction="batchmean"), x=logits, t=randn(4, 3)),
        case("F.kl_div_log_target", lambda x, t: F.kl_div(x, t, reduction="none", log_target=True),
             x=logits.log_softmax(1), t=randn(4, 3).log_softmax(1)),
    ]


def module_cases():
    x = randn(4, 3, 5)
    img = randn(2, 4, 3, 3)
    logits, probs = randn(4, 3), rand(4, 3)
    cls = torch.tensor([0, 2, 1, 2])
    return [
        module_case("GELU", lambda: nn.GELU(), x=x),
        module_case("GELU_tanh", lambda: nn.GELU(approximate="tanh"), x=x),
        module_case("SiLU", lambda: nn.SiLU(), x=x),
        module_case("LeakyReLU", lambda: nn.LeakyReLU(), x=x),
        module_case("LeakyReLU_0.2", lambda: nn.LeakyReLU(0.2), x=x),
        module_case("Softmax", lambda: nn.Softmax(dim=1), x=x),
        module_case("LayerNorm", lambda: nn.LayerNorm(5), x=x),
        module_case("LayerNorm_2d_no_affine", lambda: nn.LayerNorm([3, 5], eps=1e-3, elementwise_affine=False), x=x),
        module_case("GroupNorm", lambda: nn.GroupNorm(2, 4), x=img),
        module_case("BatchNorm1d_2d_input", lambda: nn.BatchNorm1d(3), x=randn(6, 3) * 2 + 1),
        module_case("BatchNorm1d_3d_input", lambda: nn.BatchNorm1d(3, momentum=0.3), x=x * 3 - 1),
        module_case("BatchNorm1d_eval", lambda: nn.BatchNorm1d(3), train=False, x=x),
        module_case("Embedding", lambda: nn.Embedding(10, 4), seed=3, i=torch.tensor([[0, 2, 4], [4, 3, 9]])),
        module_case("Embedding_padding", lambda: nn.Embedding(6, 3, padding_idx=-2), seed=4, i=torch.tensor([[4, 2, 4], [1, 4, 0]])),
        module_case("Embedding_max_norm", lambda: nn.Embedding(6, 3, max_norm=1.0), seed=5, i=torch.tensor([1, 3, 3, 5])),
        module_case("Conv1d", lambda: nn.Conv1d(3, 4, 3), seed=6, x=x),
        module_case("Conv1d_stride_groups", lambda: nn.Conv1d(4, 6, 2, stride=2, padding=1, groups=2, bias=False), seed=7, x=randn(2, 4, 7)),
        module_case("ConvTranspose2d", lambda: nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1), seed=8, x=img),
        module_case("ConvTranspose2d_output_size", lambda: nn.ConvTranspose2d(4, 2, (3, 2), stride=2, groups=2), seed=9,
                    call=lambda m, x: m(x, output_size=[8, 7]), x=img),
        module_case("Upsample_nearest", lambda: nn.Upsample(scale_factor=2), x=img),
        module_case("Upsample_bilinear_align", lambda: nn.Upsample(size=(5, 4), mode="bilinear", align_corners=True), x=img),
        module_case("MSELoss", lambda: nn.MSELoss(), x=logits, t=probs, frozen=("t",)),
        module_case("MSELoss_broadcast_sum", lambda: nn.MSELoss(reduction="sum"), x=randn(4, 1), t=randn(4), frozen=("t",)),
        module_case("L1Loss", lambda: nn.L1Loss(), x=logits, t=probs),
        module_case("L1Loss_none", lambda: nn.L1Loss(reduction="none"), x=logits, t=probs),
        module_case("SmoothL1Loss", lambda: nn.SmoothL1Loss(), x=logits * 2, t=probs),
        module_case("SmoothL1Loss_beta0.5_sum", lambda: nn.SmoothL1Loss(reduction="sum", beta=0.5), x=logits, t=probs),
        module_case("SmoothL1Loss_beta0", lambda: nn.SmoothL1Loss(beta=0.0), x=logits, t=probs),
        module_case("BCELoss", lambda: nn.BCELoss(), p=probs * 0.9 + 0.05, t=rand(4, 3), frozen=("t",)),
        module_case("BCELoss_weight_broadcast", lambda: nn.BCELoss(weight=torch.tensor([0.5, 1.0, 2.0])), p=probs * 0.9 + 0.05,
                    t=(rand(4, 3) > 0.5).float()),
        module_case("BCEWithLogitsLoss", lambda: nn.BCEWithLogitsLoss(), x=logits * 3, t=probs),
        module_case("BCEWithLogitsLoss_pos_weight", lambda: nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0, 1.0, 0.25])), x=logits * 3, t=probs),
        module_case("BCEWithLogitsLoss_weight_none", lambda: nn.BCEWithLogitsLoss(weight=torch.tensor([[2.0], [1.0], [0.5], [1.5]]), reduction="none"),
                    x=logits, t=probs),
        module_case("KLDivLoss_batchmean", lambda: nn.KLDivLoss(reduction="batchmean"), x=logits.log_softmax(1), t=probs.softmax(1)),
        module_case("KLDivLoss_mean", lambda: nn.KLDivLoss(), x=logits.log_softmax(1), t=probs.softmax(1)),
        module_case("KLDivLoss_log_target_sum", lambda: nn.KLDivLoss(reduction="sum", log_target=True), x=logits.log_softmax(1),
                    t=probs.log_softmax(1)),
        module_case("NLLLoss", lambda: nn.NLLLoss(), x=logits.log_softmax(1), t=cls),
        module_case("NLLLoss_weight_ignore_sum", lambda: nn.NLLLoss(weight=torch.tensor([1.0, 2.0, 0.5]), ignore_index=1, reduction="sum"),
                    x=logits.log_softmax(1), t=cls),
    ]


def refused(make, x):
    """A training-mode layer given one value per channel: PyTorch's message and the state left behind."""
    m = make()
    try:
        m(x)
    except ValueError as e:
        return {"input": encode(x), "message": str(e), "stateAfter": [[k, encode(v)] for k, v in m.state_dict().items()]}
    raise AssertionError("PyTorch accepted one value per channel")


def error_cases():
    errors = {
        "BatchNorm1d_one_value": refused(lambda: nn.BatchNorm1d(3), randn(1, 3)),
        "BatchNorm1d_one_value_3d": refused(lambda: nn.BatchNorm1d(3), randn(1, 3, 1)),
        "BatchNorm2d_one_value": refused(lambda: nn.BatchNorm2d(3), randn(1, 3, 1, 1)),
        "GroupNorm_one_value": refused(lambda: nn.GroupNorm(2, 2), randn(1, 2, 1)),
    }
    messages = {}
    for name, fn in {
        "interpolate_align_corners_nearest": lambda: F.interpolate(randn(1, 1, 2, 2), size=3, align_corners=True),
        "interpolate_size_and_scale": lambda: F.interpolate(randn(1, 1, 2, 2), size=3, scale_factor=2),
        "interpolate_no_size": lambda: F.interpolate(randn(1, 1, 2, 2)),
        "interpolate_bilinear_3d": lambda: F.interpolate(randn(1, 1, 2), size=3, mode="bilinear"),
        "bce_size_mismatch": lambda: F.binary_cross_entropy(rand(3), rand(3, 1)),
        "bce_with_logits_size_mismatch": lambda: F.binary_cross_entropy_with_logits(rand(3), rand(3, 1)),
    }.items():
        try:
            fn()
        except (ValueError, NotImplementedError) as e:
            messages[name] = str(e)
    return errors, messages


def main():
    warnings.simplefilter("ignore")  # MSELoss's broadcast and KLDivLoss's 'mean' warn, as intended here
    ops = op_cases() + functional_cases()
    modules = module_cases()
    refusals, messages = error_cases()
    with open(OUT, "w") as f:
        json.dump({"torch": torch.__version__, "ops": ops, "modules": modules, "refusals": refusals, "messages": messages}, f)
        f.write("\n")
    print(f"wrote {len(ops)} op cases, {len(modules)} module cases and {len(refusals) + len(messages)} refusals to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()
