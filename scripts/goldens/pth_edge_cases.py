#!/usr/bin/python3
"""Edge-case .pth files that PyTorch 1.13 itself writes or loads (Debian's python3-torch); run by
scripts/make_goldens.py (`pth_edge_cases`). Writes:

- test/fixtures/pth_expanded.pth: a 20000 x 20000 float64 tensor expanded from one element (a
  stride-0 view: the file holds 8 bytes of data), plus a 3 x 4 tensor expanded along its columns.
  torch.load gives views of the small storages; a reader that materializes them needs 3.2 GB.
- test/fixtures/pth_unaligned.pth: a valid checkpoint re-zipped by Python's zipfile after an entry
  with an odd-length name, so that its storages start at offsets that are not multiples of 4
  (torch.save aligns them to 64 bytes; zipfile does not). It holds a transposed float32 tensor, a
  float16 and an int64 one. torch.load reads it; so must smoothlab.
"""
import zipfile

import torch

from _common import fixture_path

expanded = {
    "huge": torch.tensor([0.25], dtype=torch.float64).expand(20000, 20000),
    "columns": torch.arange(3, dtype=torch.float32).reshape(3, 1).expand(3, 4),
}
torch.save(expanded, fixture_path("pth_expanded.pth"))

plain = fixture_path("pth_unaligned.pth")
torch.save({
    "transposed": torch.arange(12, dtype=torch.float32).reshape(3, 4).t(),
    "half": torch.tensor([1.5, -2.0, 3.25], dtype=torch.float16),
    "long": torch.tensor([7, -8, 2**40], dtype=torch.int64),
}, plain)
with zipfile.ZipFile(plain) as src:
    entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
with zipfile.ZipFile(plain, "w") as out:
    # A fixed date keeps the file byte-identical from run to run.
    for name, data in [("pth_unaligned/odd", b"x")] + entries:
        out.writestr(zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0)), data)
with zipfile.ZipFile(plain) as z:
    offsets = [i.header_offset + 30 + len(i.filename) for i in z.infolist() if "/data/" in i.filename]
assert any(o % 4 for o in offsets), offsets
for name, t in torch.load(plain).items():
    assert t.is_contiguous() or name == "transposed"
print(f"wrote {fixture_path('pth_expanded.pth')} and {fixture_path('pth_unaligned.pth')}")
