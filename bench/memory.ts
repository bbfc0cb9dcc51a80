// Memory of loops that never free, smoothlab against PyTorch: 50,000 adds of 256x256 tensors, and
// 2,000 training steps of a small CNN over a DataLoader, written as PyTorch code is (no tidy, no
// dispose). PyTorch frees each result when its last reference goes; smoothlab relies on its GC
// safety net. Each side runs in its own process, one after the other, while this driver samples
// its resident memory; the table gives the peak, the growth over the process's start, and the time.
// Usage: node dist/bench/memory.js [--quick] [--threads N]
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { MemoryPlan } from './memory_worker.js';
import { watchPeakRss } from './rss.js';
import { printTable } from './table.js';

interface SideResult {
  rssStart: number;
  rssEnd: number;
  seconds: number;
  liveTensors: number | null;
  peakRss: number;
}

function runSide(command: string, args: readonly string[]): Promise<SideResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const rss = watchPeakRss(child.pid!, 20);
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const peakRss = rss.stop();
      if (code !== 0) return reject(new Error(`${command} ${args[0]} exited with ${code}`));
      resolve({ ...(JSON.parse(out.trim().split('\n').pop()!) as Omit<SideResult, 'peakRss'>), peakRss });
    });
  });
}

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, threads: { type: 'string', default: '2' } } });
const threads = Number(values.threads);
const cases: MemoryPlan[] = [
  { case: 'add', iters: values.quick ? 10_000 : 50_000, threads },
  { case: 'cnn', iters: values.quick ? 500 : 2_000, threads },
];
const worker = fileURLToPath(new URL('./memory_worker.js', import.meta.url));
const script = fileURLToPath(new URL('../../bench/memory.py', import.meta.url));
const python = process.env.SMOOTHLAB_PYTHON ?? '/usr/bin/python3';
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

const rows = [['case', 'side', 'peak RSS', 'growth', 'seconds', 'peak vs PyTorch']];
for (const plan of cases) {
  const json = JSON.stringify(plan);
  const ours = await runSide(process.execPath, [worker, json]);
  const theirs = await runSide(python, [script, json]);
  const name = plan.case === 'add' ? `${plan.iters} adds of 256x256, no tidy` : `${plan.iters} steps of a small CNN, no tidy`;
  rows.push([name, 'smoothlab', mb(ours.peakRss), mb(ours.peakRss - ours.rssStart), ours.seconds.toFixed(2), (ours.peakRss / theirs.peakRss).toFixed(2)]);
  rows.push(['', 'PyTorch', mb(theirs.peakRss), mb(theirs.peakRss - theirs.rssStart), theirs.seconds.toFixed(2), '']);
}
printTable(rows);
