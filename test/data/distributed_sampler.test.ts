// DistributedSampler against PyTorch 1.13's own sequences (scripts/goldens/distributed_sampler.py).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DistributedSampler } from '../../src/data/index.js';
import { fixture } from '../helpers.js';

interface Case {
  n: number; worldSize: number; rank: number; shuffle: boolean; dropLast: boolean; seed: number; epoch: number; length: number; indices: number[];
}

test('DistributedSampler gives PyTorch\'s indices for every length, world size, rank, shuffle, dropLast, seed and epoch', () => {
  const { cases } = fixture<{ cases: Case[] }>('distributed_sampler.json');
  assert.ok(cases.length > 500);
  for (const c of cases) {
    const s = new DistributedSampler({ length: c.n }, { numReplicas: c.worldSize, rank: c.rank, shuffle: c.shuffle, dropLast: c.dropLast, seed: c.seed });
    s.setEpoch(c.epoch);
    const what = JSON.stringify({ ...c, indices: undefined });
    assert.equal(s.length, c.length, what);
    assert.deepEqual([...s], c.indices, what);
  }
});

test('DistributedSampler takes its rank and world size from RANK and WORLD_SIZE, and refuses bad ones', () => {
  const saved = { RANK: process.env.RANK, WORLD_SIZE: process.env.WORLD_SIZE };
  try {
    process.env.RANK = '1';
    process.env.WORLD_SIZE = '3';
    const s = new DistributedSampler({ length: 10 }, { shuffle: false });
    assert.equal(s.rank, 1);
    assert.equal(s.numReplicas, 3);
    assert.deepEqual([...s], [1, 4, 7, 0]);
    delete process.env.RANK;
    assert.throws(() => new DistributedSampler({ length: 10 }), /pass rank or set RANK/);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
  assert.throws(() => new DistributedSampler({ length: 4 }, { numReplicas: 2, rank: 2 }), /Invalid rank 2/);
});
