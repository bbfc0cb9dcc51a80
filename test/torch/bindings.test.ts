// The typed native boundary: native/bindings.txt is the one list of bindings, the generated C++ and
// TS agree with it, the addon exports exactly its bindings, and a call or an implementation whose
// arguments disagree with it fails to compile on either side.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { torch } from '../../src/index.js';
import { native } from '../../src/torch/native.js';
import { bindingNames } from '../../src/torch/native.gen.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const generator = join(root, 'scripts', 'gen-bindings.mjs');
const manifest = readFileSync(join(root, 'native', 'bindings.txt'), 'utf8');

function inTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-bindings-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('the generated files match native/bindings.txt (gen-bindings --check)', () => {
  const r = spawnSync(process.execPath, [generator, '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /generated files up to date/);
});

test('--check names the binding and the file that are out of date', () => inTempDir((dir) => {
  const edited = manifest
    .replace('add(self: Tensor, other: Tensor, alpha: Scalar?) -> Tensor', 'add(self: Tensor, other: Tensor, alpha: Scalar) -> Tensor')
    .replace('cumsum(self: Tensor, dim: int, dtype: Dtype?) -> Tensor\n', '');
  assert.notEqual(edited, manifest);
  const file = join(dir, 'bindings.txt');
  writeFileSync(file, edited);
  const r = spawnSync(process.execPath, [generator, '--check', '--manifest', file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  for (const out of ['native/bindings.gen.h', 'src/torch/native.gen.ts']) {
    assert.match(r.stderr, new RegExp(`${out} is out of date for binding 'add'`));
    assert.match(r.stderr, new RegExp(`${out} has binding 'cumsum', which the manifest does not declare`));
  }
  assert.doesNotMatch(r.stderr, /binding 'sub'/);
}));

test('a manifest line with an unknown type is an error naming the line', () => inTempDir((dir) => {
  const file = join(dir, 'bindings.txt');
  writeFileSync(file, manifest.replace('cumsum(self: Tensor, dim: int,', 'cumsum(self: Tensor, dim: long,'));
  const r = spawnSync(process.execPath, [generator, '--check', '--manifest', file], { encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /bindings\.txt:\d+: unknown argument type 'long'/);
}));

test('the addon exports exactly the bindings the manifest declares', () => {
  const declared = manifest.split('\n').filter((line) => /^\w+(\.\w+)?\(/.test(line)).length;
  assert.equal(bindingNames.length, declared);
  const exported = Object.keys(native).filter((k) => !['version', 'builtWithCuda', 'cpuHeapKept'].includes(k));
  assert.deepEqual([...exported].sort(), [...bindingNames].sort());
  for (const name of bindingNames) {
    const fn: unknown = native[name];
    assert.equal(typeof fn, 'function', name);
    assert.equal((fn as { name: string }).name, name);
  }
  assert.equal(typeof native.version, 'string');
  assert.equal(typeof native.builtWithCuda, 'boolean');
});

test('a stale handle is refused by value, not dereferenced', () => {
  const t = torch.ones([2]);
  const h = t.handle;
  t.dispose();
  assert.equal(native.dispose(h), false);
  assert.throws(() => native.neg(h), /^TypeError: neg: argument 0 must be a live Tensor \(this one was disposed\)$/);
  assert.throws(() => native.split(h, 1), /^TypeError: split: argument 0 must be a live Tensor/);
});

test('overloads report the op the user called', () => torch.tidy(() => {
  const x = torch.ones([2, 3]);
  assert.throws(() => x.max(5), (e: torch.TorchError) => e instanceof torch.TorchError && e.op === 'max');
  assert.throws(() => x.split([1, 1], 1), (e: torch.TorchError) => e instanceof torch.TorchError && e.op === 'split');
  assert.throws(() => torch.foreachAdd_([x], 'a' as unknown as number), /^TypeError: foreachAdd_: argument 1 must be a number, boolean or bigint$/);
  assert.deepEqual(x.split([1, 2], 1).map((p) => p.shape), [[2, 1], [2, 2]]);
}));

test('a TS call that disagrees with the manifest fails to type-check, at the argument', () => inTempDir((dir) => {
  const gen = join(root, 'src', 'torch', 'native.gen.js');
  const handle = join(root, 'src', 'torch', 'native.js');
  const lines = [
    `import type { NativeBindings } from '${gen}';`,
    `import type { Handle } from '${handle}';`,
    'declare const native: NativeBindings;',
    'declare const x: Handle;',
    'native.add(x, x, 2);',
    "native.add(x, 'two');",
    'native.conv2d(x, x);',
    'native.split(x, [1, 2]);',
  ];
  writeFileSync(join(dir, 'drift.ts'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022',
      lib: ['ES2022', 'ESNext.Disposable'], types: ['node'], typeRoots: [join(root, 'node_modules', '@types')], skipLibCheck: true,
    },
    files: ['drift.ts'],
  }));
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--pretty', 'false'], { encoding: 'utf8', cwd: dir });
  assert.notEqual(r.status, 0);
  const errors = r.stdout.split('\n').filter((l) => l.startsWith('drift.ts('));
  const at = (line: number) => errors.filter((e) => e.startsWith(`drift.ts(${line},`));
  assert.deepEqual(at(5), [], 'a call that matches the manifest type-checks');
  // native.add(x, 'two'): the error sits on the second argument (column 15) and names its declared type.
  assert.match(at(6).join('\n'), /^drift\.ts\(6,15\): error TS2345: Argument of type 'string' is not assignable to parameter of type 'Handle'/);
  assert.match(at(7).join('\n'), /error TS2554: Expected 6-7 arguments, but got 2/);
  assert.match(at(8).join('\n'), /^drift\.ts\(8,17\): error TS2345: Argument of type 'number\[\]' is not assignable to parameter of type 'number'/);
  assert.equal(errors.length, 3, r.stdout);
}));

interface NativeFlags {
  compiler: string;
  compileFlags: string[];
}

test('a C++ implementation whose parameters disagree with the manifest fails to compile', async (t) => {
  const buildNative = pathToFileURL(join(root, 'scripts', 'build-native.mjs')).href;
  let flags: NativeFlags;
  try {
    flags = ((await import(buildNative)) as { nativeFlags: () => NativeFlags }).nativeFlags();
  } catch (error) {
    t.skip(`no libtorch to compile against: ${(error as Error).message.split('\n')[0]}`);
    return;
  }
  inTempDir((dir) => {
    const source = join(dir, 'drift.cc');
    // Written as the units write their implementations.
    writeFileSync(source, [
      '#include "bindings.gen.h"',
      'namespace smoothlab {',
      '// neg(self: Tensor) -> Tensor, as declared.',
      'at::Tensor impl::neg(const at::Tensor& self) { return self.neg(); }',
      '// add(self: Tensor, other: Tensor, alpha: Scalar?) -> Tensor, with alpha as a double.',
      'at::Tensor impl::add(const at::Tensor& self, const at::Tensor& other, double alpha) { return self; }',
      '}  // namespace smoothlab',
      '',
    ].join('\n'));
    const started = performance.now();
    // -O0: a syntax check optimizes nothing, and the flag hash of the real build is not involved.
    const args = [...flags.compileFlags.filter((f) => f !== '-O2'), `-I${join(root, 'native')}`, '-fsyntax-only', source];
    const r = spawnSync(flags.compiler, args, { encoding: 'utf8', cwd: root, env: { ...process.env, LC_ALL: 'C' } });
    const seconds = (performance.now() - started) / 1000;
    t.diagnostic(`g++ -fsyntax-only took ${seconds.toFixed(1)} s`);
    assert.notEqual(r.status, 0);
    const errors = r.stderr.split('\n').filter((l) => l.includes('error:'));
    assert.equal(errors.length, 1, r.stderr);
    // GCC: "'...' should have been declared inside 'smoothlab::impl'"; clang: "out-of-line definition
    // of 'add' does not match any declaration".
    assert.match(errors[0], /drift\.cc:6:\d+: error: .*(smoothlab::impl::add\(const at::Tensor&, const at::Tensor&, double\)|'add')/);
    assert.match(errors[0], /should have been declared inside 'smoothlab::impl'|no declaration matches|does not match any declaration/);
  });
});
