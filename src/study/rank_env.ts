// Which rank of a data-parallel study this process is, from torchrun's variables: read before any
// engine loads, so that the process that only launches the ranks never loads libtorch.
import { envInteger } from '../torch/distributed/rendezvous.js';

/** This process's place in a data-parallel study (torchrun's RANK, WORLD_SIZE, LOCAL_WORLD_SIZE). */
export interface StudyRank {
  rank: number;
  worldSize: number;
  localWorldSize: number;
}

/**
 * The rank torchrun's variables make this process, or null when they are not set: the test of
 * torchvision's reference scripts ('RANK' and 'WORLD_SIZE' in the environment).
 */
export function rankFromEnv(env: NodeJS.ProcessEnv = process.env): StudyRank | null {
  if (env.RANK === undefined || env.WORLD_SIZE === undefined) return null;
  const where = 'a rank of a data-parallel study';
  const worldSize = envInteger('WORLD_SIZE', env, where);
  const rank = envInteger('RANK', env, where);
  if (worldSize < 1 || rank >= worldSize) throw new Error(`RANK=${rank} is not a rank of WORLD_SIZE=${worldSize}`);
  return { rank, worldSize, localWorldSize: env.LOCAL_WORLD_SIZE === undefined ? worldSize : envInteger('LOCAL_WORLD_SIZE', env, where) };
}
