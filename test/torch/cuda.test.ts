// The CUDA tier: runs only where the addon was built against a CUDA libtorch and a GPU is visible.
// Same computation on CPU and GPU: conv + batch norm + cross-entropy forward and backward.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';

const skip = torch.cudaAvailable() ? false : `no CUDA (addon built with CUDA: ${torch.builtWithCuda})`;
const F = nn.functional;

test('tensors move to cuda:0 and back', { skip }, () => torch.tidy(() => {
  const x = torch.arange(6, undefined, 1, { dtype: 'float32' }).reshape([2, 3]);
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
