// Two hosts: two network namespaces joined by a veth pair, 10.213.0.1 and 10.213.0.2, a rank in
// each, the rendezvous on the first's address. The allReduce and the DDP steps cross the link,
// and the DDP ranks end with the weights of one process that trained on the whole batch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../../src/index.js';
import { BATCH, STEPS, makeModel, makeOptimizer, trainStep, weights } from '../../nn/parallel/ddp_recipe.js';
import { freePort, lastJson, runRanks } from './spawn_ranks.js';

const child = fileURLToPath(new URL('./two_hosts_child.js', import.meta.url));
const ipFound = spawnSync('ip', ['-V'], { encoding: 'utf8' }).status === 0;
const root = process.getuid?.() === 0;
const skip = !torch.distributed.isBackendAvailable('gloo') ? 'built without gloo'
  : !ipFound ? "needs iproute2's `ip` (apt-get install iproute2)"
  : !root ? 'needs root to make network namespaces (ip netns add)' : false;

// Names unique to this run (interface names have at most 15 characters), so parallel runs do not collide.
const tag = `${process.pid % 100000}`;
const hosts = [
  { ns: `smoothlab-a-${tag}`, dev: `slva${tag}`, address: '10.213.0.1' },
  { ns: `smoothlab-b-${tag}`, dev: `slvb${tag}`, address: '10.213.0.2' },
];
// Float32 round-off, as in ddp.test.ts: the ranks sum two half-batch means.
const ATOL = 2e-6;

function ip(...args: string[]): void {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`);
}

function tearDown(): void {
  for (const h of hosts) spawnSync('ip', ['netns', 'del', h.ns]);  // deleting a namespace deletes its veth end, and so the pair
}

after(tearDown);

interface Report { rank: number; addresses: string[]; summed: number[]; final: Record<string, number[]> }

test('two hosts (network namespaces joined by a veth pair): allReduce and 5 DDP steps agree across the link', { skip, timeout: 90_000 }, async (t) => {
  // Making a namespace can succeed where entering one cannot (`ip -n` needs mount namespaces, which
  // a chroot such as the Debian 13 tier's refuses): both are probed before the test counts.
  try {
    for (const h of hosts) ip('netns', 'add', h.ns);
    ip('-n', hosts[0].ns, 'link', 'set', 'lo', 'up');
  } catch (error) {
    t.skip(`cannot make and enter network namespaces here: ${(error as Error).message}`);
    return;
  }
  ip('link', 'add', hosts[0].dev, 'type', 'veth', 'peer', 'name', hosts[1].dev);
  for (const h of hosts) {
    ip('link', 'set', h.dev, 'netns', h.ns);
    ip('-n', h.ns, 'addr', 'add', `${h.address}/24`, 'dev', h.dev);
    ip('-n', h.ns, 'link', 'set', h.dev, 'up');
    ip('-n', h.ns, 'link', 'set', 'lo', 'up');
  }

  const model = makeModel(7);
  const opt = makeOptimizer(model);
  for (let step = 0; step < STEPS; step++) trainStep(model, opt, step, 0, BATCH);
  const reference = weights(model);
  model.dispose();

  // Gloo would take the address the host name resolves to, which is outside both namespaces: each rank is told its veth end.
  const results = await runRanks((rank) => ['ip', ['netns', 'exec', hosts[rank].ns, 'env', `GLOO_SOCKET_IFNAME=${hosts[rank].dev}`, process.execPath, child]],
    2, await freePort(), { MASTER_ADDR: hosts[0].address });
  for (const r of results) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const reports = results.map((r) => lastJson<Report>(r));
  for (const report of reports) {
    assert.deepEqual(report.addresses, [hosts[report.rank].address], `rank ${report.rank} sees only its own host's address`);
    assert.deepEqual(report.summed, [3, 6, 9]);
    let worst = 0;
    for (const [key, expected] of Object.entries(reference)) {
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(report.final[key][i] - expected[i]));
    }
    assert.ok(worst <= ATOL, `rank ${report.rank}: largest difference ${worst} > ${ATOL}`);
  }
  assert.deepEqual(reports[0].final, reports[1].final);
});
