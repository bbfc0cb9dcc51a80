// One group, two engines: a Python rank (torch.distributed + DDP, Debian's python3-torch) and a
// smoothlab rank all-reduce, broadcast and take a DDP step together, which only works if smoothlab
// speaks c10d's own protocol: the same store layout, Gloo transport and Reducer buckets.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { torch } from '../../../src/index.js';
import { freePort, lastJson, runRanks } from './spawn_ranks.js';

const python = '/usr/bin/python3';
const script = fileURLToPath(new URL('../../../../test/torch/distributed/mixed_rank.py', import.meta.url));
const child = fileURLToPath(new URL('./mixed_child.js', import.meta.url));
// The store layout smoothlab writes is PyTorch 1.13's; Python 2.x names its keys differently.
const pythonTorch = existsSync(python) ? spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' }).stdout.trim() : '';
const skip = !torch.distributed.isBackendAvailable('gloo') ? 'built without gloo' : !pythonTorch.startsWith('1.13') ? `needs Python torch 1.13 (found '${pythonTorch}')` : false;

interface Report { rank: number; summed: number[]; sent: number[]; weight: number[]; weightGrad: number[]; biasGrad: number[] }

for (const pythonRank of [0, 1]) {
  test(`a Python rank ${pythonRank} and a smoothlab rank ${1 - pythonRank} in one Gloo group: allReduce, broadcast, a DDP step`, { skip, timeout: 90_000 }, async () => {
    const results = await runRanks((rank) => (rank === pythonRank ? [python, [script]] : [process.execPath, [child]]), 2, await freePort(),
      { GLOO_SOCKET_IFNAME: 'lo' });
    for (const r of results) assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const [a, b] = results.map((r) => lastJson<Report>(r));
    for (const r of [a, b]) {
      assert.deepEqual(r.summed, [3, 6, 9, 12]);
      assert.deepEqual(r.sent, [7, 8, 9]);
    }
    // DDP broadcast rank 0's weights and averaged the gradients: both engines hold the same bits.
    assert.deepEqual(a.weight, b.weight);
    assert.deepEqual(a.weightGrad, b.weightGrad);
    assert.deepEqual(a.biasGrad, b.biasGrad);
    assert.ok(a.weightGrad.some((g) => g !== 0));
  });
}
