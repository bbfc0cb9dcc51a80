// DDP with BatchNorm against PyTorch's DDP: a group of two Python ranks and a group of two
// smoothlab ranks run the same 3 SGD steps (each rank on its half of a batch, running statistics
// broadcast from rank 0 before each forward); rank r of one engine ends where rank r of the other does.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../../src/index.js';
import { freePort, lastJson, runRanks } from '../../torch/distributed/spawn_ranks.js';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('../../../../test/nn/parallel/ddp_bn_rank.py', import.meta.url));
const child = fileURLToPath(new URL('./ddp_bn_child.js', import.meta.url));
const pythonTorch = existsSync(python) ? spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim() : '';
const skip = !torch.distributed.isBackendAvailable('gloo') ? 'built without gloo' : !pythonTorch.startsWith('1.13') ? `needs Python torch 1.13 (found '${pythonTorch}')` : false;

interface Report { rank: number; state: Record<string, number[]>; grads: Record<string, number[]> }

// Room for float32 round-off between builds of the same kernels; on this machine the engines agree bit for bit.
const ATOL = 1e-5;

test('DDP with BatchNorm2d on 2 smoothlab ranks = PyTorch 1.13 DDP on 2 Gloo ranks (weights, running stats, grads per rank)', { skip, timeout: 120_000 }, async (t) => {
  const env = { GLOO_SOCKET_IFNAME: 'lo' };
  const py = await runRanks([python, [script]], 2, await freePort(), env);
  const ours = await runRanks([process.execPath, [child]], 2, await freePort(), env);
  for (const r of [...py, ...ours]) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  const expected = py.map((r) => lastJson<Report>(r));
  const actual = ours.map((r) => lastJson<Report>(r));
  let largest = 0;
  for (let rank = 0; rank < 2; rank++) {
    const [e, a] = [expected[rank], actual[rank]];
    assert.deepEqual(Object.keys(a.state).sort(), Object.keys(e.state).sort());
    for (const [kind, key, want] of [...Object.entries(e.state).map(([k, v]) => ['state', k, v] as const), ...Object.entries(e.grads).map(([k, v]) => ['grad', k, v] as const)]) {
      const got = (kind === 'state' ? a.state : a.grads)[key];
      assert.equal(got.length, want.length, `${kind} ${key}`);
      const worst = Math.max(...want.map((w, i) => Math.abs(w - got[i])));
      largest = Math.max(largest, worst);
      assert.ok(worst <= ATOL, `rank ${rank} ${kind} ${key}: largest difference ${worst} > ${ATOL}`);
    }
  }
  t.diagnostic(`largest difference from PyTorch: ${largest}`);
  // The running statistics differ between ranks (each updated on its own half after rank 0's broadcast).
  assert.notDeepEqual(actual[0].state['module.1.running_mean'], actual[1].state['module.1.running_mean']);
});
