#!/usr/bin/python3
"""Golden fixtures for smoothlab's vision transforms, computed by torchvision 0.14 (Debian's
python3-torchvision) on uint8 tensors; run by scripts/make_goldens.py (`augment`); writes
test/fixtures/augment.json.

What it records:
- every AutoAugment op (torchvision's own _apply_op, nearest interpolation, fill None as
  AutoAugment passes it) at several magnitudes and both signs, on four small fixed images;
- whole random transforms (AutoAugment with each policy, RandAugment, TrivialAugmentWide,
  RandomHorizontalFlip + AutoAugment, RandomCrop) after torch.manual_seed, so that the TypeScript
  side, drawing from its own mt19937 with the same seed, must take the same random decisions;
- the magnitude tables, the uint8 -> float32 conversion and Normalize, RandomErasing's rectangles,
  and raw draws of torch.Generator.
Op outputs are stored once, compactly (all concatenated, zlib-compressed, base64); pipeline
outputs only by SHA-256, since they must match exactly and the op cases already locate a bug.
"""
import base64
import hashlib
import json
import math
import os
import zlib

import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from torchvision.transforms.autoaugment import _apply_op

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "augment.json")


class Blob:
    """Collects byte strings; cases refer to them by offset and length."""

    def __init__(self):
        self.parts = []
        self.size = 0

    def add(self, t):
        data = t.contiguous().numpy().tobytes()
        ref = {"offset": self.size, "length": len(data)}
        self.parts.append(data)
        self.size += len(data)
        return ref

    def encode(self):
        return base64.b64encode(zlib.compress(b"".join(self.parts), 9)).decode("ascii")


def structured(c, h, w):
    """Gradients, a bright disc, a dark bar and a little texture: edges in every direction."""
    y = torch.arange(h, dtype=torch.float64).view(h, 1).expand(h, w)
    x = torch.arange(w, dtype=torch.float64).view(1, w).expand(h, w)
    planes = []
    for k in range(c):
        v = 30 + 180 * (x / max(w - 1, 1)) * (0.5 + 0.5 * k / max(c - 1, 1)) + 40 * (y / max(h - 1, 1))
        disc = ((x - 0.62 * w) ** 2 + (y - 0.35 * h) ** 2) < (0.22 * min(h, w)) ** 2
        v = torch.where(disc, torch.full_like(v, 235.0 - 20 * k), v)
        bar = (y > 0.7 * h) & (y < 0.8 * h) & (x > 0.15 * w)
        v = torch.where(bar, torch.full_like(v, 12.0 + 9 * k), v)
        v = v + 6 * torch.sin(1.7 * x + 0.9 * y + k)
        planes.append(v)
    return torch.stack(planes).round().clamp(0, 255).to(torch.uint8)


def natural(c, h, w):
    """A low-contrast smooth image (values about 70..170) with a few repeated levels: what
    autocontrast and equalize act on."""
    y = torch.arange(h, dtype=torch.float64).view(h, 1).expand(h, w)
    x = torch.arange(w, dtype=torch.float64).view(1, w).expand(h, w)
    planes = [120 + 35 * torch.sin(0.31 * x + 0.7 * k) * torch.cos(0.23 * y - 0.4 * k) + 12 * torch.cos(0.9 * x * y / w + k)
              for k in range(c)]
    return torch.stack(planes).round().clamp(0, 255).to(torch.uint8)


IMAGES = {
    "structured32": structured(3, 32, 32),
    "natural32": natural(3, 32, 32),
    "small12x10": structured(3, 12, 10),
    "gray12": natural(1, 12, 12),
}

SIGNED = ["ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate", "Brightness", "Color", "Contrast", "Sharpness"]
GEOMETRIC = {"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"}


def op_cases(blob):
    """Every op of AutoAugment's space at several magnitude bins (of 10) and both signs."""
    cases = []
    plans = {
        "structured32": ([2, 5, 9], True),
        "natural32": ([9], False),
        "small12x10": ([4, 9], True),
        "gray12": ([9], True),
    }
    for name, (bins, geometric) in plans.items():
        img = IMAGES[name]
        _, h, w = img.shape
        space = T.AutoAugment()._augmentation_space(10, (h, w))
        todo = []
        for op in SIGNED:
            if op in GEOMETRIC and not geometric:
                continue
            for b in bins:
                m = float(space[op][0][b].item())
                todo += [(op, m), (op, -m)]
        posterize_bits = sorted({int(v) for v in space["Posterize"][0].tolist()})
        todo += [("Posterize", float(b)) for b in posterize_bits]
        todo += [("Solarize", float(space["Solarize"][0][b].item())) for b in (0, 3, 6, 9)]
        todo += [("AutoContrast", 0.0), ("Equalize", 0.0), ("Invert", 0.0), ("Identity", 0.0)]
        for op, m in todo:
            out = _apply_op(img, op, m, interpolation=InterpolationMode.NEAREST, fill=None)
            cases.append({"image": name, "op": op, "magnitude": m, "output": blob.add(out)})
    # A fill colour and bilinear sampling, which AutoAugment allows but does not use by default.
    img = IMAGES["structured32"]
    for op, m in [("Rotate", 23.0), ("ShearX", -0.25), ("TranslateY", -9.0)]:
        out = _apply_op(img, op, m, interpolation=InterpolationMode.NEAREST, fill=[10.0, 127.5, 250.0])
        cases.append({"image": "structured32", "op": op, "magnitude": m, "fill": [10.0, 127.5, 250.0], "output": blob.add(out)})
    for op, m in [("Rotate", 17.0), ("ShearY", 0.2)]:
        out = _apply_op(img, op, m, interpolation=InterpolationMode.BILINEAR, fill=None)
        cases.append({"image": "structured32", "op": op, "magnitude": m, "interpolation": "bilinear", "output": blob.add(out)})
    return cases


def digest(t):
    """A pipeline output by its SHA-256: the op cases hold bytes for diagnosis; here equality is all."""
    data = t.contiguous().numpy().tobytes()
    return {"sha256": hashlib.sha256(data).hexdigest(), "length": len(data)}


def pipeline(name, transform, seed, inputs):
    torch.manual_seed(seed)
    return {"name": name, "seed": seed, "inputs": inputs, "outputs": [digest(transform(IMAGES[i])) for i in inputs]}


def pipelines():
    alt = lambda n: ["structured32" if k % 2 == 0 else "natural32" for k in range(n)]
    P = T.AutoAugmentPolicy
    return [
        pipeline("AutoAugment(CIFAR10)", T.AutoAugment(P.CIFAR10), 7, alt(16)),
        pipeline("AutoAugment(IMAGENET)", T.AutoAugment(P.IMAGENET), 11, alt(8)),
        pipeline("AutoAugment(SVHN)", T.AutoAugment(P.SVHN), 12, alt(8)),
        pipeline("RandAugment()", T.RandAugment(), 13, alt(8)),
        pipeline("RandAugment(numOps=3,magnitude=5)", T.RandAugment(num_ops=3, magnitude=5), 14, alt(6)),
        pipeline("TrivialAugmentWide()", T.TrivialAugmentWide(), 15, alt(10)),
        pipeline("RandomHorizontalFlip+AutoAugment(CIFAR10)", T.Compose([T.RandomHorizontalFlip(), T.AutoAugment(P.CIFAR10)]), 16, alt(10)),
        pipeline("RandomCrop(32,padding=4,reflect)", T.RandomCrop(32, padding=4, padding_mode="reflect"), 17, alt(4)),
        pipeline("RandomCrop(32,padding=4)", T.RandomCrop(32, padding=4), 18, alt(4)),
        pipeline("RandomCrop(24)", T.RandomCrop(24), 19, alt(3)),
    ]


def tables():
    out = {}
    for name, space in [
        ("AutoAugment/10/32x32", T.AutoAugment()._augmentation_space(10, (32, 32))),
        ("AutoAugment/10/12x10", T.AutoAugment()._augmentation_space(10, (12, 10))),
        ("RandAugment/31/32x32", T.RandAugment()._augmentation_space(31, (32, 32))),
        ("RandAugment/17/32x32", T.RandAugment()._augmentation_space(17, (32, 32))),
        ("TrivialAugmentWide/31", T.TrivialAugmentWide()._augmentation_space(31)),
    ]:
        out[name] = {op: [float(v) for v in (m.flatten().tolist())] for op, (m, signed) in space.items()}
    return out


def conversions():
    ramp = torch.arange(256, dtype=torch.uint8).repeat(3).view(3, 1, 256)
    as_float = F.convert_image_dtype(ramp, torch.float32)
    mean, std = [0.4914, 0.4822, 0.4465], [0.2470, 0.2435, 0.2616]
    normalized = F.normalize(as_float, mean, std)
    back = F.convert_image_dtype(torch.linspace(0, 1, 1001, dtype=torch.float32).view(1, 1, 1001), torch.uint8)
    enc = lambda t: base64.b64encode(t.contiguous().numpy().tobytes()).decode("ascii")
    return {"mean": mean, "std": std, "toFloat": enc(as_float), "normalized": enc(normalized), "toUint8": enc(back)}


def erasing():
    img = torch.zeros(3, 32, 32)
    rows = []
    for seed in range(12):
        torch.manual_seed(seed)
        p = float(torch.rand(1).item())
        i, j, h, w, _ = T.RandomErasing.get_params(img, scale=(0.02, 0.33), ratio=(0.3, 3.3), value=[0])
        rows.append({"seed": seed, "p": p, "rect": [i, j, h, w]})
    return rows


def draws():
    out = []
    for seed in [0, 1, 42, 2**32 + 5, 67280421310721]:
        g = torch.Generator().manual_seed(seed)
        out.append({
            "seed": str(seed),
            "randint25": torch.randint(25, (8,), generator=g).tolist(),
            "rand": torch.rand((6,), generator=g).tolist(),
            "randint_5_17": torch.randint(5, 17, (4,), generator=g).tolist(),
            "randperm20": torch.randperm(20, generator=g).tolist(),
            "uniform": torch.empty(6).uniform_(0.02, 0.33, generator=g).tolist(),
        })
    return out


def main():
    blob = Blob()
    fixture = {
        "torchvision": torchvision.__version__,
        "torch": torch.__version__,
        "images": {k: {"shape": list(v.shape), "data": blob.add(v)} for k, v in IMAGES.items()},
        "ops": op_cases(blob),
        "pipelines": pipelines(),
        "tables": tables(),
        "conversions": conversions(),
        "erasing": erasing(),
        "draws": draws(),
    }
    fixture["blob"] = blob.encode()
    with open(OUT, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(OUT)}: {len(fixture['ops'])} op cases, {len(fixture['pipelines'])} pipelines, "
          f"{blob.size} image bytes -> {len(fixture['blob'])} base64 characters")


if __name__ == "__main__":
    main()
