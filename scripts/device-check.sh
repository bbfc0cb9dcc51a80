#!/bin/sh
# Issue 13's GPU check, as one prepared command for the device tool's H200 machine
# (/work/.library/device/README.md): build the addon against that machine's Python torch (2.11,
# CUDA), run the CUDA test tier and the CPU tests of the same features, then time the seed recipe's
# epoch (ResNet-18, batch 256, AdamW + OneCycleLR, label smoothing 0.1, flip + AutoAugment(CIFAR10),
# 195 batches of CIFAR-shaped images) for smoothlab and for the notebook's PyTorch pipeline
# (bench/pipeline.py's dataset and model: PIL images, torchvision transforms, DataLoader with 2
# workers and with one per core), both on cuda:0 and in channels-last, in fp32, under bf16 autocast
# and (one loader setting) fp16 autocast with a GradScaler, printing images/s and smoothlab /
# PyTorch ratios; and a tiny `smoothlab study --device cuda` with --precision bf16 and fp16 end to end.
#
# The device tool sends the working tree of the session's own checkout (tracked and untracked,
# not ignored, files) plus the `carry` paths, never a helper's worktree. dist/ and node_modules/ are
# ignored, and Node is absent there, so `prepare` packs them into .device/ (ignored through
# info/exclude, sent as carry). In that checkout, here:
#   sh scripts/device-check.sh prepare      # compiles the TS (tsc), packs .device/ (~26 MB; ~31 MB travel in all)
# Then the device tool's run, exactly:
#   command: sh scripts/device-check.sh
#   carry:   [".device"]
#   timeout_s: 480   (an estimated 6 minutes: build 1-2, tests 1, timings 3, studies 1; the log
#                     comes back even when it is stopped, and what is left of 15 device minutes
#                     after the machine's start is enough for one run, not two)
# Results come back as $OUT/device-check.log (everything) and $OUT/device-check.json (the numbers).
# Each stage's failure is reported and turns the exit status non-zero; the stages after it still run.
set -u
cd "$(dirname "$0")/.."

if [ "${1:-run}" = prepare ]; then
  set -e
  if [ "$(git rev-parse --git-dir)" != "$(git rev-parse --git-common-dir)" ]; then
    echo "device-check: $(pwd) is a linked worktree, which the device tool does not send: prepare (and merge into) the session's own checkout" >&2
  fi
  node node_modules/typescript/bin/tsc -p .
  exclude="$(git rev-parse --git-path info/exclude)"
  mkdir -p "$(dirname "$exclude")"
  grep -qx '/.device/' "$exclude" 2>/dev/null || echo /.device/ >> "$exclude"
  rm -rf .device && mkdir -p .device
  xz -9 -T0 -c "$(command -v node)" > .device/node.xz
  # Node-API's four headers are all that the addon (through node-addon-api's napi.h) includes.
  tar -C /usr/include -cJf .device/node-include.tar.xz node/node_api.h node/node_api_types.h node/js_native_api.h node/js_native_api_types.h
  # The runtime dependencies and node-addon-api; typescript and the type packages build here only.
  tar -cJf .device/tree.tar.xz --exclude=node_modules/typescript --exclude=node_modules/@types dist node_modules
  du -ch .device/* | tail -n 1
  exit 0
fi

OUT="${OUT:-/tmp/device-check-out}"
mkdir -p "$OUT"

# The stages' failures, gathered: each is reported and the next stage still runs (device time is scarce).
status_file=/tmp/device-check.status
failed() {
  echo "device-check: $1 FAILED"
  echo failed > "$status_file"
}

main() {
set -x

# Node, its headers (the addon build reads node_api.h from npm_config_nodedir/include/node), dist, node_modules.
sl=/tmp/smoothlab-node
mkdir -p "$sl/bin" "$sl/include"
{ xz -dc .device/node.xz > "$sl/bin/node" && chmod +x "$sl/bin/node" && tar -C "$sl/include" -xJf .device/node-include.tar.xz &&
  tar -xJf .device/tree.tar.xz; } || failed "unpacking .device (run 'sh scripts/device-check.sh prepare' here and carry .device)"
export PATH="$sl/bin:$PATH" npm_config_nodedir="$sl"
node --version
nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap --format=csv || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available())'

# native/cuda.cc includes c10/cuda headers and CUDA's runtime API, which the pip torch's include
# paths lack: every toolkit and pip nvidia package include folder goes on CPATH (the toolkit first).
cuda_dirs=""
for d in "${CUDA_HOME:-/usr/local/cuda}/include" /usr/local/cuda/include \
  $(python3 -c 'import nvidia, os; print(" ".join(os.path.join(p, s, "include") for p in nvidia.__path__ for s in sorted(os.listdir(p))))' 2>/dev/null); do
  case ":$cuda_dirs:" in *":$d:"*) ;; *) if [ -d "$d" ]; then cuda_dirs="${cuda_dirs:+$cuda_dirs:}$d"; fi ;; esac
done
[ -n "$cuda_dirs" ] || cuda_dirs="$(dirname "$(find / -name cuda_runtime_api.h -path '*include*' 2>/dev/null | head -n 1)")"
export CPATH="$cuda_dirs${CPATH:+:$CPATH}"
echo "CPATH=$CPATH"

# Incremental: objects of other flags (another libtorch) are discarded by build-native's flags hash.
time env LIBTORCH_USE_PYTORCH=1 PYTHON=python3 node scripts/build-native.mjs || failed "the native build"
cat build/build-info.json
node -e "import('./dist/src/index.js').then(({ torch }) => console.log('smoothlab', torch.version, 'cuda', torch.builtWithCuda, torch.cuda.isAvailable(), torch.cuda.deviceCount(), 'capability', torch.cuda.getDeviceCapability()))" ||
  failed "loading the addon"

# The CUDA tier, and the CPU tests of the same features (autocast, GradScaler, the loss readback,
# fit's mixed precision) on this machine's libtorch.
node scripts/run-tests.mjs torch/cuda torch/amp train/readback train/mixed_precision || failed "the CUDA tier and its CPU tests"

# The epoch: the same synthetic CIFAR-shaped bytes for both sides (smooth blobs, uniform labels).
work=/tmp/device-check-data
mkdir -p "$work"
python3 - "$work" <<'PY' || failed "making the synthetic images"
import sys, numpy as np
g = np.random.default_rng(0)
n = 195 * 256
x = np.arange(32 * 32 * 3).reshape(1, 32, 32, 3)
images = (128 + 60 * np.sin((x // 3 % 1024) / 37 + x % 3) + 60 * (g.random((n, 32, 32, 3)) - 0.5)).clip(0, 255).astype(np.uint8)
images.tofile(f"{sys.argv[1]}/images.u8")
g.integers(0, 10, n).astype(np.uint8).tofile(f"{sys.argv[1]}/labels.u8")
PY
cores=$(nproc)

# The (precision, loader workers) pairs both sides time: fp16 with one loader setting only, to keep within the device time.
# PyTorch: bench/pipeline.py's dataset and model, on cuda:0; mixed precision as torch.amp's recipe (autocast around the
# forward and loss; fp16 with a GradScaler), batches pinned and copied non-blocking. Channels-last as smoothlab's
# side (model and input); the step alone is also timed in the default layout, the notebook's.
PYTHONUNBUFFERED=1 python3 - "$work" "$cores" > "$OUT/pytorch.jsonl" <<'PY' || failed "the PyTorch timings"
import json, sys, time
sys.path.insert(0, "bench")
import numpy as np, torch
from torchvision import transforms as T
from pipeline import ArrayDataset, model_for
work, cores = sys.argv[1], int(sys.argv[2])
images = np.fromfile(f"{work}/images.u8", dtype=np.uint8).reshape(-1, 32, 32, 3)
labels = np.fromfile(f"{work}/labels.u8", dtype=np.uint8)
mean = (images / 255).mean((0, 1, 2)).tolist(); std = (images / 255).std((0, 1, 2)).tolist()
tf = T.Compose([T.RandomHorizontalFlip(), T.AutoAugment(T.AutoAugmentPolicy.CIFAR10), T.ToTensor(), T.Normalize(mean, std)])
torch.backends.cudnn.benchmark = True
dev = torch.device("cuda:0")
runs = [(p, w) for p in ("fp32", "bf16") for w in (2, cores)] + [("fp16", cores)]
def recipe(precision, memory_format):
    torch.manual_seed(0)
    model = model_for(3, 10).to(dev, memory_format=memory_format)
    crit = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, betas=(0.9, 0.99), weight_decay=1e-2)
    scaler = torch.amp.GradScaler("cuda", enabled=precision == "fp16")
    dtype = torch.bfloat16 if precision == "bf16" else torch.float16
    def step(x, y):
        opt.zero_grad()
        with torch.autocast("cuda", dtype=dtype, enabled=precision != "fp32"):
            loss = crit(model(x.contiguous(memory_format=memory_format)), y)
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        return loss
    model.train()
    return opt, step
def step_rate(step):
    x = torch.randn(256, 3, 32, 32, device=dev); y = torch.randint(0, 10, (256,), device=dev)
    for _ in range(10): step(x, y)
    torch.cuda.synchronize(); t = time.perf_counter()
    for _ in range(50): step(x, y)
    torch.cuda.synchronize(); return 50 * 256 / (time.perf_counter() - t)
for precision, workers in runs:
    contiguous_rate = step_rate(recipe(precision, torch.contiguous_format)[1])
    opt, step = recipe(precision, torch.channels_last)
    rate = step_rate(step)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=5e-2, total_steps=26)
    loader = torch.utils.data.DataLoader(ArrayDataset(images, labels, tf), batch_size=256, shuffle=True, drop_last=True,
                                         num_workers=workers, pin_memory=True, persistent_workers=True)
    t = time.perf_counter(); seen = 0
    for xb, yb in loader:
        loss = step(xb.to(dev, non_blocking=True), yb.to(dev, non_blocking=True)); seen += len(yb)
    loss.item(); sched.step(); torch.cuda.synchronize()
    print(json.dumps({"side": "pytorch", "version": torch.__version__, "precision": precision, "workers": workers,
                      "stepRate": rate, "stepRateContiguous": contiguous_rate, "epochRate": seen / (time.perf_counter() - t)}))
PY

# smoothlab: bench/pipeline_worker.ts's recipe, on cuda:0 in channels-last, with torch.autocast (and a GradScaler for fp16), pinned batches.
cat > /tmp/device-check-sl.mjs <<'JS'
import { readFileSync } from 'node:fs';
import { data, nn, optim, torch, vision } from '/REPO/dist/src/index.js';
const [work, cores] = [process.argv[2], Number(process.argv[3])];
const raw = readFileSync(`${work}/images.u8`);
const images = vision.datasets.sharedBytes(raw.length); images.set(raw);
const labels = new Uint8Array(readFileSync(`${work}/labels.u8`));
const mean = [0, 1, 2].map((c) => { let s = 0; for (let i = c; i < raw.length; i += 3) s += raw[i] / 255; return s / (raw.length / 3); });
const std = [0, 1, 2].map((c) => { let s = 0; for (let i = c; i < raw.length; i += 3) s += (raw[i] / 255 - mean[c]) ** 2; return Math.sqrt(s / (raw.length / 3)); });
const T = vision.transforms;
const dataset = new vision.datasets.ImageArrayDataset({ images, labels, height: 32, width: 32, channels: 3, classes: [...'0123456789'] });
torch.backends.cudnn.benchmark = true;
const runs = [...['fp32', 'bf16'].flatMap((p) => [[p, 2], [p, cores]]), ['fp16', cores]];
for (const [precision, workers] of runs) {
  torch.manualSeed(0);
  const model = vision.models.resnet18({ numClasses: 10 }).to('cuda:0').toChannelsLast();
  const opt = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 1e-2 });
  const sched = new optim.lrScheduler.OneCycleLR(opt, { maxLr: 5e-2, totalSteps: 26 });
  const loader = new data.DataLoader({ dataset, batchSize: 256, shuffle: true, dropLast: true, numWorkers: workers, persistentWorkers: true, pinMemory: true, seed: 0,
    transform: new T.Compose([new T.ToImage(), new T.RandomHorizontalFlip(), new T.AutoAugment({ policy: 'cifar10' }), new T.ToDtype('float32', { scale: true }), new T.Normalize(mean, std)]) });
  const scaler = new torch.amp.GradScaler({ enabled: precision === 'fp16' });
  const dtype = precision === 'bf16' ? 'bfloat16' : 'float16';
  // The loss stays on the device: no host read per step, as the PyTorch side (fp16's scaler reads its inf flag, as PyTorch's).
  const step = (x, y) => torch.tidy(() => {
    opt.zeroGrad();
    const loss = torch.autocast({ deviceType: 'cuda', dtype, enabled: precision !== 'fp32' },
      () => nn.functional.crossEntropy(model.call(x.channelsLast()), y, { labelSmoothing: 0.1 }));
    scaler.scale(loss).backward();
    scaler.step(opt);
    scaler.update();
    return torch.keep(loss);
  });
  model.train();
  const x = torch.randn([256, 3, 32, 32], { device: 'cuda:0' }); const y = torch.randint(0, 10, [256], { device: 'cuda:0' });
  for (let i = 0; i < 10; i++) step(x, y).dispose();
  torch.cuda.synchronize(); let t = performance.now();
  for (let i = 0; i < 50; i++) step(x, y).dispose();
  torch.cuda.synchronize(); const stepRate = 50 * 256 / ((performance.now() - t) / 1000);
  t = performance.now(); let seen = 0; let last = null;
  for await (const [xb, yb] of loader) {
    last?.dispose();
    last = torch.tidy(() => step(xb.to({ device: 'cuda:0', nonBlocking: true }), yb.to({ device: 'cuda:0', nonBlocking: true }))); seen += yb.shape[0];
    torch.dispose([xb, yb]);
  }
  last.item(); last.dispose(); sched.step(); torch.cuda.synchronize();
  console.log(JSON.stringify({ side: 'smoothlab', version: torch.version, precision, workers, stepRate, epochRate: seen / ((performance.now() - t) / 1000),
    maxMemoryAllocated: torch.cuda.maxMemoryAllocated() }));
  scaler.dispose();
  await loader.close();
}
JS
sed -i "s#/REPO/#$(pwd)/#" /tmp/device-check-sl.mjs
node /tmp/device-check-sl.mjs "$work" "$cores" > "$OUT/smoothlab.jsonl" || failed "the smoothlab timings"

# The study end to end on the GPU, in both mixed precisions: CIFAR-10's binary format made of the
# same synthetic images (2,000 training and 500 test images; chance accuracy: the run, not the
# numbers, is under test).
python3 - "$work" <<'PY' || failed "writing the synthetic CIFAR-10 files"
import os, sys, numpy as np
work = sys.argv[1]
images = np.fromfile(f"{work}/images.u8", dtype=np.uint8).reshape(-1, 32, 32, 3)
labels = np.fromfile(f"{work}/labels.u8", dtype=np.uint8)
d = f"{work}/cifar/cifar-10-batches-bin"; os.makedirs(d, exist_ok=True)
def write(name, lo, hi):
    rec = np.concatenate([labels[lo:hi, None], images[lo:hi].transpose(0, 3, 1, 2).reshape(hi - lo, -1)], axis=1)
    rec.astype(np.uint8).tofile(f"{d}/{name}")
for b in range(5): write(f"data_batch_{b + 1}.bin", 400 * b, 400 * (b + 1))
write("test_batch.bin", 2000, 2500)
open(f"{d}/batches.meta.txt", "w").write("\n".join("airplane automobile bird cat deer dog frog horse ship truck".split()) + "\n")
PY
for precision in bf16 fp16; do
  node dist/src/cli/main.js study --preset seed --no-download --data-root "$work/cifar" --device cuda --precision "$precision" \
    --epochs 1 --epsilons 0,0.1 --name "gpu-$precision" --out "$work/study-$precision" --quiet || failed "study --precision $precision"
done

set +x
# The table: images/s per side and the ratio smoothlab / PyTorch, both in channels-last.
python3 - "$OUT" <<'PY' || failed "the table"
import json, os, sys
out = sys.argv[1]
rows = [json.loads(l) for f in ("pytorch.jsonl", "smoothlab.jsonl") if os.path.exists(f"{out}/{f}") for l in open(f"{out}/{f}") if l.strip()]
key = lambda r: (r["precision"], r["workers"])
py = {key(r): r for r in rows if r["side"] == "pytorch"}; sl = {key(r): r for r in rows if r["side"] == "smoothlab"}
print("| precision | loader workers | PyTorch step img/s (default layout) | PyTorch step img/s | smoothlab step img/s | ratio | PyTorch epoch img/s | smoothlab epoch img/s | ratio |")
print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
for k in sorted(py):
    p, s = py[k], sl.get(k)
    if s is None: continue
    print(f"| {k[0]} | {k[1]} | {p['stepRateContiguous']:.0f} | {p['stepRate']:.0f} | {s['stepRate']:.0f} | {s['stepRate'] / p['stepRate']:.2f} | "
          f"{p['epochRate']:.0f} | {s['epochRate']:.0f} | {s['epochRate'] / p['epochRate']:.2f} |")
base = py.get(("fp32", 2))
if base and sl: print(f"end to end, smoothlab with {max(k[1] for k in sl)} workers vs PyTorch's pipeline with the notebook's 2: "
                      f"{max(r['epochRate'] for r in sl.values() if r['precision'] == 'fp32') / base['epochRate']:.2f}x (target >= 1.5x)")
json.dump(rows, open(f"{out}/device-check.json", "w"), indent=1)
PY
[ "$(cat "$status_file")" = running ] && echo ok > "$status_file"
}

# The whole log also comes back as a file, however the run ends. sh has no pipefail: main leaves
# its outcome in $status_file past tee ('running' still when it was cut short).
echo running > "$status_file"
main 2>&1 | tee "$OUT/device-check.log"
outcome="$(cat "$status_file")"
echo "device-check: $outcome"
[ "$outcome" = ok ]
