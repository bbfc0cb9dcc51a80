// Benchmark, not a test: the all-reduce of ResNet-18's 11,181,642 float32 gradients between two
// ranks over loopback, smoothlab against Python's torch.distributed on the same Gloo, in one run.
// `node dist/bench/distributed_allreduce.js`; a rank runs this file with RANK set.
import { spawn } from 'node:child_process';
import { freePort } from '../src/cli/launch_command.js';
import { fileURLToPath } from 'node:url';

const N = 11_181_642;
const REPEATS = 10;

async function rank(): Promise<void> {
  const { torch } = await import('../src/index.js');
  const dist = torch.distributed;
  torch.setNumThreads(1);
  await dist.initProcessGroup({ backend: 'gloo', initMethod: `tcp://127.0.0.1:${process.env.MASTER_PORT}`, rank: Number(process.env.RANK), worldSize: Number(process.env.WORLD_SIZE), timeoutMs: 120_000 });
  const t = torch.ones([N]);
  await dist.allReduce(t);
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    await dist.barrier();
    const start = performance.now();
    await dist.allReduce(t);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(JSON.stringify({ ms: (times[REPEATS / 2 - 1] + times[REPEATS / 2]) / 2 }));
  dist.destroyProcessGroup();
}

async function pair(command: string, args: string[]): Promise<number> {
  const port = await freePort();
  const outs = await Promise.all([0, 1].map((r) => new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, MASTER_PORT: String(port), RANK: String(r), WORLD_SIZE: '2', OMP_NUM_THREADS: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} rank ${r} exited with ${code}`))));
  })));
  return Math.max(...outs.map((o) => (JSON.parse(o.trim().split('\n').pop()!) as { ms: number }).ms));
}

if (process.env.RANK !== undefined) {
  await rank();
} else {
  const python = await pair('/usr/bin/python3', [fileURLToPath(new URL('../../bench/distributed_allreduce.py', import.meta.url))]);
  const ours = await pair(process.execPath, [fileURLToPath(import.meta.url)]);
  const mb = (N * 4) / 1e6;
  console.log(`allReduce of ${N.toLocaleString('en')} float32 (${mb.toFixed(1)} MB), 2 ranks over loopback, median of ${REPEATS}:`);
  console.log(`  Python torch.distributed (Gloo)  ${python.toFixed(1)} ms`);
  console.log(`  smoothlab (Gloo)                 ${ours.toFixed(1)} ms`);
  console.log(`  throughput ratio smoothlab / Python: ${(python / ours).toFixed(2)} (target >= 0.95)`);
}
