// native/runtime/cpu_heap.h: freed tensor memory stays in the heap unless the user chose otherwise,
// and a step's worth of freed memory is reused instead of being faulted in again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../src/index.js';

const nativeModule = fileURLToPath(new URL('../../src/torch/native.js', import.meta.url));
const isGlibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);

function keptIn(env: Record<string, string>): boolean {
  const script = `import(${JSON.stringify(nativeModule)}).then((m) => console.log(m.native.cpuHeapKept))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim() === 'true';
}

test('the heap policy applies on glibc, and SMOOTHLAB_CPU_HEAP=system or a malloc tunable in GLIBC_TUNABLES keeps glibc\'s defaults', { skip: isGlibc ? false : 'not glibc' }, () => {
  const clean = { SMOOTHLAB_CPU_HEAP: '', GLIBC_TUNABLES: '' };
  assert.equal(keptIn(clean), true);
  assert.equal(keptIn({ ...clean, SMOOTHLAB_CPU_HEAP: 'system' }), false);
  assert.equal(keptIn({ ...clean, GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' }), false);
  assert.equal(keptIn({ ...clean, GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX512F' }), true, 'a tunable of another namespace is not a malloc choice');
});

test('memory freed by one step is reused by the next, not faulted in again', { skip: isGlibc ? false : 'not glibc' }, () => {
  // 16 tensors of 4 MiB a step: 64 MiB allocated and freed each time, as a training step's activations.
  const step = () => torch.tidy(() => {
    for (let i = 0; i < 16; i++) torch.ones([1024, 1024]);
  });
  step();
  const before = process.resourceUsage().minorPageFault;
  for (let s = 0; s < 10; s++) step();
  const faults = process.resourceUsage().minorPageFault - before;
  // Faulting the memory in again would cost 16,384 faults a step (4 KiB pages); reuse costs next to none.
  assert.ok(faults < 16_384, `${faults} page faults over 10 steps of 64 MiB`);
});
