// Which rank a study process is (torchrun's variables), and each rank's share of the test images.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankFromEnv } from '../../src/study/rank_env.js';
import { shardOf } from '../../src/study/data_parallel.js';

test('rankFromEnv: null without RANK and WORLD_SIZE; LOCAL_WORLD_SIZE defaults to WORLD_SIZE; bad values are named', () => {
  assert.equal(rankFromEnv({}), null);
  assert.equal(rankFromEnv({ RANK: '0' }), null);
  assert.deepEqual(rankFromEnv({ RANK: '1', WORLD_SIZE: '2' }), { rank: 1, worldSize: 2, localWorldSize: 2 });
  assert.deepEqual(rankFromEnv({ RANK: '3', WORLD_SIZE: '4', LOCAL_WORLD_SIZE: '2' }), { rank: 3, worldSize: 4, localWorldSize: 2 });
  assert.throws(() => rankFromEnv({ RANK: 'x', WORLD_SIZE: '2' }), /RANK="x" is not a non-negative integer/);
  assert.throws(() => rankFromEnv({ RANK: '2', WORLD_SIZE: '2' }), /RANK=2 is not a rank of WORLD_SIZE=2/);
});

test('shardOf: contiguous shares covering every image once, none padded', () => {
  const shards = [0, 1, 2].map((r) => Array.from(shardOf(10, r, 3)));
  assert.deepEqual(shards, [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
  assert.deepEqual(Array.from(shardOf(5, 0, 1)), [0, 1, 2, 3, 4]);
});
