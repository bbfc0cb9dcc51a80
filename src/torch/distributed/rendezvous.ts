// Where a group meets: PyTorch's init_method URLs ('env://' with torchrun's variables, or
// 'tcp://host:port') resolved to the TCPStore's address, this rank and the world size.

/** The resolved rendezvous of one rank. */
export interface Rendezvous {
  host: string;
  port: number;
  rank: number;
  worldSize: number;
}

/** The values a MASTER_PORT can take and its placeholder: the spec of every --master-port flag (launch, study). */
export const MASTER_PORT_SPEC = { min: 1, max: 65535, metavar: 'PORT' } as const;

/** The non-negative integer in the environment variable `name`; `where` begins the error messages. */
export function envInteger(name: string, env: NodeJS.ProcessEnv, where = "initProcessGroup: init_method 'env://'"): number {
  const text = env[name];
  if (text === undefined || text === '') throw new Error(`${where} needs the environment variable ${name} (torchrun and smoothlab launch set it)`);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${where}: ${name}=${JSON.stringify(text)} is not a non-negative integer`);
  return value;
}

/** Resolves `initMethod` as torch.distributed does; explicit rank and worldSize win over RANK and WORLD_SIZE. */
export function resolveRendezvous(initMethod: string, rank: number | undefined, worldSize: number | undefined, env: NodeJS.ProcessEnv = process.env): Rendezvous {
  if (initMethod === 'env://') {
    const host = env.MASTER_ADDR;
    if (host === undefined || host === '') throw new Error("initProcessGroup: init_method 'env://' needs the environment variable MASTER_ADDR (torchrun and smoothlab launch set it)");
    return {
      host,
      port: envInteger('MASTER_PORT', env),
      rank: rank ?? envInteger('RANK', env),
      worldSize: worldSize ?? envInteger('WORLD_SIZE', env),
    };
  }
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d+)\/?$/.exec(initMethod);
  if (tcp !== null) {
    if (rank === undefined || worldSize === undefined) throw new Error(`initProcessGroup: init_method '${initMethod}' needs rank and worldSize`);
    return { host: tcp[1].replace(/^\[|\]$/g, ''), port: Number(tcp[2]), rank, worldSize };
  }
  throw new Error(`initProcessGroup: init_method must be 'env://' or 'tcp://host:port', got '${initMethod}'`);
}
