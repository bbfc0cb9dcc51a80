// `smoothlab launch`: torchrun's variables, a healthy job, a rank that dies, a port in use.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rankEnvironments, superviseRanks } from '../../../src/cli/launch_command.js';
import { torch } from '../../../src/index.js';
import { freePort } from './spawn_ranks.js';

const gloo = torch.distributed.isBackendAvailable('gloo');
const main = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));

function launch(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main, 'launch', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

test('rankEnvironments sets torchrun\'s variables for each local rank of a node', () => {
  const envs = rankEnvironments({ nprocPerNode: 2, nnodes: 3, nodeRank: 1, masterAddr: '10.0.0.1', masterPort: 1234 }, {});
  assert.deepEqual(envs.map((e) => [e.RANK, e.LOCAL_RANK, e.WORLD_SIZE, e.LOCAL_WORLD_SIZE, e.GROUP_RANK, e.MASTER_ADDR, e.MASTER_PORT, e.OMP_NUM_THREADS]), [
    ['2', '0', '6', '2', '1', '10.0.0.1', '1234', '1'],
    ['3', '1', '6', '2', '1', '10.0.0.1', '1234', '1'],
  ]);
  assert.equal(rankEnvironments({ nprocPerNode: 2, nnodes: 1, nodeRank: 0, masterAddr: 'a', masterPort: 1 }, { OMP_NUM_THREADS: '4' })[0].OMP_NUM_THREADS, '4');
});

test('smoothlab launch runs a script as 2 ranks of one group', { skip: !gloo && 'built without gloo', timeout: 60_000 }, async () => {
  const port = await freePort();
  const r = await launch(['--nproc-per-node', '2', '--master-port', String(port), '--', here('./collectives_child.js')]);
  assert.equal(r.code, 0, r.stderr);
  const reports = r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { rank: number; summed: number[] });
  assert.deepEqual(reports.map((x) => x.rank).sort(), [0, 1]);
  for (const x of reports) assert.deepEqual(x.summed, [3, 6, 9, 12]);
});

test('a rank that dies stops the others, and the launch names it', { skip: !gloo && 'built without gloo', timeout: 60_000 }, async () => {
  const r = await launch(['--nproc-per-node', '2', '--master-port', String(await freePort()), here('./failing_child.js')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /rank 1 \(local rank 1, pid \d+\) exited with code 3; the other ranks were stopped/);
  assert.doesNotMatch(r.stdout, /finished an all-reduce/);
  assert.ok(r.ms < 30_000, `took ${r.ms} ms`);
});

test('a master port in use is named', async () => {
  const busy = createServer();
  await new Promise<void>((resolve) => busy.listen(0, resolve));
  const port = (busy.address() as { port: number }).port;
  try {
    const r = await launch(['--nproc-per-node', '2', '--master-port', String(port), '--', here('./collectives_child.js')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`--master-port ${port} is already in use`));
  } finally {
    busy.close();
  }
});

test('a rank that cannot be spawned ends the launch (no hang) and stops the others', { timeout: 30_000 }, async () => {
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const missing = spawn('/no/such/smoothlab-rank', [], { stdio: 'ignore' });
  await assert.rejects(superviseRanks([other, missing], 0), /rank 1 could not start: spawn \/no\/such\/smoothlab-rank ENOENT; the other ranks were stopped/);
  assert.equal(other.signalCode, 'SIGTERM');
});

test('the rank a signal killed is named, not a peer that failed first on noticing it', { timeout: 30_000 }, async () => {
  // The victim ignores the launcher's SIGTERM, so that it dies only of the kill from outside,
  // after its peer has already exited 1 (as a Gloo peer does under load before the kill is reaped).
  const victim = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise((resolve) => victim.stdout.once('data', resolve));
  const peer = spawn(process.execPath, ['-e', 'process.exit(1)'], { stdio: 'ignore' });
  const supervised = superviseRanks([victim, peer], 0);
  await new Promise((resolve) => peer.once('exit', resolve));
  await new Promise((resolve) => setTimeout(resolve, 200));
  victim.kill('SIGKILL');
  await assert.rejects(supervised, new RegExp(`rank 0 \\(local rank 0, pid ${victim.pid}\\) was killed by SIGKILL; the other ranks were stopped`));
});
