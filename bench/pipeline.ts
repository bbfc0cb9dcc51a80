// The notebook's pipeline, end to end: smoothlab against PyTorch on the same images, in one run.
// Usage: node dist/bench/pipeline.js [--quick] [--threads N] [--dataset cifar|fashion|both]
//        [--no-channels-last]
// Each side runs in its own process (bench/pipeline_worker.ts, bench/pipeline.py), one after the
// other, while this driver samples the resident memory of its process tree (PyTorch's DataLoader
// workers are processes, smoothlab's are threads). The table gives training images/s (step only, and
// end to end with augmentation and loading), evaluation images/s, epoch time and peak RSS, with the
// ratio smoothlab / PyTorch for each. Step only is short enough to be timed in turns: a few rounds
// of one short process per side, the ratio being the median over rounds (bench/turns.ts says why).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { Generator } from '../src/data/generator.js';
import { evalBatchSize } from '../src/study/data.js';
import type { PipelinePlan } from './pipeline_worker.js';
import { watchPeakRss } from './rss.js';
import { printTable } from './table.js';
import { Turns, median } from './turns.js';

interface SideResult {
  version: string;
  threads: number;
  epochSeconds: number[];
  evalRate: number;
  peakRss: number;
}

interface StepOnlyResult {
  stepRate: number;
}

interface DataCase {
  name: string;
  images: Uint8Array;
  labels: Uint8Array;
  height: number;
  width: number;
  channels: number;
  autoAugment: boolean;
  /** Whether smoothlab stores weights channels-last here (as the study's presets: CIFAR yes, Fashion-MNIST no). */
  channelsLast: boolean;
}

// CIFAR-shaped images: smooth random blobs rather than white noise, so that the augmentation ops
// (which are content-independent in cost) see image-like statistics; labels uniform over 10 classes.
function syntheticCifar(count: number): DataCase {
  const g = new Generator().manualSeed(0);
  const images = new Uint8Array(count * 32 * 32 * 3);
  for (let i = 0; i < images.length; i++) {
    const pixel = Math.floor(i / 3) % 1024;
    images[i] = Math.floor(128 + 60 * Math.sin(pixel / 37 + (i % 3)) + 60 * (g.random() - 0.5));
  }
  const labels = Uint8Array.from({ length: count }, () => g.randint(0, 10));
  return { name: 'CIFAR-shaped 3x32x32', images, labels, height: 32, width: 32, channels: 3, autoAugment: true, channelsLast: true };
}

// The first `count` Fashion-MNIST training images from Debian's package (flip only, as the study).
function fashionMnist(count: number): DataCase {
  const root = '/usr/share/datasets/fashion-mnist';
  const images = gunzipSync(readFileSync(join(root, 'train-images-idx3-ubyte.gz'))).subarray(16, 16 + count * 784);
  const labels = gunzipSync(readFileSync(join(root, 'train-labels-idx1-ubyte.gz'))).subarray(8, 8 + count);
  return { name: 'Fashion-MNIST 1x28x28', images, labels, height: 28, width: 28, channels: 1, autoAugment: false, channelsLast: false };
}

function channelStats(d: DataCase): { mean: number[]; std: number[] } {
  const sums = new Array<number>(d.channels).fill(0);
  const squares = new Array<number>(d.channels).fill(0);
  for (let i = 0; i < d.images.length; i++) {
    const v = d.images[i] / 255;
    sums[i % d.channels] += v;
    squares[i % d.channels] += v * v;
  }
  const n = d.images.length / d.channels;
  const mean = sums.map((s) => s / n);
  return { mean, std: squares.map((s, c) => Math.sqrt(s / n - mean[c] ** 2)) };
}

function runSide<R>(command: string, args: readonly string[]): Promise<R & { peakRss: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const rss = watchPeakRss(child.pid!);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const peakRss = rss.stop();
      if (code !== 0) return reject(new Error(`${command} ${args[0]} exited with ${code}`));
      resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as R), peakRss });
    });
  });
}

function parseFlags() {
  try {
    const { values } = parseArgs({
      options: { quick: { type: 'boolean', default: false }, threads: { type: 'string', default: '2' }, dataset: { type: 'string', default: 'both' }, 'no-channels-last': { type: 'boolean', default: false } },
      strict: true,
    });
    const threads = Number(values.threads);
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads must be a positive integer, got '${values.threads}'`);
    if (!['cifar', 'fashion', 'both'].includes(values.dataset!)) throw new Error(`--dataset must be cifar, fashion or both, got '${values.dataset}'`);
    return { quick: values.quick!, threads, dataset: values.dataset!, channelsLast: !values['no-channels-last'] };
  } catch (error) {
    console.error(`pipeline bench: ${(error as Error).message}\nusage: node dist/bench/pipeline.js [--quick] [--threads N] [--dataset cifar|fashion|both] [--no-channels-last]`);
    process.exit(2);
  }
}

async function main(): Promise<void> {
  const flags = parseFlags();
  const count = flags.quick ? 2560 : 10240;
  const cases = [...(flags.dataset !== 'fashion' ? [syntheticCifar(count)] : []), ...(flags.dataset !== 'cifar' ? [fashionMnist(count)] : [])];
  const dir = mkdtempSync(join(tmpdir(), 'smoothlab-pipeline-'));
  const worker = fileURLToPath(new URL('./pipeline_worker.js', import.meta.url));
  const reference = fileURLToPath(new URL('../../bench/pipeline.py', import.meta.url));
  const rows: string[][] = [];
  const loadBefore = loadavg()[0];
  try {
    for (const d of cases) {
      writeFileSync(join(dir, 'images.bin'), d.images);
      writeFileSync(join(dir, 'labels.bin'), d.labels);
      // Both sides evaluate in batches of the size the study evaluates in (the training batch here).
      const plan: PipelinePlan = {
        imagesFile: join(dir, 'images.bin'), labelsFile: join(dir, 'labels.bin'), count, height: d.height, width: d.width, channels: d.channels,
        ...channelStats(d), autoAugment: d.autoAugment, batchSize: 256, evalBatchSize: evalBatchSize({ batchSize: 256 }),
        // PyTorch's notebook loader uses 2 worker processes; smoothlab's augmentation is cheap enough for 1 thread.
        workers: 2, threads: flags.threads, epochs: flags.quick ? 2 : 3, warmupSteps: 2, steps: flags.quick ? 3 : 6, channelsLast: flags.channelsLast && d.channelsLast,
        mode: 'pipeline',
      };
      const python = process.env.SMOOTHLAB_PYTHON ?? '/usr/bin/python3';
      const sides = {
        py: (p: PipelinePlan) => [python, [reference, JSON.stringify(p)]] as const,
        sl: (p: PipelinePlan) => [process.execPath, [worker, JSON.stringify({ ...p, workers: 1 })]] as const,
      };
      const stepRates: number[][] = [[], []];
      const rounds = flags.quick ? 2 : 3;
      for (let r = 0; r < rounds; r++) {
        console.error(`[pipeline] ${d.name}: step only, round ${r + 1} of ${rounds}`);
        // The side going first alternates, so that neither always follows the other.
        for (const side of r % 2 === 0 ? (['py', 'sl'] as const) : (['sl', 'py'] as const)) {
          const result = await runSide<StepOnlyResult>(...sides[side]({ ...plan, mode: 'stepOnly' }));
          stepRates[side === 'sl' ? 0 : 1].push(result.stepRate);
        }
      }
      const steps = new Turns(stepRates);
      console.error(`[pipeline] ${d.name}: PyTorch...`);
      const py = await runSide<SideResult>(...sides.py(plan));
      console.error(`[pipeline] ${d.name}: smoothlab...`);
      const sl = await runSide<SideResult>(...sides.sl(plan));
      const e2e = (r: SideResult) => count / median(r.epochSeconds);
      const ratio = (a: number, b: number) => (a / b).toFixed(2);
      const mb = (b: number) => `${(b / 1048576).toFixed(0)} MB`;
      rows.push(
        [d.name, 'train step only (img/s)', steps.rate(0).toFixed(0), steps.rate(1).toFixed(0), steps.ratio(0, 1).toFixed(2), ''],
        ['', 'train end to end (img/s)', e2e(sl).toFixed(0), e2e(py).toFixed(0), ratio(e2e(sl), e2e(py)), '>= 1.25'],
        ['', `epoch of ${count} images (s)`, median(sl.epochSeconds).toFixed(1), median(py.epochSeconds).toFixed(1), ratio(median(py.epochSeconds), median(sl.epochSeconds)), '(speed-up)'],
        ['', 'evaluation (img/s)', sl.evalRate.toFixed(0), py.evalRate.toFixed(0), ratio(sl.evalRate, py.evalRate), '>= 1.20'],
        ['', 'peak RSS', mb(sl.peakRss), mb(py.peakRss), ratio(sl.peakRss, py.peakRss), '<= 0.60'],
      );
      if (cases.indexOf(d) === 0) console.log(`pipeline bench${flags.quick ? ' (quick)' : ''}: smoothlab on libtorch ${sl.version} (${sl.threads} threads, 1 loader thread${flags.channelsLast ? ', channels-last weights for 3-channel images' : ''}) vs PyTorch ${py.version} (${py.threads} threads, 2 loader processes); ResNet-18, batch 256, AdamW + OneCycleLR, label smoothing 0.1`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`load average ${loadBefore.toFixed(2)} -> ${loadavg()[0].toFixed(2)}; ratio = smoothlab / PyTorch (rates: > 1 is faster; RSS: < 1 is smaller), and PyTorch / smoothlab for epoch time (the speed-up)\n`);
  printTable([['data', 'measure', 'smoothlab', 'PyTorch', 'ratio', 'target'], ...rows]);
}

main().catch((error: unknown) => {
  console.error(`pipeline bench: ${(error as Error).message}`);
  process.exit(1);
});
