// Builds build/reference/resnet18_step from bench/reference/resnet18_step.cc against the libtorch
// the addon uses (the same compiler and include paths as scripts/build-native.mjs, as a program).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nativeFlags } from './build-native.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { torch, compiler, compileFlags, linkFlags } = nativeFlags();
const outDir = join(root, 'build', 'reference');
mkdirSync(outDir, { recursive: true });
const output = join(outDir, 'resnet18_step');
// -fopenmp: at::parallel_for's body is a header template; -ffp-contract=off: the fused kernel's operations as written.
const args = [...compileFlags.filter((f) => f !== '-fvisibility=hidden'), '-fopenmp', '-ffp-contract=off',
  join(root, 'bench', 'reference', 'resnet18_step.cc'), ...linkFlags.filter((f) => f !== '-shared'), '-o', output];
console.log(`[smoothlab] compiling bench/reference/resnet18_step.cc (libtorch ${torch.version})`);
const run = spawnSync(compiler, args, { stdio: 'inherit' });
if (run.status !== 0) {
  console.error('[smoothlab] the reference step did not build');
  process.exit(1);
}
console.log(`[smoothlab] built ${output}`);
