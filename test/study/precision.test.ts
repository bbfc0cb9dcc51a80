// smoothlab study --precision on the CPU: a tiny bf16 study end to end (the precision recorded in
// config.json and the report), a bf16 run stopped mid-epoch and resumed ending exactly as an
// uninterrupted one, and fp16, which needs CUDA, refused before anything is written.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { train } from '../../src/index.js';
import { PRESETS } from '../../src/study/presets.js';
import { runStudy } from '../../src/study/runner.js';
import type { StudyConfig } from '../../src/study/config.js';
import { cudaAvailable } from '../../src/torch/runtime.js';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'smoothlab-precision-'));
const tiny = ['--preset', 'quick', '--train-limit', '300', '--val-limit', '100', '--epochs', '1', '--batch-size', '50', '--epsilons', '0', '--workers', '0', '--threads', '1', '--quiet'];
const study = (...args: string[]) => spawnSync(process.execPath, [main, 'study', ...tiny, ...args], { encoding: 'utf8' });

test('a tiny study with --precision bf16 trains, evaluates and records its precision', () => {
  const out = join(root, 'bf16');
  const r = study('--name', 'bf16', '--out', out, '--precision', 'bf16');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /resnet18 on cpu \(bf16\)/);
  const config = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  assert.equal(config.config.precision, 'bf16');
  assert.deepEqual(config.resolvedPrecision, { autocast: { deviceType: 'cpu', dtype: 'bfloat16' }, gradScaler: false });
  const data = JSON.parse(readFileSync(join(out, 'report-data.json'), 'utf8'));
  assert.equal(data.config.config.precision, 'bf16', 'the report shows the configuration with its precision');
  // Six steps at OneCycleLR's peak of 0.05 learn nothing in fp32 either: the numbers only need to exist.
  const [result] = data.results;
  for (const key of ['accuracy', 'nll', 'ece', 'nllScaled', 'eceScaled'] as const) assert.ok(Number.isFinite(result[key]), `${key} ${result[key]}`);
  assert.equal(data.penultimate.length, 2, 'both projections, from the features gathered on the device');
  assert.match(readFileSync(join(out, 'report.html'), 'utf8'), /&quot;precision&quot;: &quot;bf16&quot;|"precision": "bf16"/);
});

test('--precision fp16 on the CPU is refused before anything is written, naming the fix', () => {
  for (const device of ['cpu', ...(cudaAvailable() ? [] : ['auto'])]) {
    const out = join(root, `fp16-${device}`, 'run');
    const r = study('--name', 'fp16', '--out', out, '--precision', 'fp16', '--device', device);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /--precision fp16 \(float16 autocast with loss scaling\) needs a CUDA device, and this study runs on cpu; use --precision bf16 .*, or --device cuda/);
    assert.equal(existsSync(join(root, `fp16-${device}`, 'run')), false, `--device ${device}: nothing written`);
  }
  const bad = study('--precision', 'fp8');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--precision must be one of fp32, bf16, fp16, got 'fp8'/);
});

test('a bf16 run stopped after its first step and resumed ends as an uninterrupted one', async () => {
  const config = (name: string): StudyConfig => ({
    ...PRESETS.quick, name, out: join(root, name), precision: 'bf16', epsilons: [0], epochs: 1, batchSize: 50,
    trainLimit: 300, valLimit: 100, workers: 0, threads: 1,
  });
  const history = (name: string) => JSON.parse(readFileSync(join(root, name, 'runs', 'eps0-seed0', 'history.json'), 'utf8')) as train.History;
  const strip = (h: train.History) => ({ ...h, epochs: h.epochs.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest) });
  assert.equal((await runStudy(config('straight'), { quiet: true, print: () => {} })).completed, true);
  const controller = new AbortController();
  // Aborting as the run starts stops it after its first step, with a mid-epoch checkpoint.
  const stopped = await runStudy(config('resumed'), { quiet: true, signal: controller.signal, print: (line) => (line.includes('== eps0-seed0') ? controller.abort() : undefined) });
  assert.equal(stopped.completed, false);
  assert.ok(existsSync(join(root, 'resumed', 'runs', 'eps0-seed0', 'interrupted.safetensors')));
  assert.equal((await runStudy(config('resumed'), { quiet: true, print: () => {} })).completed, true);
  assert.deepEqual(strip(history('resumed')), strip(history('straight')));
  const evaluation = (name: string) => JSON.parse(readFileSync(join(root, name, 'runs', 'eps0-seed0', 'evaluation.json'), 'utf8')).evaluation.result;
  assert.deepEqual(evaluation('resumed'), evaluation('straight'), 'the same test-set numbers');
});
