// Locates libtorch for the native build, in the documented order:
//   1. LIBTORCH=/path/to/libtorch (a folder with include/ and lib/, e.g. an official download),
//   2. LIBTORCH_USE_PYTORCH=1 (the libtorch inside an installed Python `torch`),
//   3. the system install (Debian/Ubuntu: apt-get install libtorch-dev).
// Prints the result as JSON when run directly.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HOW_TO_FIX = `libtorch was not found. Any one of these fixes it:
  1. Debian/Ubuntu: sudo apt-get install libtorch-dev   (CPU build, used by default)
  2. LIBTORCH=/path/to/libtorch   (an unpacked official libtorch folder with include/ and lib/)
  3. LIBTORCH_USE_PYTORCH=1   (use the libtorch inside an installed Python torch; PYTHON picks the interpreter)`;

/** Reads TORCH_VERSION_{MAJOR,MINOR,PATCH} from torch/csrc/api/include/torch/version.h. */
function headerVersion(apiInclude) {
  const file = join(apiInclude, 'torch', 'version.h');
  if (!existsSync(file)) return 'unknown';
  const text = readFileSync(file, 'utf8');
  const part = (name) => text.match(new RegExp(`#define TORCH_VERSION_${name} (\\d+)`))?.[1] ?? '?';
  return `${part('MAJOR')}.${part('MINOR')}.${part('PATCH')}`;
}

function hasCuda(libDirs) {
  return libDirs.some((dir) => existsSync(join(dir, 'libtorch_cuda.so')));
}

function fromFolder(root, source) {
  const include = join(root, 'include');
  const lib = join(root, 'lib');
  const apiInclude = join(include, 'torch', 'csrc', 'api', 'include');
  if (!existsSync(join(apiInclude, 'torch', 'torch.h')) || !existsSync(join(lib, 'libtorch.so'))) {
    throw new Error(`${source}=${root} is not a libtorch folder: expected ${apiInclude}/torch/torch.h and ${lib}/libtorch.so.\n\n${HOW_TO_FIX}`);
  }
  return {
    source,
    includeDirs: [include, apiInclude],
    libDirs: [lib],
    version: headerVersion(apiInclude),
    cuda: hasCuda([lib]),
    cxx11Abi: process.env.LIBTORCH_CXX11_ABI === undefined ? null : process.env.LIBTORCH_CXX11_ABI !== '0',
  };
}

function fromPython() {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3', 'python'];
  const probe = [
    'import json, torch, torch.utils.cpp_extension as ext',
    'print(json.dumps({"include": ext.include_paths(), "lib": ext.library_paths(), "version": torch.__version__.split("+")[0],',
    ' "cuda": torch.version.cuda is not None, "abi": bool(torch._C._GLIBCXX_USE_CXX11_ABI)}))',
  ].join('\n');
  const errors = [];
  for (const python of candidates) {
    try {
      const info = JSON.parse(execFileSync(python, ['-c', probe], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
      return { source: `LIBTORCH_USE_PYTORCH (${python})`, includeDirs: info.include, libDirs: info.lib, version: info.version, cuda: info.cuda || hasCuda(info.lib), cxx11Abi: info.abi };
    } catch (error) {
      errors.push(`${python}: ${String(error.stderr || error.message).trim().split('\n').pop()}`);
    }
  }
  throw new Error(`LIBTORCH_USE_PYTORCH=1 is set but no Python with torch was found (${errors.join('; ')}).\n\n${HOW_TO_FIX}`);
}

function multiarchLibDirs() {
  const dirs = [];
  try {
    dirs.push(join('/usr/lib', execFileSync('gcc', ['-print-multiarch'], { encoding: 'utf8' }).trim()));
  } catch {
    // no gcc multiarch: fall back to the plain folders below
  }
  return [...dirs, '/usr/lib', '/usr/local/lib', '/usr/lib64'];
}

function fromSystem() {
  for (const prefix of ['/usr/include', '/usr/local/include']) {
    const apiInclude = join(prefix, 'torch', 'csrc', 'api', 'include');
    if (!existsSync(join(apiInclude, 'torch', 'torch.h'))) continue;
    const lib = multiarchLibDirs().find((dir) => existsSync(dir) && readdirSync(dir).includes('libtorch.so'));
    if (!lib) continue;
    return { source: 'system', includeDirs: [apiInclude], libDirs: [lib], version: headerVersion(apiInclude), cuda: hasCuda([lib]), cxx11Abi: null };
  }
  return null;
}

/** Returns { source, includeDirs, libDirs, version, cuda, cxx11Abi }, or throws with the three fixes. */
export function findLibtorch() {
  if (process.env.LIBTORCH) return fromFolder(process.env.LIBTORCH, 'LIBTORCH');
  if (process.env.LIBTORCH_USE_PYTORCH === '1') return fromPython();
  const system = fromSystem();
  if (system) return system;
  throw new Error(HOW_TO_FIX);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(JSON.stringify(findLibtorch(), null, 2));
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
