// Which rank of a data-parallel study this process is, from torchrun's variables: read before any
// engine loads, so that the process that only launches the ranks never loads libtorch.

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
  const read = (name: string, fallback?: string): number => {
    const text = env[name] ?? fallback;
    const value = Number(text);
    if (text === undefined || text === '' || !Number.isInteger(value) || value < 0) throw new Error(`${name}=${JSON.stringify(text)} is not a non-negative integer (torchrun's variables)`);
    return value;
  };
  const worldSize = read('WORLD_SIZE');
  const rank = read('RANK');
  if (worldSize < 1 || rank >= worldSize) throw new Error(`RANK=${rank} is not a rank of WORLD_SIZE=${worldSize}`);
  return { rank, worldSize, localWorldSize: read('LOCAL_WORLD_SIZE', env.WORLD_SIZE) };
}
