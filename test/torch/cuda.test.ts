// The CUDA tier: runs only where the addon was built against a CUDA libtorch and a GPU is visible.
// Same computation on CPU and GPU: conv + batch norm + cross-entropy forward and backward.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { data, metrics, nn, optim, torch, train } from '../../src/index.js';
import { SyntheticImages } from '../../src/vision/datasets/index.js';

const skip = torch.cudaAvailable() ? false : `no CUDA (addon built with CUDA: ${torch.builtWithCuda})`;
const F = nn.functional;

test('tensors move to cuda:0 and back', { skip }, () => torch.tidy(() => {
  const x = torch.arange(6, { dtype: 'float32' }).reshape([2, 3]);
  const g = x.to('cuda:0');
  assert.equal(g.device, 'cuda:0');
  assert.deepEqual(g.mul(2).cpu().toArray(), [[0, 2, 4], [6, 8, 10]]);
  assert.equal(torch.zeros([2], { device: 'cuda:0' }).device, 'cuda:0');
}));

test('conv + batchNorm + crossEntropy agree between CPU and CUDA', { skip }, () => torch.tidy(() => {
  torch.manualSeed(0);
  const x = torch.randn([4, 3, 8, 8]);
  const w = torch.randn([5, 3, 3, 3]).mul(0.1);
  const y = torch.randint(0, 5, [4]);
  const run = (device: torch.Device) => {
    const wd = w.to(device).requiresGrad_();
    const h = F.batchNorm(F.conv2d(x.to(device), wd, null, { padding: 1 }), null, null, { training: true });
    const loss = F.crossEntropy(h.mean([2, 3]), y.to(device), { labelSmoothing: 0.1 });
    loss.backward();
    return { loss: loss.item(), grad: wd.grad!.cpu() };
  };
  const cpu = run('cpu');
  const gpu = run('cuda:0');
  assert.ok(Math.abs(cpu.loss - gpu.loss) < 1e-4, `${cpu.loss} vs ${gpu.loss}`);
  assert.ok(cpu.grad.allclose(gpu.grad, { rtol: 1e-3, atol: 1e-5 }));
}));

test('torch.cuda: devices, synchronize, seeding and the allocator statistics', { skip }, () => {
  assert.ok(torch.cuda.deviceCount() >= 1);
  torch.cuda.synchronize();
  torch.cuda.synchronize('cuda:0');
  torch.cuda.manualSeed(3);
  const a = torch.tidy(() => torch.randn([4], { device: 'cuda:0' }).cpu().toArray());
  torch.cuda.manualSeedAll(3);
  assert.deepEqual(torch.tidy(() => torch.randn([4], { device: 'cuda:0' }).cpu().toArray()), a, 'the CUDA generator is reseeded');
  torch.cuda.emptyCache();
  torch.cuda.resetPeakMemoryStats();
  const base = torch.cuda.memoryAllocated();
  const big = torch.zeros([1 << 20], { device: 'cuda:0' });  // 4 MiB
  assert.ok(torch.cuda.memoryAllocated() >= base + 4 * (1 << 20));
  big.dispose();
  assert.ok(torch.cuda.maxMemoryAllocated() >= base + 4 * (1 << 20), 'the peak remembers the freed tensor');
  assert.ok(torch.cuda.memoryAllocated() < base + 4 * (1 << 20));
  torch.cuda.resetPeakMemoryStats();
  assert.ok(torch.cuda.maxMemoryAllocated() < base + 4 * (1 << 20));
  assert.equal(torch.backends.cudnn.isAvailable(), true);
  assert.ok((torch.backends.cudnn.version() ?? 0) > 0);
});

for (const dtype of ['float16', 'bfloat16'] as const) {
  test(`autocast ${dtype} on CUDA: conv and linear in ${dtype}, float32 outside, gradients float32`, { skip }, () => torch.tidy(() => {
    torch.manualSeed(0);
    const x = torch.randn([4, 3, 8, 8]).to('cuda:0');
    const w = torch.randn([5, 3, 3, 3]).mul(0.1).to('cuda:0').requiresGrad_();
    const lw = torch.randn([2, 5]).to('cuda:0').requiresGrad_();
    const [h, out, loss] = torch.autocast({ deviceType: 'cuda', dtype }, () => {
      const h = F.conv2d(x, w, null, { padding: 1 });
      const out = F.linear(h.mean([2, 3]), lw, null);
      return [h, out, F.crossEntropy(out, torch.tensor([0, 1, 0, 1], { dtype: 'int64' }).to('cuda:0'))];
    });
    assert.equal(h.dtype, dtype);
    assert.equal(out.dtype, dtype);
    assert.equal(loss.dtype, 'float32', 'cross-entropy runs in float32 under autocast');
    assert.equal(F.conv2d(x, w, null, { padding: 1 }).dtype, 'float32');
    loss.backward();
    assert.equal(w.grad!.dtype, 'float32');
    // CPU float32 reference of the forward.
    const ref = F.conv2d(x.cpu(), w.detach().cpu(), null, { padding: 1 });
    assert.ok(h.float().cpu().allclose(ref, { rtol: 2e-2, atol: 2e-2 }));
    assert.equal(torch.isAutocastEnabled('cuda'), false);
  }));
}

test('GradScaler on CUDA: the ATen kernels skip an inf step, back off, and grow after growthInterval', { skip }, () => torch.tidy(() => {
  const scaler = new torch.amp.GradScaler({ initScale: 1024, growthInterval: 2 });
  const w = torch.ones([3], { device: 'cuda:0' }).requiresGrad_();
  const opt = { paramGroups: [{ params: [w] }], steps: 0, step() { this.steps += 1; } };
  const iterate = (factor: number) => {
    w.grad = null;
    torch.autocast({ deviceType: 'cuda', dtype: 'float16' }, () => scaler.scale(w.mul(factor).sum())).backward();
    scaler.step(opt);
    scaler.update();
    return scaler.getScale();
  };
  assert.equal(iterate(1), 1024);
  assert.deepEqual(w.grad!.cpu().toArray(), [1, 1, 1], 'unscaled');
  assert.equal(iterate(1), 2048, 'grown after 2 clean steps');
  assert.equal(iterate(1e36), 1024, 'backed off');
  assert.equal(opt.steps, 2, 'the inf step was skipped');
  assert.equal(scaler.stateDict()._growth_tracker, 0);
  scaler.dispose();
}));

test('pinned batches: DataLoader pinMemory pins them, non-blocking copies move them exactly', { skip }, async () => {
  const images = new SyntheticImages({ length: 40, height: 4, width: 4, numClasses: 3, seed: 1 });
  const plain = new data.DataLoader(images, { batchSize: 16, seed: 7, shuffle: true });
  const pinned = new data.DataLoader(images, { batchSize: 16, seed: 7, shuffle: true, pinMemory: true });
  const onDevice = new data.DataLoader(images, { batchSize: 16, seed: 7, shuffle: true, pinMemory: true, device: 'cuda:0' });
  const a: number[][] = [];
  for await (const [x, y] of plain) {
    a.push(Array.from(x.toTypedArray() as Float32Array));
    torch.dispose([x, y]);
  }
  let k = 0;
  for await (const [x, y] of pinned) {
    assert.equal(x.isPinned(), true);
    assert.equal(y.isPinned(), true);
    const g = x.to({ device: 'cuda:0', nonBlocking: true });
    torch.dispose([x, y]); // safe: the pinned block is reused only after the copy has run
    assert.deepEqual(Array.from(g.cpu().toTypedArray() as Float32Array), a[k++]);
    g.dispose();
  }
  k = 0;
  for await (const [x, y] of onDevice) {
    assert.equal(x.device, 'cuda:0');
    assert.deepEqual(Array.from(x.cpu().toTypedArray() as Float32Array), a[k++]);
    torch.dispose([x, y]);
  }
  await Promise.all([plain.close(), pinned.close(), onDevice.close()]);
});

test('a pinned block is reused only after the non-blocking copy from it has run', { skip }, () => torch.tidy(() => {
  // Matrix products queued ahead keep the copy waiting on the GPU for a while: were the freed block
  // handed out again at once, the twos written into it would reach the copy.
  const n = 1 << 24; // 64 MiB of float32
  const a = torch.randn([4096, 4096], { device: 'cuda:0' });
  let busy = a;
  for (let i = 0; i < 20; i++) busy = busy.matmul(a).div(64);
  const ones = torch.ones([n]).pinMemory();
  const copy = ones.to({ device: 'cuda:0', nonBlocking: true });
  ones.dispose();
  const twos = torch.full([n], 2).pinMemory();
  assert.equal(twos.isPinned(), true);
  assert.equal(copy.sum().item(), n, 'the copy holds the ones it was given');
  assert.equal(twos.sum().item(), 2 * n);
}));

test('isBf16Supported: native bfloat16 from compute capability 8.0; with emulation counted, true on any CUDA device', { skip }, () => {
  const [major, minor] = torch.cuda.getDeviceCapability();
  assert.ok(Number.isInteger(major) && major >= 3 && Number.isInteger(minor), `capability ${major}.${minor}`);
  assert.deepEqual(torch.cuda.getDeviceCapability('cuda:0'), torch.cuda.getDeviceCapability(0));
  assert.equal(torch.cuda.isBf16Supported({ includingEmulation: false }), major >= 8);
  assert.equal(torch.cuda.isBf16Supported(), true, 'a bfloat16 tensor can be made on the device');
  assert.throws(() => torch.cuda.getDeviceCapability(torch.cuda.deviceCount()), /a CUDA device index below/);
});

test('fit on CUDA reads the loss every 10 steps and ends as reading it every step', { skip }, async () => {
  const history = async (readLossEvery: number | undefined) => {
    torch.manualSeed(0);
    torch.cuda.manualSeedAll(0);
    const x = torch.randn([96, 3, 8, 8]);
    const y = torch.randint(0, 4, [96]);
    const batches = Array.from({ length: 12 }, (_, i): train.Batch => [torch.keep(x.narrow(0, i * 8, 8)), torch.keep(y.narrow(0, i * 8, 8))]);
    // Linear layers only: their cuBLAS kernels are deterministic, as some convolution and pooling backward kernels are not.
    const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(192, 16), new nn.ReLU(), new nn.Linear(16, 4)).to('cuda:0');
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const steps: number[] = [];
    const { history } = await train.fit({
      model, optimizer, trainLoader: batches, epochs: 2, device: 'cuda:0', readLossEvery, quiet: true,
      lossFn: (o, t) => nn.functional.crossEntropy(o, t), metric: new metrics.MulticlassAccuracy({ numClasses: 4, average: 'micro' }),
      callbacks: { onStepEnd: ({ step }) => steps.push(step) },
    });
    torch.dispose([x, y, batches]);
    model.dispose();
    return { losses: history.epochs.map((e) => [e.trainLoss, e.trainScore]), steps };
  };
  const deferred = await history(undefined);
  const eager = await history(1);
  assert.deepEqual(deferred, eager);
  assert.deepEqual(deferred.steps, Array.from({ length: 24 }, (_, i) => i));
});
