// Accuracy parity, not speed: `smoothlab study --preset seed` on Fashion-MNIST (the whole training
// set) against the course notebook's own loop in PyTorch (bench/notebook_parity.py), same recipe,
// same data, one run per epsilon each. Prints accuracy, NLL and ECE side by side and exits 1 when
// an accuracy differs by more than one point. Usage: node dist/bench/notebook_parity.js [--epochs N]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { FASHION_MNIST_DEBIAN_ROOT } from '../src/vision/datasets/mnist.js';
import { printTable } from './table.js';

interface Row { epsilon: number; accuracy: number; nll: number; ece: number }

const { values } = parseArgs({ options: { epochs: { type: 'string', default: '5' }, keep: { type: 'boolean', default: false } } });
const epochs = Number(values.epochs);
if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`--epochs must be a positive integer, got ${values.epochs}`);
const epsilons = [0, 0.1];
const seed = 512;

// smoothlab: the seed preset as a user runs it, on the CPU, into a scratch folder.
const out = mkdtempSync(join(tmpdir(), 'smoothlab-parity-'));
const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const started = Date.now();
const study = spawnSync(process.execPath, [cli, 'study', '--preset', 'seed', '--dataset', 'fashion-mnist', '--no-download', '--device', 'cpu',
  '--epochs', String(epochs), '--epsilons', epsilons.join(','), '--seed', String(seed), '--out', out, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
if (study.status !== 0) throw new Error(`smoothlab study exited with ${study.status}`);
const ours = (JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { runs: Row[] }).runs;
const oursSeconds = (Date.now() - started) / 1000;
if (!values.keep) rmSync(out, { recursive: true, force: true });

// PyTorch: the notebook's loop with its 2 DataLoader workers.
const python = process.env.SMOOTHLAB_PYTHON ?? '/usr/bin/python3';
const script = fileURLToPath(new URL('../../bench/notebook_parity.py', import.meta.url));
const plan = { dataRoot: FASHION_MNIST_DEBIAN_ROOT, epochs, epsilons, seed, batchSize: 256, workers: 2, threads: 2 };
const reference = spawnSync(python, [script, JSON.stringify(plan)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
if (reference.status !== 0) throw new Error(`${python} ${script} exited with ${reference.status}; it needs python3-torch and python3-torchvision`);
const theirs = JSON.parse(reference.stdout.trim().split('\n').at(-1)!) as { torch: string; torchvision: string; rows: (Row & { seconds: number })[] };

const pct = (x: number) => (100 * x).toFixed(2);
console.log(`seed preset, Fashion-MNIST 60,000/10,000, ${epochs} epochs, seed ${seed}; PyTorch ${theirs.torch}, torchvision ${theirs.torchvision}`);
console.log(`smoothlab ${oursSeconds.toFixed(0)} s in all; PyTorch ${theirs.rows.reduce((s, r) => s + r.seconds, 0).toFixed(0)} s\n`);
const rows = [['epsilon', 'accuracy % smoothlab', 'PyTorch', 'difference', 'NLL smoothlab', 'PyTorch', 'ECE % smoothlab', 'PyTorch']];
let worst = 0;
for (const eps of epsilons) {
  const a = ours.find((r) => r.epsilon === eps)!;
  const b = theirs.rows.find((r) => r.epsilon === eps)!;
  const diff = 100 * (a.accuracy - b.accuracy);
  worst = Math.max(worst, Math.abs(diff));
  rows.push([String(eps), pct(a.accuracy), pct(b.accuracy), diff.toFixed(2), a.nll.toFixed(4), b.nll.toFixed(4), pct(a.ece), pct(b.ece)]);
}
printTable(rows);
console.log(`\nlargest accuracy difference: ${worst.toFixed(2)} points (target: at most 1)`);
process.exitCode = worst <= 1 ? 0 : 1;
