// Runs the compiled test files (dist/test/**/*.test.js) with node:test, one file at a time so that
// libtorch's threads and the timing-sensitive memory test do not compete with each other.
// Arguments narrow the run to paths containing them: `npm test -- torch/golden`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'dist', 'test');

function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? find(join(dir, e.name)) : e.name.endsWith('.test.js') ? [join(dir, e.name)] : []);
}

const filters = process.argv.slice(2);
const files = find(testDir).sort().filter((f) => filters.length === 0 || filters.some((s) => relative(testDir, f).includes(s)));
if (files.length === 0) {
  console.error(`run-tests: no test files in ${testDir} match ${filters.join(' ') || '*.test.js'}`);
  process.exit(2);
}
// The tests' temporary folders (mkdtemp under os.tmpdir(), Python's tempfile) all go into one folder
// per run, removed afterwards: a run leaves nothing behind in the system's temporary folder, even
// where a failing test could not clean up after itself.
const scratch = mkdtempSync(join(tmpdir(), 'smoothlab-tests-'));
const run = spawnSync(process.execPath, ['--expose-gc', '--test', '--test-concurrency=1', ...files], {
  stdio: 'inherit', env: { ...process.env, TMPDIR: scratch },
});
rmSync(scratch, { recursive: true, force: true });
process.exit(run.status ?? 1);
