"""Helpers shared by the golden generators (a module, not a generator: make_goldens.py skips '_' files)."""
import os

import torch

DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}
FIXTURES = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures"))


def encode(t):
    """A tensor as the TypeScript tests read it: dtype name, shape, and the values in row-major order."""
    t = t.detach()
    data = t.flatten().tolist()
    if t.dtype == torch.bool:
        data = [bool(v) for v in data]
    return {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data": data}


def fixture_path(name):
    """Where a generator writes test/fixtures/NAME."""
    return os.path.join(FIXTURES, name)
