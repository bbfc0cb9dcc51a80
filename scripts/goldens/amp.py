#!/usr/bin/python3
"""Golden fixtures for GradScaler, computed by PyTorch 1.13 (Debian's python3-torch); writes
test/fixtures/amp.json.

PyTorch 1.13's torch.cuda.amp.GradScaler refuses CPU tensors (it disables itself without CUDA, its
scale() asserts is_cuda) and its two kernels, torch._amp_foreach_non_finite_check_and_unscale_ and
torch._amp_update_scale_, have CUDA implementations only (on CPU: NotImplementedError). So this runs
1.13's own GradScaler code on CPU with these changes: its CUDA-availability check is bypassed,
scale() and the per-device replicator skip their is_cuda assertions, and the two kernels are the
Python transliterations below of their CUDA sources (aten/src/ATen/native/cuda/AmpKernels.cu): the
check reads each value before unscaling it; the scale is a float multiplied by a double factor and
stored as a float; a scale whose growth would overflow to inf stays. Everything else (stages,
grouping, found-inf bookkeeping, the step skip, state_dict) is PyTorch's.

Scenarios (each: a Linear(4, 3) trained by SGD on fixed batches for 9 iterations, some with inf or
NaN in the input, so that the scaled gradients overflow):
- default: PyTorch's defaults but growth_interval 3: every iteration's loss, whether the step ran,
  the scale and growth tracker after update(), the state_dict, and the weights after the step.
- odd_factors: growth 1.7, backoff 0.3 (not powers of two: the double-then-float rounding shows),
  with an explicit unscale_() before step() on odd iterations (the unscaled gradients recorded).
- clamp: init_scale 2**127, growth_interval 1: a growth to 2**128 (inf in float32) is refused.
"""
import json
import math

import torch
from _common import encode, fixture_path
import torch.cuda.amp.grad_scaler as grad_scaler_module
from torch.cuda.amp import GradScaler

OUT = fixture_path("amp.json")
ITERATIONS = 9


def non_finite_check_and_unscale_(grads, found_inf, inv_scale):
    for g in grads:
        if not torch.isfinite(g).all():
            found_inf.fill_(1.0)
        if g.dtype in (torch.float32, torch.float64):
            g.mul_(inv_scale.reshape(()))
        else:
            g.copy_(g.float() * inv_scale.reshape(()))


def update_scale_(current_scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
    # Python floats are doubles: float(scale) * factor is the kernel's double product; fill_ rounds it to float.
    if found_inf.item():
        current_scale.fill_(current_scale.item() * backoff_factor)
        growth_tracker.fill_(0)
    else:
        successful = growth_tracker.item() + 1
        if successful == growth_interval:
            new_scale = torch.tensor(current_scale.item() * growth_factor, dtype=torch.float32).item()
            if math.isfinite(new_scale):
                current_scale.fill_(new_scale)
            growth_tracker.fill_(0)
        else:
            growth_tracker.fill_(successful)
    return current_scale


torch._amp_foreach_non_finite_check_and_unscale_ = non_finite_check_and_unscale_
torch._amp_update_scale_ = update_scale_


class CpuReplicator(grad_scaler_module._MultiDeviceReplicator):
    def __init__(self, master_tensor):  # the original asserts is_cuda; nothing else differs
        self.master = master_tensor
        self._per_device_tensors = {}


grad_scaler_module._MultiDeviceReplicator = CpuReplicator


class CpuGradScaler(GradScaler):
    def __init__(self, **kwargs):
        # 1.13's __init__ disables the scaler (and sets none of its fields) when CUDA is absent.
        absent = grad_scaler_module.amp_definitely_not_available
        grad_scaler_module.amp_definitely_not_available = lambda: False
        try:
            super().__init__(**kwargs)
        finally:
            grad_scaler_module.amp_definitely_not_available = absent

    def scale(self, outputs):
        if self._scale is None:
            self._lazy_init_scale_growth_tracker(outputs.device)
        return outputs * self._scale.to(device=outputs.device, non_blocking=True)


def batches():
    g = torch.Generator().manual_seed(13)
    out = []
    for i in range(ITERATIONS):
        x = torch.randn(5, 4, generator=g)
        if i in (3, 8):
            x[1, 2] = 1e35  # finite, but times the scale it overflows float32
        if i == 6:
            x[0, 0] = float("nan")
        out.append(x)
    return out


def initial():
    torch.manual_seed(7)
    m = torch.nn.Linear(4, 3)
    return {"weight": m.weight.detach().clone(), "bias": m.bias.detach().clone()}


def run(options, unscale_odd=False):
    start = initial()
    model = torch.nn.Linear(4, 3)
    with torch.no_grad():
        model.weight.copy_(start["weight"])
        model.bias.copy_(start["bias"])
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    scaler = CpuGradScaler(**options)
    steps = []
    for i, x in enumerate(batches()):
        opt.zero_grad(set_to_none=True)
        loss = model(x).pow(2).mean()
        scaled = scaler.scale(loss)
        scaled.backward()
        record = {"loss": loss.item(), "scaled": encode(scaled)}
        if unscale_odd and i % 2 == 1:
            scaler.unscale_(opt)
            record["unscaled_weight_grad"] = encode(model.weight.grad)
        before = model.weight.detach().clone()
        scaler.step(opt)
        record["stepped"] = not torch.equal(before, model.weight.detach())
        scaler.update()
        record["scale"] = scaler.get_scale()
        record["state_dict"] = scaler.state_dict()
        record["weight"] = encode(model.weight)
        record["bias"] = encode(model.bias)
        steps.append(record)
    return {"options": options, "steps": steps}


def finite_json(value):
    """JSON has no inf or NaN: they are stored as the strings "Infinity", "-Infinity" and "NaN"."""
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: finite_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_json(v) for v in value]
    return value


def main():
    fixture = {
        "initial": {k: encode(v) for k, v in initial().items()},
        "batches": [encode(x) for x in batches()],
        "default": run({"growth_interval": 3}),
        "odd_factors": run({"init_scale": 1000.0, "growth_factor": 1.7, "backoff_factor": 0.3, "growth_interval": 2}, unscale_odd=True),
        "clamp": run({"init_scale": 2.0 ** 127, "growth_interval": 1}),
        "defaults_state_dict": CpuGradScaler().state_dict(),
    }
    with open(OUT, "w") as f:
        json.dump(finite_json(fixture), f, indent=1, allow_nan=False)
        f.write("\n")


if __name__ == "__main__":
    main()
