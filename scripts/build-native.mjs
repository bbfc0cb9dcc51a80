// Builds build/smoothlab.node from native/*.cc against the libtorch that find-libtorch.mjs finds.
// Incremental: a unit is recompiled only when it, a header, or the compiler flags changed, since
// each unit costs ~25 s of libtorch headers. Units compile in parallel, one per core.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findLibtorch } from './find-libtorch.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(root, 'native');
const buildDir = join(root, 'build');
const objDir = join(buildDir, 'obj');
const output = join(buildDir, 'smoothlab.node');
const infoFile = join(buildDir, 'build-info.json');
const require = createRequire(import.meta.url);
// Flags of single units. fused.cc splits its loops with at::parallel_for, whose OpenMP body is a
// header template (compiled serially without -fopenmp; the symbols come from libtorch's own OpenMP
// runtime, so nothing is linked); -ffp-contract=off keeps its float operations exactly as written.
const unitFlags = { 'fused.cc': ['-fopenmp', '-ffp-contract=off'] };
// Headers in subfolders of native/ that one unit includes (the top-level headers concern them all).
const unitHeaders = { 'core.cc': ['runtime/cpu_heap.h'], 'fused.cc': ['fused/batch_norm.h', 'fused/batch_norm_training.h', 'fused/kernels.h'] };

// libtorch 2.14's headers refuse anything older than C++20 (#error in ATen/ATen.h and torch/all.h);
// older ones are built as C++17, the standard they were written for. SMOOTHLAB_CXX_STD=c++17|c++20
// overrides the choice (a libtorch whose version reads oddly, a compiler of its own).
export function cxxStandard(version) {
  const chosen = process.env.SMOOTHLAB_CXX_STD;
  if (chosen) {
    if (!/^(c|gnu)\+\+\d\d$/.test(chosen)) throw new Error(`SMOOTHLAB_CXX_STD must name a standard such as c++17 or c++20, got '${chosen}'`);
    return chosen;
  }
  const [major, minor] = String(version).split('.').map((part) => Number.parseInt(part, 10));
  return major > 2 || (major === 2 && minor >= 14) ? 'c++20' : 'c++17';
}

function nodeIncludeDir() {
  const candidates = [
    process.env.npm_config_nodedir && join(process.env.npm_config_nodedir, 'include', 'node'),
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
  ].filter(Boolean);
  const found = candidates.find((dir) => existsSync(join(dir, 'node_api.h')));
  if (!found) throw new Error(`Node's headers (node_api.h) were not found in ${candidates.join(', ')}; install Node's development headers.`);
  return found;
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} exited with ${code}`))));
  });
}

function mtime(file) {
  return existsSync(file) ? statSync(file).mtimeMs : 0;
}

/** The compiler and flags that build native/*.cc (the C++ drift test reuses them); paths are relative to the package root. */
export function nativeFlags() {
  const torch = findLibtorch();
  const napiInclude = require('node-addon-api').include_dir;
  // c10d's Gloo backend includes gloo's own headers (Debian: libgloo-dev, not pulled in by
  // libtorch-dev); without them the addon builds without it and initProcessGroup says so.
  const gloo = [...torch.includeDirs, '/usr/include', '/usr/local/include'].some((dir) => existsSync(join(dir, 'gloo', 'config.h')));
  const defines = [
    'NAPI_VERSION=8',
    'NAPI_CPP_EXCEPTIONS',
    'NODE_ADDON_API_DISABLE_DEPRECATED',
    `SMOOTHLAB_LIBTORCH_VERSION="${torch.version}"`,
    ...(torch.cuda ? ['SMOOTHLAB_WITH_CUDA'] : []),
    ...(gloo ? ['USE_C10D_GLOO'] : []),
    ...(torch.cxx11Abi === null ? [] : [`_GLIBCXX_USE_CXX11_ABI=${torch.cxx11Abi ? 1 : 0}`]),
  ];
  const compileFlags = [
    `-std=${cxxStandard(torch.version)}`, '-O2', '-fPIC', '-fvisibility=hidden', '-Wall', '-Wno-unused-parameter',
    ...defines.map((d) => `-D${d}`),
    `-I${nodeIncludeDir()}`, `-I${napiInclude}`,
    ...torch.includeDirs.map((dir) => `-isystem${dir}`),
    `-isystem${join(nativeDir, 'compat')}`,  // last: stand-ins for headers a libtorch package lacks
  ];
  const cudaLibs = torch.cuda ? ['-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed'] : [];
  const linkFlags = [
    '-shared',
    ...torch.libDirs.flatMap((dir) => [`-L${dir}`, `-Wl,-rpath,${dir}`]),
    ...cudaLibs, '-ltorch', '-ltorch_cpu', '-lc10',
  ];
  return { torch, compiler: process.env.CXX || 'g++', compileFlags, linkFlags };
}

async function main() {
  // The bindings come from native/bindings.txt; a published package ships the generated files
  // without the generator, and builds them as they are.
  const generator = join(root, 'scripts', 'gen-bindings.mjs');
  if (existsSync(generator)) await run(process.execPath, [generator]);
  const { torch, compiler, compileFlags, linkFlags } = nativeFlags();
  const flagsHash = createHash('sha256').update(JSON.stringify([compileFlags, linkFlags])).digest('hex').slice(0, 16);
  // Objects built with other flags (another libtorch, another ABI) are discarded up front, so that a
  // failed build keeps the units that did compile with the current flags.
  const flagsFile = join(objDir, 'flags.hash');
  if (!existsSync(flagsFile) || readFileSync(flagsFile, 'utf8') !== flagsHash) {
    rmSync(objDir, { recursive: true, force: true });
    mkdirSync(objDir, { recursive: true });
    writeFileSync(flagsFile, flagsHash);
  }
  const sources = readdirSync(nativeDir).filter((f) => f.endsWith('.cc')).sort();
  const newestHeader = Math.max(0, ...readdirSync(nativeDir).filter((f) => f.endsWith('.h')).map((f) => mtime(join(nativeDir, f))));
  const stale = sources.filter((src) => {
    const obj = join(objDir, src.replace(/\.cc$/, '.o'));
    return mtime(obj) < Math.max(mtime(join(nativeDir, src)), newestHeader, ...(unitHeaders[src] ?? []).map((h) => mtime(join(nativeDir, h))));
  });

  const queue = [...stale];
  const worker = async () => {
    for (let src = queue.shift(); src; src = queue.shift()) {
      console.log(`[smoothlab] compiling native/${src} (libtorch ${torch.version}, ${torch.source})`);
      const obj = join(objDir, src.replace(/\.cc$/, '.o'));
      await run(compiler, [...compileFlags, ...(unitFlags[src] ?? []), '-c', join(nativeDir, src), '-o', `${obj}.tmp`]);
      renameSync(`${obj}.tmp`, obj);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), stale.length) }, worker));

  const objects = sources.map((src) => join(objDir, src.replace(/\.cc$/, '.o')));
  if (stale.length > 0 || !existsSync(output) || Math.max(...objects.map(mtime)) > mtime(output)) {
    await run(compiler, [...objects, ...linkFlags, '-o', `${output}.tmp`]);
    renameSync(`${output}.tmp`, output);  // an interrupted link never leaves a broken addon behind
  }
  const info = { libtorchVersion: torch.version, source: torch.source, cuda: torch.cuda, libDirs: torch.libDirs, flagsHash };
  writeFileSync(infoFile, `${JSON.stringify(info, null, 2)}\n`);
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

// One build at a time per package folder: two at once (an `npm rebuild` beside a setup, or two
// terminals) would race on build/obj. A lock left by a killed build is taken over.
async function withBuildLock(fn) {
  mkdirSync(buildDir, { recursive: true });
  const lock = join(buildDir, '.build.lock');
  let told = false;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const text = readFileSync(lock, 'utf8');
      const holder = Number.parseInt(text, 10);
      // An empty lock is one being written this instant, not a stale one.
      if (text !== '' && (!Number.isInteger(holder) || !alive(holder))) {
        rmSync(lock, { force: true });
        continue;
      }
      if (!told) console.log(`[smoothlab] waiting for the native build of pid ${holder} to finish`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

// Run, not imported (the drift test imports it); realpath: npm may reach the package through a symlink.
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  withBuildLock(main).catch((error) => {
    console.error(`[smoothlab] native build failed: ${error.message}`);
    process.exit(1);
  });
}
