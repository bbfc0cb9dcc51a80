#!/usr/bin/python3
"""Regenerates every golden fixture: runs each scripts/goldens/*.py with this interpreter.

Use Debian's python3-torch and python3-torchvision (/usr/bin/python3; `npm run goldens`): they
share the libtorch that smoothlab's addon links, so the fixtures hold PyTorch's exact numbers.
Each generator writes test/fixtures/<name>.json; the fixtures are committed, so tests need no Python.
"""
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent / "goldens"
names = sys.argv[1:] or sorted(p.stem for p in here.glob("*.py") if not p.stem.startswith("_"))
for name in names:
    script = here / f"{name}.py"
    if not script.exists():
        sys.exit(f"make_goldens: no generator scripts/goldens/{name}.py")
    print(f"[goldens] {name}", flush=True)
    subprocess.run([sys.executable, str(script)], check=True)
