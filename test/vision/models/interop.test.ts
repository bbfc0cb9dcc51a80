// Moving weights between smoothlab and PyTorch: a torch.save round trip gives identical outputs, and
// a file smoothlab writes loads into torchvision's resnet18 (read by hand in Python: the
// `safetensors` package is not in Debian) and gives the same logits. The Python half needs
// /usr/bin/python3 with torch and torchvision (Debian's python3-torch); it is skipped without them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { torch, vision } from '../../../src/index.js';
import { golden } from '../../nn_golden.js';

const dir = mkdtempSync(join(tmpdir(), 'smoothlab-interop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PYTHON = '/usr/bin/python3';
const hasTorchvision = spawnSync(PYTHON, ['-c', 'import torch, torchvision'], { stdio: 'ignore' }).status === 0;

// Parses safetensors with the standard library (8-byte length, JSON header, raw little-endian data),
// loads torchvision's resnet18 strictly, and prints the eval-mode logits for the saved input.
const SCRIPT = `
import json, struct, sys, torch, torchvision
torch.set_num_threads(int(sys.argv[3]))
def read(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    types = {"F32": torch.float32, "I64": torch.int64}
    out = {}
    for k, v in header.items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        out[k] = torch.frombuffer(bytearray(data[a:b]), dtype=types[v["dtype"]]).reshape(v["shape"])
    return out
model = torchvision.models.resnet18(num_classes=10)
model.load_state_dict(read(sys.argv[1]), strict=True)
model.eval()
with torch.no_grad():
    print(json.dumps(model(read(sys.argv[2])["x"]).flatten().tolist()))
`;

function trainedModel(): vision.models.ResNet {
  torch.manualSeed(3);
  const model = vision.models.resnet18({ numClasses: 10 });
  torch.tidy(() => model.call(torch.randn([4, 3, 32, 32]))); // train mode: moves the BatchNorm statistics
  return model.eval();
}

test('torch.save, then loadStateDict into a fresh model: identical outputs', () => {
  const model = trainedModel();
  const file = join(dir, 'roundtrip.safetensors');
  torch.tidy(() => torch.save(file, model.stateDict()));
  torch.manualSeed(99);
  const fresh = vision.models.resnet18({ numClasses: 10 }).eval();
  torch.tidy(() => {
    fresh.loadStateDict(torch.load(file));
    const x = torch.randn([2, 3, 32, 32]);
    assert.ok(fresh.call(x).allclose(model.call(x), { rtol: 0, atol: 0 }), 'bit-identical logits');
    assert.equal(fresh.bn1.num_batches_tracked?.item(), 1);
  });
  model.dispose();
  fresh.dispose();
});

test('a smoothlab safetensors file loads into torchvision\'s resnet18 with the same logits', { skip: !hasTorchvision && 'no /usr/bin/python3 with torch and torchvision' }, () => {
  const model = trainedModel();
  const weights = join(dir, 'resnet18.safetensors');
  const input = join(dir, 'input.safetensors');
  const threads = torch.getNumThreads();
  torch.setNumThreads(golden.threads);
  try {
    torch.tidy(() => {
      torch.save(weights, model.stateDict());
      const x = torch.randn([2, 3, 32, 32]);
      torch.save(input, { x });
      const ours = Array.from(model.call(x).toTypedArray() as Float32Array);
      const run = spawnSync(PYTHON, ['-c', SCRIPT, weights, input, String(golden.threads)], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const theirs = JSON.parse(run.stdout) as number[];
      assert.equal(theirs.length, 20);
      theirs.forEach((e, i) => assert.ok(Math.abs(ours[i] - e) <= 1e-4 * Math.abs(e) + 1e-5, `logit ${i}: ${ours[i]} vs PyTorch ${e}`));
    });
  } finally {
    torch.setNumThreads(threads);
    model.dispose();
  }
});
