// torch.cuda and torch.backends.cudnn where no GPU is usable (a CPU-only build, or no device): the
// answers PyTorch's CPU build gives, and errors that name the fix for what needs a GPU.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torch } from '../../src/index.js';

const skip = torch.cuda.isAvailable() ? 'a CUDA device is visible' : false;

test('torch.cuda without a GPU: not available, 0 devices, 0 bytes, seeding and emptyCache do nothing', { skip }, () => {
  assert.equal(torch.cuda.isAvailable(), false);
  assert.equal(torch.cuda.deviceCount(), 0);
  assert.equal(torch.cuda.memoryAllocated(), 0);
  assert.equal(torch.cuda.maxMemoryAllocated(0), 0);
  assert.equal(torch.cuda.isBf16Supported(), false, 'PyTorch 2.x answers false without CUDA too');
  assert.equal(torch.cuda.isBf16Supported({ includingEmulation: false }), false);
  torch.cuda.manualSeed(1);
  torch.cuda.manualSeedAll(2n);
  torch.cuda.emptyCache();
  // Seeding CUDA leaves the CPU generator alone.
  torch.manualSeed(0);
  const a = torch.tidy(() => torch.randn([3]).toArray());
  torch.manualSeed(0);
  torch.cuda.manualSeed(5);
  assert.deepEqual(torch.tidy(() => torch.randn([3]).toArray()), a);
});

test('torch.cuda.synchronize and resetPeakMemoryStats name the fix', { skip }, () => {
  const fix = torch.builtWithCuda ? /no CUDA GPU is visible/ : /built against a CPU-only libtorch .*LIBTORCH_USE_PYTORCH=1/;
  assert.throws(() => torch.cuda.synchronize(), fix);
  assert.throws(() => torch.cuda.resetPeakMemoryStats(), fix);
  assert.throws(() => torch.cuda.getDeviceCapability(), fix);
  assert.throws(() => torch.cuda.synchronize('cuda:x' as torch.Device), TypeError);
  assert.throws(() => torch.cuda.manualSeed(-1), TypeError);
});

test('Tensor.pinMemory needs CUDA; isPinned is false for ordinary host memory; nonBlocking copies on the host are plain copies', { skip }, () => {
  torch.tidy(() => {
    const x = torch.arange(6, { dtype: 'float32' });
    assert.throws(() => x.pinMemory(), torch.builtWithCuda ? /pinMemory: pinned memory needs a CUDA device, and none is visible/ : /pinMemory: .*CPU-only libtorch/);
    assert.equal(x.isPinned(), false);
    const y = x.to({ dtype: 'float64', nonBlocking: true });
    assert.deepEqual(y.toArray(), [0, 1, 2, 3, 4, 5]);
    assert.equal(y.dtype, 'float64');
  });
});

test('torch.backends.cudnn flags read and write through libtorch\'s global context', () => {
  const { cudnn } = torch.backends;
  const saved = { benchmark: cudnn.benchmark, deterministic: cudnn.deterministic, enabled: cudnn.enabled };
  assert.deepEqual(saved, { benchmark: false, deterministic: false, enabled: true }, "PyTorch's defaults");
  try {
    cudnn.benchmark = true;
    cudnn.deterministic = true;
    assert.equal(cudnn.benchmark, true);
    assert.equal(cudnn.deterministic, true);
    assert.throws(() => { cudnn.benchmark = 1 as unknown as boolean; }, TypeError);
  } finally {
    cudnn.benchmark = saved.benchmark;
    cudnn.deterministic = saved.deterministic;
  }
  if (!torch.builtWithCuda) {
    assert.equal(cudnn.isAvailable(), false);
    assert.equal(cudnn.version(), null);
  }
});
