#!/usr/bin/python3
"""Golden fixtures for smoothlab's nn modules and vision models, computed by PyTorch 1.13 and
torchvision 0.14 (Debian's python3-torch / python3-torchvision, the libtorch the addon links).
Run by scripts/make_goldens.py (npm run goldens -- nn). Writes:

- test/fixtures/nn.json: state-dict keys and shapes of torchvision's resnet18/34/50; per-tensor
  SHA-256 of the initial weights after manual_seed (so the tests can demand bit equality without
  storing weights); logits, loss, gradient and running-statistics digests of one training step
  (train mode) and one eval-mode step; nn.init draws; BatchNorm corner cases; pickles of many
  Python values (protocols 0-5, NumPy arrays); expected contents of the .pth fixtures below.
- test/fixtures/nn_checkpoint.pth, nn_checkpoint_wrapped.pth, nn_legacy.pth, nn_full_model.pth:
  tiny torch.save files (zip format, wrapped state dict, legacy format, a pickled nn.Module).
- test/fixtures/nn_resnet18_strided.pth: a complete torchvision resnet18 state dict whose tensors
  are stride-0 views of small storages, so the file stays ~100 KB (the transfer-learning test).
- test/fixtures/nn_summary.json: torchinfo 1.8.0 tables, only when torchinfo is importable (it is
  not a Debian package: run with PYTHONPATH pointing at a torchinfo 1.8.0 checkout); otherwise
  the committed file is kept.
"""
import base64
import collections
import hashlib
import io
import json
import math
import os
import pickle
import zipfile

import numpy as np
import torch
from _common import FIXTURES, encode
import torch.nn as nn
import torch.nn.functional as F
import torchvision.models as tv
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet

HERE = os.path.dirname(__file__)


def digest(t):
    """SHA-256 of the raw little-endian bytes (bit equality), plus numbers to diagnose a mismatch."""
    t = t.detach().contiguous()
    flat = t.flatten()
    return {
        "sha256": hashlib.sha256(t.numpy().tobytes()).hexdigest(),
        "shape": list(t.shape),
        "sum": flat.double().sum().item(),
        "norm": flat.double().norm().item(),
        "head": flat[:4].double().tolist(),
    }


# ---- models ----

class StemResNet(ResNet):
    """torchvision's ResNet.__init__ (0.14) with smoothlab's extra options: in_channels and
    stem='cifar' (3x3 stride-1 conv1, Identity instead of the max-pool), built in the same order.
    main() checks that the 'imagenet' stem reproduces torchvision's weights bit for bit."""

    def __init__(self, block, layers, num_classes=1000, zero_init_residual=False, in_channels=3, stem="imagenet"):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes = 64
        self.dilation = 1
        self.groups = 1
        self.base_width = 64
        if stem == "cifar":
            self.conv1 = nn.Conv2d(in_channels, self.inplanes, kernel_size=3, stride=1, padding=1, bias=False)
        else:
            self.conv1 = nn.Conv2d(in_channels, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.Identity() if stem == "cifar" else nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, 64, layers[0])
        self.layer2 = self._make_layer(block, 128, layers[1], stride=2)
        self.layer3 = self._make_layer(block, 256, layers[2], stride=2)
        self.layer4 = self._make_layer(block, 512, layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512 * block.expansion, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, (nn.BatchNorm2d, nn.GroupNorm)):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck) and m.bn3.weight is not None:
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock) and m.bn2.weight is not None:
                    nn.init.constant_(m.bn2.weight, 0)


def shared_relu_net():
    """A residual net whose blocks call one ReLU twice, for summary()'s shared-module rows
    (test/nn/shared_relu_net.ts); its classes keep the names the committed torchinfo table shows."""

    class ResidualBlock(nn.Module):
        """A residual block that calls one ReLU twice, for summary()'s shared-module rows (test/nn/shared_relu_net.ts)."""

        def __init__(self, in_channels, out_channels, stride=1, dropout=0.2):
            super().__init__()
            self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(out_channels)
            self.relu = nn.ReLU(inplace=True)
            self.dropout = nn.Dropout2d(dropout)
            self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(out_channels)
            if stride != 1 or in_channels != out_channels:
                self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False), nn.BatchNorm2d(out_channels))
            else:
                self.shortcut = nn.Sequential()

        def forward(self, x):
            out = self.dropout(self.relu(self.bn1(self.conv1(x))))
            out = self.bn2(self.conv2(out))
            out += self.shortcut(x)
            return self.relu(out)


    class CourseNet(nn.Module):
        def __init__(self, num_classes=10, in_channels=3, dropout=0.2):
            super().__init__()
            self.stem = nn.Sequential(nn.Conv2d(in_channels, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32), nn.ReLU(inplace=True))
            self.blocks = nn.Sequential(
                ResidualBlock(32, 32, dropout=dropout), ResidualBlock(32, 64, 2, dropout), ResidualBlock(64, 64, dropout=dropout),
                ResidualBlock(64, 128, 2, dropout), ResidualBlock(128, 128, dropout=dropout))
            self.pool = nn.AdaptiveAvgPool2d(1)
            self.fc = nn.Linear(128, num_classes)
            for m in self.modules():
                if isinstance(m, nn.Conv2d):
                    nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                elif isinstance(m, nn.BatchNorm2d):
                    nn.init.constant_(m.weight, 1)
                    nn.init.constant_(m.bias, 0)

        def forward(self, x):
            return self.fc(torch.flatten(self.pool(self.blocks(self.stem(x))), 1))

    return CourseNet()


class ResidualBlock(nn.Module):
    """The course's ResidualBlock(numChnl), as its DeepLearningPyTorch.py defines it."""

    def __init__(self, numChnl):
        super().__init__()
        self.oConv2D1 = nn.Conv2d(numChnl, numChnl, kernel_size=3, padding=1, bias=False)
        self.oBatchNorm1 = nn.BatchNorm2d(numChnl)
        self.oReLU1 = nn.ReLU(inplace=True)
        self.oConv2D2 = nn.Conv2d(numChnl, numChnl, kernel_size=3, padding=1, bias=False)
        self.oBatchNorm2 = nn.BatchNorm2d(numChnl)
        self.oReLU2 = nn.ReLU(inplace=True)

    def forward(self, tX):
        tY = self.oReLU1(self.oBatchNorm1(self.oConv2D1(tX)))
        tY = self.oBatchNorm2(self.oConv2D2(tY))
        tY += tX
        return self.oReLU2(tY)


def InitWeightsKaiNorm(oLayer):
    if isinstance(oLayer, (nn.Linear, nn.Conv2d)):
        nn.init.kaiming_normal_(oLayer.weight.data)


def BuildModel(numChnl=128, numCls=10, inChnl=3, dropP=0.2):
    """The notebook's commented-out BuildModel(numChnl) (smoothlab's vision/models/course_net.ts)."""
    oModel = nn.Sequential(
        nn.Conv2d(inChnl, numChnl, 3, padding=1, bias=False), nn.BatchNorm2d(numChnl), nn.ReLU(inplace=True), nn.Dropout2d(dropP),
        nn.Conv2d(numChnl, numChnl, 3, padding=1, bias=False), nn.BatchNorm2d(numChnl), nn.ReLU(inplace=True), nn.MaxPool2d(2), nn.Dropout2d(dropP),
        *[layer for _ in range(5) for layer in (ResidualBlock(numChnl), nn.Dropout2d(dropP))],
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(numChnl, numCls))
    oModel.apply(InitWeightsKaiNorm)
    return oModel


# The model specs both sides build: name -> (constructor, smoothlab call described in the test).
MODELS = {
    "resnet18_c10": lambda: tv.resnet18(num_classes=10),
    "resnet18_cifar_c10": lambda: StemResNet(BasicBlock, [2, 2, 2, 2], num_classes=10, stem="cifar"),
    "resnet18_gray_zero_init": lambda: StemResNet(BasicBlock, [2, 2, 2, 2], num_classes=10, in_channels=1, zero_init_residual=True),
    "resnet34": lambda: tv.resnet34(),
    "resnet50": lambda: tv.resnet50(),
    "course_net": lambda: BuildModel(128),
}


def state_keys():
    out = {}
    for name, fn in [("resnet18", tv.resnet18), ("resnet34", tv.resnet34), ("resnet50", tv.resnet50)]:
        out[name] = [[k, list(v.shape)] for k, v in fn().state_dict().items()]
    out["resnet18_cifar_c10"] = [[k, list(v.shape)] for k, v in MODELS["resnet18_cifar_c10"]().state_dict().items()]
    return out


def initial_weights(seed=2024):
    out = {}
    for name, fn in MODELS.items():
        torch.manual_seed(seed)
        out[name] = {k: digest(v) for k, v in fn().state_dict().items()}
    # The reference class with the ImageNet stem must be torchvision's model, bit for bit.
    torch.manual_seed(seed)
    ours = StemResNet(BasicBlock, [2, 2, 2, 2], num_classes=10).state_dict()
    torch.manual_seed(seed)
    theirs = tv.resnet18(num_classes=10).state_dict()
    assert all(torch.equal(ours[k], theirs[k]) for k in theirs), "StemResNet diverged from torchvision"
    return {"seed": seed, "models": out}


def step(name, train, model_seed=7, input_seed=8, size=32, target=(3, 7), eps=0.1):
    """One forward/backward pass: logits, loss, gradient digests, and the buffers afterwards."""
    torch.manual_seed(model_seed)
    model = MODELS[name]()
    model.train(train)
    torch.manual_seed(input_seed)
    x = torch.randn(2, 3, size, size)
    logits = model(x)
    loss = F.cross_entropy(logits, torch.tensor(list(target)), label_smoothing=eps)
    loss.backward()
    return {
        "model": name, "train": train, "modelSeed": model_seed, "inputSeed": input_seed, "size": size,
        "target": list(target), "labelSmoothing": eps,
        "logits": encode(logits), "loss": loss.item(),
        "grads": {k: digest(p.grad) for k, p in model.named_parameters()},
        "buffers": {k: digest(b.float()) for k, b in model.named_buffers()},
    }


def init_functions():
    torch.manual_seed(11)
    draws = {
        "kaiming_uniform_default": nn.init.kaiming_uniform_(torch.empty(4, 3, 3, 3)),
        "kaiming_uniform_a_sqrt5": nn.init.kaiming_uniform_(torch.empty(6, 5), a=math.sqrt(5)),
        "kaiming_normal_fan_out_relu": nn.init.kaiming_normal_(torch.empty(4, 3, 3, 3), mode="fan_out", nonlinearity="relu"),
        "xavier_uniform_gain2": nn.init.xavier_uniform_(torch.empty(5, 7), gain=2.0),
        "xavier_normal": nn.init.xavier_normal_(torch.empty(5, 7)),
        "uniform_m1_2": nn.init.uniform_(torch.empty(6), -1.0, 2.0),
        "normal_3_05": nn.init.normal_(torch.empty(6), 3.0, 0.5),
        "linear_default": nn.Linear(5, 3).weight,
        "conv_default_bias": nn.Conv2d(2, 3, 3).bias,
    }
    gains = {name: nn.init.calculate_gain(name) for name in ["linear", "relu", "tanh", "sigmoid", "selu", "leaky_relu"]}
    gains["leaky_relu:0.2"] = nn.init.calculate_gain("leaky_relu", 0.2)
    return {"order": list(draws), "draws": {k: encode(v) for k, v in draws.items()}, "gains": gains}


def batchnorm_cases():
    gen = torch.Generator().manual_seed(5)
    xs = [torch.randn(4, 3, 2, 2, generator=gen) * 2 + 1 for _ in range(2)]
    out = {"inputs": [encode(x) for x in xs]}
    bn = nn.BatchNorm2d(3, momentum=None)
    ys = [bn(x) for x in xs]
    out["cumulative"] = {"outputs": [encode(y) for y in ys], "running_mean": encode(bn.running_mean),
                         "running_var": encode(bn.running_var), "num_batches_tracked": bn.num_batches_tracked.item()}
    bn = nn.BatchNorm2d(3, track_running_stats=False).eval()
    out["no_running_stats_eval"] = encode(bn(xs[0]))
    bn = nn.BatchNorm2d(3, affine=False, momentum=0.3)
    bn(xs[0])
    bn.eval()
    out["momentum_0.3_then_eval"] = {"output": encode(bn(xs[1])), "running_mean": encode(bn.running_mean), "running_var": encode(bn.running_var)}
    return out


# ---- pickles ----

def py_json(v):
    """The JSON form the TypeScript test builds from readPickle's result (see test/utils/pickle.test.ts)."""
    if v is None or isinstance(v, (bool, str)):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2 ** 53 else {"bigint": str(v)}
    if isinstance(v, float):
        return {"float": repr(v)} if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, (bytes, bytearray)):
        return {"bytes": list(v)}
    if isinstance(v, list):
        return [py_json(x) for x in v]
    if isinstance(v, tuple):
        return {"tuple": [py_json(x) for x in v]}
    if isinstance(v, (set, frozenset)):
        return {"set": sorted(py_json(x) for x in v)}
    if isinstance(v, dict):
        return {"dict": [[py_json(k), py_json(x)] for k, x in v.items()]}
    if isinstance(v, np.ndarray):
        return {"ndarray": {"dtype": v.dtype.name, "shape": list(v.shape), "data": v.flatten().tolist()}}
    raise TypeError(type(v))


def pickles():
    shared = [1, 2]
    value = collections.OrderedDict([
        ("none", None), ("true", True), ("false", False), ("small", 7), ("byte", 200), ("short", 40000),
        ("neg", -5), ("int32", -2 ** 31), ("int64", 2 ** 40), ("big", 2 ** 70), ("negbig", -(2 ** 70) - 1),
        ("float", 1.5), ("negfloat", -2.25e-7), ("inf", float("inf")),
        ("str", "h\u00e9llo \u20ac\U0001F600"), ("empty", ""), ("long", "x" * 300),
        ("bytes", b"\x00\xff\x10"), ("emptybytes", b""), ("bytearray", bytearray(b"ab")),
        ("list", [1, 2.5, None, "a", [3]]), ("tuple", (1, (2, 3))), ("t1", (1,)), ("t2", (1, 2)), ("t3", (1, 2, 3)),
        ("empty_tuple", ()), ("set", {1, 2, 3}), ("frozenset", frozenset({4})),
        ("dict", {"a": 1, 2: "b", (1, 2): None}), ("shared", [shared, shared]),
        ("many", list(range(1500))),
    ])
    cases = {f"protocol{p}": base64.b64encode(pickle.dumps(value, protocol=p)).decode() for p in range(6)}
    arrays = {
        "u8": np.arange(12, dtype=np.uint8).reshape(3, 4),
        "f32_big_endian": np.array([1.5, -2.0, 3.25], dtype=">f4"),
        "i64": np.array([[1, -2], [3, 2 ** 40]], dtype=np.int64),
        "f64_fortran": np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3)),
        "bool": np.array([True, False, True]),
    }
    numpy_cases = {}
    for p in (2, 4, 5):
        numpy_cases[f"protocol{p}"] = base64.b64encode(pickle.dumps(arrays, protocol=p)).decode()
    batch = {"batch_label": "training batch 1 of 5", "labels": [6, 9], "data": np.arange(2 * 12, dtype=np.uint8).reshape(2, 12),
             "filenames": ["a.png", "b.png"], "scalar": np.int64(5)}
    return {
        "value": py_json(value),
        "cases": cases,
        "numpy": {"value": {k: py_json(v) for k, v in arrays.items()}, "cases": numpy_cases,
                  "batch": base64.b64encode(pickle.dumps(batch, protocol=2)).decode(),
                  "batchValue": {k: py_json(v) if k != "scalar" else 5 for k, v in batch.items()}},
    }


# ---- .pth checkpoints ----

def checkpoint_fixtures():
    torch.manual_seed(3)
    base = torch.randn(8)
    sd = collections.OrderedDict([
        ("conv.weight", torch.randn(2, 3, 3, 3)),
        ("bn.running_mean", torch.randn(2)),
        ("bn.num_batches_tracked", torch.tensor(17)),
        ("transposed", torch.randn(3, 4).t()),
        ("base", base),
        ("offset_view", base[2:6]),
        ("expanded", torch.randn(1, 3).expand(4, 3)),
        ("double", torch.randn(2, 2, dtype=torch.float64)),
        ("half", torch.randn(5).half()),
        ("bfloat16", torch.randn(3).bfloat16()),
        ("int32", torch.tensor([1, -2, 3], dtype=torch.int32)),
        ("uint8", torch.tensor([0, 255, 7], dtype=torch.uint8)),
        ("bool", torch.tensor([True, False])),
        ("scalar", torch.tensor(2.5)),
    ])
    torch.save(sd, os.path.join(FIXTURES, "nn_checkpoint.pth"))
    torch.save({"epoch": 3, "state_dict": sd}, os.path.join(FIXTURES, "nn_checkpoint_wrapped.pth"))
    torch.save(collections.OrderedDict([("w", torch.ones(2))]), os.path.join(FIXTURES, "nn_legacy.pth"), _use_new_zipfile_serialization=False)
    torch.manual_seed(4)
    torch.save(nn.Linear(2, 2), os.path.join(FIXTURES, "nn_full_model.pth"))
    # A deflated copy of the checkpoint (torch.save writes stored entries; users may re-zip).
    src = zipfile.ZipFile(os.path.join(FIXTURES, "nn_checkpoint.pth"))
    deflated = io.BytesIO()
    with zipfile.ZipFile(deflated, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            out.writestr(info.filename, src.read(info.filename))
    expected = {}
    for k, v in sd.items():
        wide = v.float() if v.dtype in (torch.float16, torch.bfloat16) else v  # smoothlab widens half types to float32
        expected[k] = {"dtype": str(v.dtype).replace("torch.", ""), "shape": list(v.shape), "data": wide.flatten().tolist()}
    return {"expected": expected, "deflated": base64.b64encode(deflated.getvalue()).decode()}


def strided_resnet18():
    """A full resnet18 state dict whose tensors are stride-0 views of small storages (a ~100 KB file)."""
    gen = torch.Generator().manual_seed(9)
    sd = collections.OrderedDict()
    for k, v in tv.resnet18().state_dict().items():
        if v.dtype == torch.int64:
            sd[k] = torch.tensor(100)
        elif k.endswith("running_var"):
            sd[k] = torch.rand(v.shape, generator=gen) + 0.5
        elif v.dim() == 1:
            sd[k] = torch.randn(v.shape, generator=gen) * 0.1 + (1.0 if k.endswith("weight") else 0.0)
        else:
            fan_in = v[0].numel()
            row = torch.randn(v.shape[-1], generator=gen) * math.sqrt(2.0 / fan_in)
            sd[k] = row.expand(v.shape)
    torch.save(sd, os.path.join(FIXTURES, "nn_resnet18_strided.pth"))
    # The notebook's transfer model on these weights.
    torch.manual_seed(21)
    model = tv.resnet18()
    model.load_state_dict(sd)
    model.fc = nn.Sequential(nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 10))
    model.eval()
    torch.manual_seed(22)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        logits = model(x)
    return {
        "digests": {k: digest(v.float()) for k, v in sd.items()},
        "transfer": {"modelSeed": 21, "inputSeed": 22, "logits": encode(logits),
                     "head": {k: digest(v) for k, v in model.fc.state_dict().items()}},
    }


# ---- summaries (torchinfo, when available) ----

def summaries():
    try:
        import torchinfo
    except ImportError:
        print("[nn] torchinfo is not importable: keeping the committed test/fixtures/nn_summary.json")
        return
    from torchinfo import summary

    def table(model, size, **kw):
        text = str(summary(model, input_size=size, verbose=0, **kw))
        # torchinfo 1.8.0 on Python >= 3.11 prints the enum ("Units.GIGABYTES") where it means "G".
        for unit, short in [("TERABYTES", "T"), ("GIGABYTES", "G"), ("MEGABYTES", "M")]:
            text = text.replace(f"(Units.{unit})", f"({short})")
        return text

    torch.manual_seed(0)
    frozen = tv.resnet18(num_classes=10)
    for layer in (frozen.layer1, frozen.layer2, frozen.layer3, frozen.layer4):
        layer.requires_grad_(False)
    out = {
        "torchinfo": torchinfo.__version__ if hasattr(torchinfo, "__version__") else "1.8.0",
        "resnet18_torchinfo_defaults": table(tv.resnet18(num_classes=10), (256, 3, 32, 32)),
        "resnet18_smoothlab_defaults": table(tv.resnet18(num_classes=10), (256, 3, 32, 32),
                                             col_names=("kernel_size", "output_size", "num_params"), row_settings=("var_names", "depth")),
        "shared_relu_net_all_columns": table(shared_relu_net(), (2, 3, 32, 32), depth=4,
                                        col_names=("input_size", "output_size", "num_params", "params_percent", "kernel_size", "mult_adds", "trainable")),
        "resnet18_frozen_depth1": table(frozen, (4, 3, 32, 32), depth=1, col_names=("num_params", "trainable", "mult_adds")),
    }
    with open(os.path.join(FIXTURES, "nn_summary.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


# Reductions split across threads add in a different order, so the step digests are for this
# intra-op thread count; the tests set the same one.
THREADS = 2


def main():
    torch.set_num_threads(THREADS)
    out = {
        "torch": torch.__version__,
        "threads": THREADS,
        "keys": state_keys(),
        "init": initial_weights(),
        "steps": [step("resnet18_c10", True), step("resnet18_c10", False), step("resnet18_cifar_c10", True),
                  step("resnet50", True, size=64), step("course_net", False), step("course_net", True)],
        "initFunctions": init_functions(),
        "batchNorm": batchnorm_cases(),
        "pickle": pickles(),
        "checkpoint": checkpoint_fixtures(),
        "strided": strided_resnet18(),
    }
    with open(os.path.join(FIXTURES, "nn.json"), "w") as f:
        json.dump(out, f)
        f.write("\n")
    summaries()
    print(f"wrote {os.path.join(FIXTURES, 'nn.json')} and the nn_*.pth fixtures")


if __name__ == "__main__":
    main()
