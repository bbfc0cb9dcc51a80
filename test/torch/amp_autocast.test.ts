// torch.autocast on CPU (bfloat16): which ops run in the lower precision, nesting, enabled: false,
// and the state restored on exit, also when fn throws, as PyTorch 1.13's autocast does.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';

const F = nn.functional;

test('autocast bf16 on CPU: linear and conv2d outputs are bfloat16, float32 outside and for other ops', () => torch.tidy(() => {
  torch.manualSeed(0);
  const x = torch.randn([2, 3, 8, 8]);
  const conv = new nn.Conv2d(3, 4, 3, { padding: 1 });
  const lin = new nn.Linear(8, 5);
  const [y, z, r, s] = torch.autocast({ deviceType: 'cpu', dtype: 'bfloat16' }, () => {
    assert.equal(torch.isAutocastEnabled('cpu'), true);
    const y = lin.call(x);  // linear over the last dim (8)
    const z = conv.call(x);
    return [y, z, y.relu(), x.add(1)];
  });
  assert.equal(y.dtype, 'bfloat16');
  assert.equal(z.dtype, 'bfloat16');
  assert.equal(r.dtype, 'bfloat16', 'relu keeps its input dtype');
  assert.equal(s.dtype, 'float32', 'add is not on the lower-precision list');
  assert.equal(lin.weight.dtype, 'float32', 'parameters stay float32');
  assert.equal(lin.call(x).dtype, 'float32', 'outside the region');
  assert.equal(torch.isAutocastEnabled('cpu'), false);
  // Close to the float32 result, within bfloat16's 8 bits of mantissa.
  assert.ok(y.float().allclose(lin.call(x), { rtol: 2e-2, atol: 5e-2 }));
}));

test('autocast: gradients flow back to float32 parameters', () => torch.tidy(() => {
  const lin = new nn.Linear(4, 2);
  const x = torch.randn([3, 4]);
  const loss = torch.autocast({ deviceType: 'cpu' }, () => lin.call(x).float().pow(2).sum());
  loss.backward();
  assert.equal(lin.weight.grad!.dtype, 'float32');
}));

test('autocast nests, enabled: false turns it off inside, and each exit restores the outer state', () => torch.tidy(() => {
  const w = torch.randn([3, 4]);
  const x = torch.randn([2, 4]);
  torch.autocast({ deviceType: 'cpu' }, () => {
    torch.autocast({ deviceType: 'cpu', enabled: false }, () => {
      assert.equal(torch.isAutocastEnabled('cpu'), false);
      assert.equal(F.linear(x, w, null).dtype, 'float32');
    });
    assert.equal(torch.isAutocastEnabled('cpu'), true);
    assert.equal(F.linear(x, w, null).dtype, 'bfloat16');
    torch.autocast({ deviceType: 'cpu' }, () => assert.equal(F.linear(x, w, null).dtype, 'bfloat16'));
    assert.equal(torch.isAutocastEnabled('cpu'), true);
  });
  assert.equal(torch.isAutocastEnabled('cpu'), false);
  assert.equal(torch.getAutocastDtype('cpu'), 'bfloat16');
}));

test('autocast restores the state when fn throws', () => {
  assert.throws(() => torch.autocast({ deviceType: 'cpu' }, () => {
    torch.autocast({ deviceType: 'cpu', cacheEnabled: false }, () => {
      throw new RangeError('inner');
    });
  }), RangeError);
  assert.equal(torch.isAutocastEnabled('cpu'), false);
  // The cache flag came back too, and a new region works as before.
  const y = torch.tidy(() => torch.autocast({ deviceType: 'cpu' }, () => F.linear(torch.ones([1, 2]), torch.ones([1, 2]), null).dtype));
  assert.equal(y, 'bfloat16');
});

test('autocast on CPU: float16 warns and fails on libtorch 1.13 as PyTorch 1.13 does; cuda without CUDA warns and disables', async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    const half = () => torch.tidy(() => torch.autocast({ deviceType: 'cpu', dtype: 'float16' }, () => torch.isAutocastEnabled('cpu')));
    if (torch.version.startsWith('1.')) {
      assert.throws(half, /AutocastCPU only support Bfloat16/);
      assert.equal(torch.isAutocastEnabled('cpu'), false);
      assert.equal(torch.getAutocastDtype('cpu'), 'bfloat16');
    } else {
      assert.equal(half(), true);
    }
    if (!torch.cuda.isAvailable()) {
      const on = torch.autocast({ deviceType: 'cuda' }, () => torch.isAutocastEnabled('cuda'));
      assert.equal(on, false);
    }
    await new Promise((resolve) => setImmediate(resolve));  // warnings are emitted on the next tick
  } finally {
    process.off('warning', onWarning);
  }
  if (torch.version.startsWith('1.')) assert.ok(warnings.some((m) => m.includes('CPU Autocast only supports dtype of torch.bfloat16')), warnings.join('\n'));
  if (!torch.cuda.isAvailable()) assert.ok(warnings.some((m) => m.includes("device_type of 'cuda', but CUDA is not available")), warnings.join('\n'));
});

test('autocast rejects bad options and async functions', async () => {
  assert.throws(() => torch.autocast({ deviceType: 'mps' as 'cpu' }, () => 0), /deviceType must be 'cuda' or 'cpu'/);
  assert.throws(() => torch.autocast({ deviceType: 'cpu', dtype: 'int32' }, () => 0), /floating-point dtype/);
  assert.throws(() => torch.autocast({ deviceType: 'cpu' }, async () => 0), /returned a Promise/);
  assert.equal(torch.isAutocastEnabled('cpu'), false);
});
