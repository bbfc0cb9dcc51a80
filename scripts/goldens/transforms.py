#!/usr/bin/python3
"""Golden fixtures for smoothlab's geometry and colour transforms, computed by torchvision 0.14
(Debian's python3-torchvision) on uint8 and float32 tensors; run by scripts/make_goldens.py
(`transforms`); writes test/fixtures/transforms.json.

What it records:
- the functional kernels (resize nearest and bilinear with and without max_size, center_crop
  with and without padding, resized_crop, pad in every mode and padding form, adjust_hue,
  gaussian_blur, and ColorJitter's brightness, contrast and saturation) on small fixed images of
  odd sizes, 1 and 3 channels, uint8 and float32;
- torchvision's 1-D Gaussian kernels (_get_gaussian_kernel1d) for several sizes and sigmas;
- the random classes (RandomCrop with every padding form and mode, RandomResizedCrop including
  its fallback, ColorJitter, GaussianBlur, and a Compose of them) after torch.manual_seed(seed)
  for several seeds, one call per image of a sequence (uint8, and float32 for one configuration
  of each), with the parameters each call drew.
uint8 kernel outputs are stored as bytes (concatenated, zlib-compressed, base64), float32 ones and
random-transform outputs as SHA-256 digests (the parameters of each call locate a difference).
"""
import json
import os

import torch
import torchvision
import torchvision.transforms as T
import torchvision.transforms.functional as F
from torchvision.transforms import InterpolationMode
from torchvision.transforms.functional_tensor import _get_gaussian_kernel1d

from _common import fixture_path
from augment import Blob, digest, natural, structured

MODES = {"nearest": InterpolationMode.NEAREST, "bilinear": InterpolationMode.BILINEAR}


def noise(c, h, w):
    """Uniform random bytes with some grey, two-equal and saturated pixels: every branch of
    _rgb2hsv (which channel is the maximum, ties, max == min) and every hue sector."""
    g = torch.Generator().manual_seed(2022)
    img = torch.randint(0, 256, (c, h, w), generator=g, dtype=torch.uint8)
    img[:, 0, 0] = 128
    img[:, 0, 1] = torch.tensor([200, 200, 30], dtype=torch.uint8)
    img[:, 0, 2] = torch.tensor([30, 200, 200], dtype=torch.uint8)
    img[:, 0, 3] = torch.tensor([200, 30, 200], dtype=torch.uint8)
    img[:, 1, 0] = torch.tensor([255, 0, 0], dtype=torch.uint8)
    img[:, 1, 1] = torch.tensor([0, 0, 0], dtype=torch.uint8)
    img[:, 1, 2] = torch.tensor([255, 255, 255], dtype=torch.uint8)
    return img


IMAGES = {
    "rgb13x11": structured(3, 13, 11),
    "rgb9x16": natural(3, 9, 16),
    "gray11x7": structured(1, 11, 7),
    "noise9x13": noise(3, 9, 13),
    # Large enough (padded, over 20480 values) for libtorch to blur one channel with oneDNN.
    "gray151x143": natural(1, 151, 143),
}
SEQUENCE = ["rgb13x11", "rgb9x16", "gray11x7", "noise9x13"]


def as_dtype(name, dtype):
    img = IMAGES[name]
    return img if dtype == "uint8" else F.convert_image_dtype(img, torch.float32)


def functional_cases(blob):
    cases = []

    def add(fn, image, dtype, args, out):
        # uint8 outputs as bytes, to locate a difference; float32 outputs (whose uint8 twins
        # locate it already) and the large image's by digest.
        stored = digest(out) if out.dtype != torch.uint8 or out.numel() > 4096 else {"output": blob.add(out)}
        cases.append({"fn": fn, "image": image, "dtype": dtype, "args": args, "shape": list(out.shape), **stored})

    resize_sizes = [[7], [20], [5, 17], [26, 22], [18, 32], [4, 3], [13, 11], [1, 1], [9, 23]]
    for name in SEQUENCE:
        for dtype in ["uint8", "float32"] if name in ("rgb13x11", "noise9x13") else ["uint8"]:
            img = as_dtype(name, dtype)
            for mode in MODES:
                for size in resize_sizes:
                    add("resize", name, dtype, {"size": size, "interpolation": mode}, F.resize(img, size, MODES[mode]))
                for size, max_size in [(7, 9), (5, 12), (12, 14)]:
                    out = F.resize(img, size, MODES[mode], max_size=max_size)
                    add("resize", name, dtype, {"size": size, "interpolation": mode, "maxSize": max_size}, out)

    for name in SEQUENCE:
        # A float32 crop is a view whose strides pick libtorch's bilinear kernel: 1 channel covers both.
        for dtype in ["uint8", "float32"] if name in ("noise9x13", "gray11x7") else ["uint8"]:
            img = as_dtype(name, dtype)
            for size in [5, [8, 3], [13, 11], [16, 14], [20, 6], [4, 12], [1], [10, 17]]:
                add("centerCrop", name, dtype, {"size": size}, F.center_crop(img, size))
            for top, left, h, w, size in [(2, 1, 7, 6, [9, 9]), (0, 0, 5, 7, [5, 7]), (-2, -1, 8, 9, [5, 7]), (3, 2, 6, 4, 8), (1, 1, 4, 5, [11, 3]), (4, 5, 1, 1, [3, 2]), (2, 0, 6, 7, [9, 5])]:
                for mode in MODES:
                    out = F.resized_crop(img, top, left, h, w, size, MODES[mode])
                    add("resizedCrop", name, dtype, {"top": top, "left": left, "height": h, "width": w, "size": size, "interpolation": mode}, out)

    paddings = [1, [2], [2, 1], [1, 2, 3, 0], [0, 3, 1, 2], [-1, 2, 3, -2], [3, 0], [6, 6]]
    for name in ["rgb13x11", "gray11x7", "noise9x13"]:
        for dtype in ["uint8", "float32"] if name == "gray11x7" else ["uint8"]:
            img = as_dtype(name, dtype)
            for padding in paddings:
                for mode, fill in [("constant", 0), ("constant", 37), ("edge", 0), ("reflect", 0), ("symmetric", 0)]:
                    if mode == "reflect" and max(padding if isinstance(padding, list) else [padding]) >= 6:
                        continue  # reflect padding must be smaller than the image
                    fill = fill if dtype == "uint8" else fill / 255
                    out = F.pad(img, padding, fill=fill, padding_mode=mode)
                    add("pad", name, dtype, {"padding": padding, "fill": fill, "paddingMode": mode}, out)

    for name in ["rgb13x11", "rgb9x16", "noise9x13", "gray11x7"]:
        for dtype in ["uint8", "float32"] if name in ("noise9x13", "rgb13x11") else ["uint8"]:
            img = as_dtype(name, dtype)
            for factor in [-0.5, -0.37, -0.1, 0.0, 0.02, 0.25, 0.4999, 0.5]:
                add("adjustHue", name, dtype, {"factor": factor}, F.adjust_hue(img, factor))

    # ColorJitter's other kernels, here for float32 (augment.py has them on uint8 only).
    for name in SEQUENCE:
        for dtype in ["uint8", "float32"]:
            img = as_dtype(name, dtype)
            for fn, kernel, factors in [("adjustBrightness", F.adjust_brightness, [0.0, 0.37, 1.6]), ("adjustContrast", F.adjust_contrast, [0.0, 0.5, 1.7]),
                                        ("adjustSaturation", F.adjust_saturation, [0.0, 0.4, 1.9])]:
                for factor in factors:
                    add(fn, name, dtype, {"factor": factor}, kernel(img, factor))

    blurs = [(3, None), (5, None), ([3, 5], [0.8, 1.7]), ([7, 3], [2.0, 0.5]), (5, [0.1, 0.1]), ([1, 5], [1.0, 1.0]), (9, [3.0, 3.0]), (5, [0.63, 0.63])]
    for name in IMAGES:
        for dtype in ["uint8", "float32"] if name in ("noise9x13", "gray11x7") else ["uint8"]:
            img = as_dtype(name, dtype)
            for kernel, sigma in blurs if name != "gray151x143" else [(3, [1.2, 1.2]), ([1, 3], [0.7, 0.7])]:
                ks = kernel if isinstance(kernel, list) else [kernel, kernel]
                if ks[0] // 2 >= img.shape[-1] or ks[1] // 2 >= img.shape[-2]:
                    continue
                add("gaussianBlur", name, dtype, {"kernelSize": kernel, "sigma": sigma}, F.gaussian_blur(img, kernel, sigma))
    return cases


def kernels():
    g = torch.Generator().manual_seed(5)
    drawn = torch.empty(6).uniform_(0.1, 2.0, generator=g).tolist()
    rows = []
    for size in [1, 3, 5, 7, 9, 11, 15, 21, 33]:
        for sigma in [0.1, 0.5, 0.8, 1.0, 1.3, 2.0, 3.7, size * 0.15 + 0.35] + drawn:
            rows.append({"size": size, "sigma": sigma, "values": _get_gaussian_kernel1d(size, sigma).tolist()})
    return rows


# Each random case: the TypeScript class and constructor arguments (camelCase), the torchvision
# transform, and how to replay the parameters its forward() draws.
def random_specs():
    crop_params = lambda t: lambda img: list(T.RandomCrop.get_params(_padded(t, img), t.size))
    rrc_params = lambda t: lambda img: list(T.RandomResizedCrop.get_params(img, t.scale, t.ratio))

    def jitter_params(t):
        def draw(img):
            order, b, c, s, h = T.ColorJitter.get_params(t.brightness, t.contrast, t.saturation, t.hue)
            return {"order": order.tolist(), "brightness": b, "contrast": c, "saturation": s, "hue": h}
        return draw

    blur_params = lambda t: lambda img: [T.GaussianBlur.get_params(t.sigma[0], t.sigma[1])]
    specs = [
        ("RandomCrop", [9, {"padding": 2}], T.RandomCrop(9, padding=2), crop_params),
        ("RandomCrop", [[8, 9], {"padding": [1, 3], "paddingMode": "reflect"}], T.RandomCrop((8, 9), padding=[1, 3], padding_mode="reflect"), crop_params),
        ("RandomCrop", [10, {"padding": [1, 2, 3, 4], "paddingMode": "symmetric"}], T.RandomCrop(10, padding=[1, 2, 3, 4], padding_mode="symmetric"), crop_params),
        ("RandomCrop", [[7, 5], {"padding": 3, "paddingMode": "edge"}], T.RandomCrop((7, 5), padding=3, padding_mode="edge"), crop_params),
        ("RandomCrop", [[16, 14], {"padIfNeeded": True, "fill": 99}], T.RandomCrop((16, 14), pad_if_needed=True, fill=99), crop_params),
        ("RandomCrop", [[14, 12], {"padding": 1, "padIfNeeded": True, "paddingMode": "symmetric"}], T.RandomCrop((14, 12), padding=1, pad_if_needed=True, padding_mode="symmetric"), crop_params),
        ("RandomCrop", [7, {}], T.RandomCrop(7), crop_params),
        ("RandomResizedCrop", [7, {}], T.RandomResizedCrop(7), rrc_params),
        ("RandomResizedCrop", [[5, 9], {"scale": [0.5, 1.0], "ratio": [0.5, 2.0], "interpolation": "nearest"}],
         T.RandomResizedCrop((5, 9), scale=(0.5, 1.0), ratio=(0.5, 2.0), interpolation=InterpolationMode.NEAREST), rrc_params),
        ("RandomResizedCrop", [6, {"scale": [0.9, 1.0], "ratio": [3.0, 4.0]}], T.RandomResizedCrop(6, scale=(0.9, 1.0), ratio=(3.0, 4.0)), rrc_params),
        ("RandomResizedCrop", [[8, 10], {"scale": [0.08, 1.0], "ratio": [0.3, 3.3]}], T.RandomResizedCrop((8, 10), scale=(0.08, 1.0), ratio=(0.3, 3.3)), rrc_params),
        ("ColorJitter", [{"brightness": 0.4, "contrast": 0.4, "saturation": 0.4, "hue": 0.1}], T.ColorJitter(0.4, 0.4, 0.4, 0.1), jitter_params),
        ("ColorJitter", [{"hue": 0.5}], T.ColorJitter(hue=0.5), jitter_params),
        ("ColorJitter", [{"brightness": [0.2, 1.8], "saturation": [0.0, 2.0]}], T.ColorJitter(brightness=(0.2, 1.8), saturation=(0.0, 2.0)), jitter_params),
        ("ColorJitter", [{"contrast": 0.8, "hue": [-0.3, 0.05]}], T.ColorJitter(contrast=0.8, hue=(-0.3, 0.05)), jitter_params),
        ("GaussianBlur", [3, {}], T.GaussianBlur(3), blur_params),
        ("GaussianBlur", [[5, 3], {"sigma": [0.5, 3.0]}], T.GaussianBlur((5, 3), sigma=(0.5, 3.0)), blur_params),
        ("GaussianBlur", [5, {"sigma": 1.5}], T.GaussianBlur(5, sigma=1.5), blur_params),
    ]
    return specs


def _padded(t, img):
    """The image RandomCrop.forward crops from (its padding steps), for replaying get_params."""
    if t.padding is not None:
        img = F.pad(img, t.padding, t.fill, t.padding_mode)
    _, h, w = F.get_dimensions(img)
    if t.pad_if_needed and w < t.size[1]:
        img = F.pad(img, [t.size[1] - w, 0], t.fill, t.padding_mode)
    if t.pad_if_needed and h < t.size[0]:
        img = F.pad(img, [0, t.size[0] - h], t.fill, t.padding_mode)
    return img


SEEDS = [0, 1, 2, 3, 7, 42]


FLOAT_RUNS = {("ColorJitter", 0), ("RandomResizedCrop", 0), ("GaussianBlur", 1), ("RandomCrop", 3)}


def random_cases():
    cases = []
    counts = {}
    for name, args, transform, replay in random_specs():
        k = counts[name] = counts.get(name, -1) + 1
        for dtype in ["uint8", "float32"] if (name, k) in FLOAT_RUNS else ["uint8"]:
            for seed in SEEDS:
                torch.manual_seed(seed)
                outs = [transform(as_dtype(i, dtype)) for i in SEQUENCE]
                torch.manual_seed(seed)
                draw = replay(transform)
                params = [draw(as_dtype(i, dtype)) for i in SEQUENCE]
                outputs = [{"shape": list(o.shape), **digest(o)} for o in outs]
                cases.append({"name": name, "args": args, "dtype": dtype, "seed": seed, "inputs": SEQUENCE, "params": params, "outputs": outputs})
    # A whole pipeline: the draws of each step must interleave as in torchvision.
    pipeline = T.Compose([T.RandomResizedCrop(8), T.RandomHorizontalFlip(), T.ColorJitter(0.4, 0.4, 0.4, 0.1)])
    for seed in SEEDS:
        torch.manual_seed(seed)
        outs = [pipeline(IMAGES[i]) for i in SEQUENCE * 2]
        cases.append({"name": "Compose", "args": [], "dtype": "uint8", "seed": seed, "inputs": SEQUENCE * 2, "params": None,
                      "outputs": [{"shape": list(o.shape), **digest(o)} for o in outs]})
    return cases


def main():
    blob = Blob()
    fixture = {
        "torchvision": torchvision.__version__,
        "torch": torch.__version__,
        "images": {k: {"shape": list(v.shape), "data": blob.add(v)} for k, v in IMAGES.items()},
        "functional": functional_cases(blob),
        "kernels": kernels(),
        "random": random_cases(),
    }
    fixture["blob"] = blob.encode()
    out = fixture_path("transforms.json")
    with open(out, "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {os.path.relpath(out)}: {len(fixture['functional'])} kernel cases, {len(fixture['kernels'])} 1-D kernels, "
          f"{len(fixture['random'])} seeded runs, {blob.size} bytes -> {len(fixture['blob'])} base64 characters")


if __name__ == "__main__":
    main()
