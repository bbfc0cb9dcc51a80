// Deterministic release: tidy(), keep(), dispose(), `using`, and a long loop that must stay flat.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate } from 'node:timers/promises';
import { nn, torch } from '../../src/index.js';

test('tidy disposes what fn created, keeps what it returns, and releases on throw', () => {
  const start = torch.memory().tensors;
  const x = torch.ones([2, 2]);
  const { kept, sum } = torch.tidy(() => {
    const a = x.add(1);
    const b = a.mul(a);
    return { kept: [b], sum: b.sum() };
  });
  assert.equal(torch.memory().tensors, start + 3);
  assert.equal(sum.item(), 16);
  assert.throws(() => torch.tidy(() => {
    x.add(1);
    throw new Error('boom');
  }), /boom/);
  assert.equal(torch.memory().tensors, start + 3);
  torch.dispose([x, kept, sum]);
  assert.equal(torch.memory().tensors, start);
});

test('nested tidy hands returned tensors to the outer scope', () => {
  const start = torch.memory().tensors;
  const outer = torch.tidy(() => {
    const inner = torch.tidy(() => torch.zeros([3]).add(2));
    assert.equal(torch.memory().tensors, start + 1);
    return inner.sum();
  });
  assert.equal(outer.item(), 6);
  assert.equal(torch.memory().tensors, start + 1);
  outer.dispose();
});

test('keep() survives tidy; a disposed tensor throws on use; using releases at block end', () => {
  const start = torch.memory().tensors;
  let kept!: torch.Tensor;
  torch.tidy(() => {
    kept = torch.keep(torch.ones([2]));
  });
  assert.equal(torch.tidy(() => kept.sum().item()), 2);
  kept.dispose();
  kept.dispose(); // idempotent
  assert.throws(() => kept.add(1), torch.DisposedTensorError);
  {
    using t = torch.zeros([4]);
    assert.equal(t.shape[0], 4);
  }
  assert.equal(torch.memory().tensors, start);
});

test('memory() counts bytes of live tensors', () => {
  const before = torch.memory();
  const t = torch.zeros([10, 10], { dtype: 'float64' });
  assert.equal(torch.memory().bytes - before.bytes, 800);
  t.dispose();
  assert.deepEqual(torch.memory(), before);
});

test('tidy refuses async functions instead of silently leaking', () => {
  assert.throws(() => torch.tidy(() => Promise.resolve(1)), /Promise/);
});

// Tensors are freed inside dispose(); what waits for the GC is each handle's small JS shell, whose
// finalizer Node runs once the event loop turns. Real training loops await their data loader every
// step; this one yields every 100 steps, as rarely as any realistic loop does.
test('10,000 training-like iterations inside tidy: live tensors back to start, RSS flat', async () => {
  const F = nn.functional;
  torch.manualSeed(0);
  const w = torch.randn([16, 8]).mul_(0.1).requiresGrad_();
  const x = torch.randn([32, 8]);
  const y = torch.randint(0, 16, [32]);
  const start = torch.memory().tensors;
  const step = () => torch.tidy(() => {
    const loss = F.crossEntropy(F.linear(x, w), y, { labelSmoothing: 0.1 });
    loss.backward();
    torch.noGrad(() => {
      const g = w.grad!;
      w.sub_(g, { alpha: 0.01 });
      g.zero_();
    });
    return loss.item();
  });
  const run = async (n: number) => {
    let last = 0;
    for (let i = 1; i <= n; i++) {
      last = step();
      if (i % 100 === 0) await setImmediate();
    }
    return last;
  };
  await run(1000); // warm up allocator caches and V8
  const rssBefore = process.memoryUsage().rss;
  const last = await run(10_000);
  const growth = process.memoryUsage().rss - rssBefore;
  assert.equal(torch.memory().tensors, start);
  assert.ok(Number.isFinite(last));
  // A leak of even one 32x16 tensor per step would add > 20 MB; 8 MB allows allocator noise.
  assert.ok(growth < 8 * 1024 * 1024, `RSS grew by ${(growth / 1048576).toFixed(1)} MiB`);
  torch.dispose([w, x, y]);
});

test('forgotten tensors are freed by the GC safety net', { skip: global.gc ? false : 'needs node --expose-gc' }, async () => {
  const start = torch.memory().tensors;
  (() => {
    for (let i = 0; i < 200; i++) torch.ones([1000]).add(1); // two forgotten tensors per iteration
  })();
  assert.equal(torch.memory().tensors, start + 400);
  for (let attempt = 0; attempt < 50 && torch.memory().tensors > start; attempt++) {
    await setImmediate();
    global.gc!();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  assert.equal(torch.memory().tensors, start);
});

// Last in this file: it leaves the addon's handle table at its full size (about 24 MiB).
test('a leak of 2^20 live tensors is a clear error, and tidy() still frees them all', () => {
  const start = torch.memory().tensors;
  let made = 0;
  assert.throws(() => torch.tidy(() => {
    for (;;) {
      torch.empty([0]);
      made++;
    }
  }), /more than 1048576 tensors are alive at once.*dispose\(\) them or work inside tidy\(\)/);
  assert.equal(made + start, 1048576);
  assert.equal(torch.memory().tensors, start);
  assert.deepEqual(torch.tidy(() => torch.ones([2]).add(1).toArray()), [2, 2]);
});
