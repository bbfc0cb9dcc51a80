// `smoothlab launch --nproc-per-node N [--nnodes M --node-rank K --master-addr A --master-port P]
// -- SCRIPT|study ARGS`: torchrun's static launch. Starts N processes on this node with torchrun's
// variables; a rank that fails stops the others, and the launch fails naming it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MASTER_PORT_SPEC } from '../torch/distributed/rendezvous.js';
import { type OptionSpecs, UsageError, helpText, parseOptions } from './args.js';

const SPECS: OptionSpecs = {
  'nproc-per-node': { type: 'integer', description: 'processes on this node', min: 1, defaultText: '1', metavar: 'N' },
  nnodes: { type: 'integer', description: 'nodes in the job', min: 1, defaultText: '1', metavar: 'M' },
  'node-rank': { type: 'integer', description: 'this node\'s rank, 0..nnodes-1', min: 0, defaultText: '0', metavar: 'K' },
  'master-addr': { type: 'string', description: 'address of node 0, where rank 0 holds the rendezvous store', defaultText: '127.0.0.1', metavar: 'ADDR' },
  'master-port': { type: 'integer', description: 'port of the rendezvous store on node 0', ...MASTER_PORT_SPEC, defaultText: '29500' },
};

/** Help of the launch command. */
export const LAUNCH_HELP = helpText('launch', '[options] -- SCRIPT|study [ARGS...]', [
  'Run SCRIPT (a JavaScript file, run with this Node) as several ranks of one torch.distributed job, as',
  'torchrun does: each process gets MASTER_ADDR, MASTER_PORT, RANK, WORLD_SIZE, LOCAL_RANK,',
  'LOCAL_WORLD_SIZE, GROUP_RANK and OMP_NUM_THREADS=1 (unless set). Start it once per node.',
  '`-- study ARGS` trains each run of the study data-parallel over the ranks (one node only), as',
  '`smoothlab study --nproc-per-node N ARGS` does.',
].join('\n'), SPECS);

/** The environment of each local rank (torchrun's variables). */
export function rankEnvironments(options: { nprocPerNode: number; nnodes: number; nodeRank: number; masterAddr: string; masterPort: number }, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv[] {
  const { nprocPerNode, nnodes, nodeRank, masterAddr, masterPort } = options;
  const worldSize = nprocPerNode * nnodes;
  return Array.from({ length: nprocPerNode }, (_, localRank) => ({
    ...base,
    MASTER_ADDR: masterAddr,
    MASTER_PORT: String(masterPort),
    RANK: String(nodeRank * nprocPerNode + localRank),
    WORLD_SIZE: String(worldSize),
    LOCAL_RANK: String(localRank),
    LOCAL_WORLD_SIZE: String(nprocPerNode),
    GROUP_RANK: String(nodeRank),
    ROLE_RANK: String(nodeRank * nprocPerNode + localRank),
    ROLE_WORLD_SIZE: String(worldSize),
    TORCHELASTIC_RESTART_COUNT: '0',
    TORCHELASTIC_MAX_RESTARTS: '0',
    // torchrun's default: N processes of one thread each, not N times all cores.
    OMP_NUM_THREADS: base.OMP_NUM_THREADS ?? (nprocPerNode > 1 ? '1' : undefined),
  })).map((env) => Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)));
}

// Splits `launch` options from the target: at `--`, or at the first argument that is not an option
// (every launch option takes a value).
function splitTarget(argv: string[]): [string[], string[]] {
  const dashes = argv.indexOf('--');
  if (dashes >= 0) return [argv.slice(0, dashes), argv.slice(dashes + 1)];
  let i = 0;
  while (i < argv.length && argv[i].startsWith('-')) i += argv[i].includes('=') || argv[i] === '--help' || argv[i] === '-h' ? 1 : 2;
  return [argv.slice(0, i), argv.slice(i)];
}

/** Fails naming --master-port when `port` is taken here (node 0's rank 0 will listen on it): said now, not as a rank's crash. */
export function checkPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new Error(`--master-port ${port} is already in use on this machine; pick another port`) : error));
    server.listen(port, () => server.close(() => resolve()));
  });
}

/** A port of this machine that was free a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Runs `smoothlab launch`. */
export async function launchCommand(argv: string[]): Promise<void> {
  const [own, target] = splitTarget(argv);
  const { values } = parseOptions('launch', own, SPECS);
  if (values.help) {
    console.log(LAUNCH_HELP);
    return;
  }
  if (target.length === 0) throw new UsageError('name what to run: -- SCRIPT [ARGS] or -- study [ARGS]', 'launch');
  const options = {
    nprocPerNode: (values['nproc-per-node'] as number | undefined) ?? 1,
    nnodes: (values.nnodes as number | undefined) ?? 1,
    nodeRank: (values['node-rank'] as number | undefined) ?? 0,
    masterAddr: (values['master-addr'] as string | undefined) ?? '127.0.0.1',
    masterPort: (values['master-port'] as number | undefined) ?? 29500,
  };
  if (options.nodeRank >= options.nnodes) throw new UsageError(`--node-rank must be < --nnodes (${options.nnodes}), got ${options.nodeRank}`, 'launch');
  if (options.nodeRank === 0) await checkPortFree(options.masterPort);
  // Every rank of a study reads rank 0's checkpoints to resume: they must share its disk.
  if (target[0] === 'study' && options.nnodes > 1) throw new UsageError('a data-parallel study runs on one node: use --nnodes 1 (the default)', 'launch');
  if (target[0] === 'study') {
    await superviseStudyRanks(options, target.slice(1));
    return;
  }
  const [file, ...args] = target;
  if (!existsSync(file)) throw new UsageError(`no such script: ${file}`, 'launch');
  const children = rankEnvironments(options).map((env) => spawn(process.execPath, [file, ...args], { env, stdio: 'inherit' }));
  await superviseRanks(children, options.nodeRank * options.nprocPerNode);
}

/**
 * Runs `smoothlab study ARGS` as the local ranks of `options` and waits for them. Each rank has an
 * IPC channel to this process only to notice its end: a rank whose launcher is killed stops too,
 * instead of training on as an orphan. Ctrl-C is passed on: the ranks stop after the same step,
 * rank 0 checkpoints it, and the rerun resumes there; a second Ctrl-C kills them.
 */
export async function superviseStudyRanks(options: Parameters<typeof rankEnvironments>[0], args: readonly string[]): Promise<void> {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const children = rankEnvironments(options).map((env) => spawn(process.execPath, [main, 'study', ...args], { env, stdio: ['inherit', 'inherit', 'inherit', 'ipc'] }));
  let interrupted = false;
  const onSigint = (): void => {
    const signal = interrupted ? 'SIGKILL' : 'SIGINT';
    if (!interrupted) console.error('\nstopping every rank after the current step (Ctrl-C again to kill them)...');
    interrupted = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  };
  process.on('SIGINT', onSigint);
  try {
    // A rank that stopped on the Ctrl-C exits 130: not a failure that should stop the others.
    await superviseRanks(children, options.nodeRank * options.nprocPerNode, (code) => interrupted && code === 130);
    if (interrupted) {
      console.error('stopped: checkpointed after the same step on every rank; run the same command again to continue from there.');
      process.exitCode = 130;
    }
  } catch (error) {
    if (!interrupted) throw error;
    console.error(`\nstopped: ${(error as Error).message}; each run keeps its last checkpoint: run the same command again to continue from there.`);
    process.exitCode = 130;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * Waits for every local rank; when one fails, the others get SIGTERM (then SIGKILL after 10 s) and
 * the launch fails naming the rank that failed and how, as torchrun's agent does. `stopped(code)`
 * says which exit codes are a rank stopping as asked, not failing.
 */
export function superviseRanks(children: readonly ChildProcess[], firstRank: number, stopped: (code: number | null) => boolean = () => false): Promise<void> {
  return new Promise((resolve, reject) => {
    let running = children.length;
    const failures: { text: string; killedFromOutside: boolean }[] = [];
    const sent = children.map(() => new Set<NodeJS.Signals>());
    const kill = (i: number, signal: NodeJS.Signals): void => {
      const c = children[i];
      if (c.exitCode !== null || c.signalCode !== null) return;
      sent[i].add(signal);
      c.kill(signal);
    };
    let stopping = false;
    const stopOthers = (): void => {
      if (stopping) return;
      stopping = true;
      children.forEach((_, i) => kill(i, 'SIGTERM'));
      setTimeout(() => children.forEach((_, i) => kill(i, 'SIGKILL')), 10_000).unref();
    };
    // Ctrl-C reaches the ranks through the process group; a SIGTERM sent to the launcher alone is passed on.
    const onTerm = (): void => stopOthers();
    process.once('SIGTERM', onTerm);
    children.forEach((child, i) => {
      let ended = false;
      // 'exit' may not follow 'error' (a rank that could not be spawned): each rank ends once.
      const end = (failure: { text: string; killedFromOutside: boolean } | null): void => {
        if (ended) return;
        ended = true;
        if (failure !== null) {
          failures.push(failure);
          stopOthers();
        }
        running -= 1;
        if (running > 0) return;
        process.removeListener('SIGTERM', onTerm);
        // Under load a peer may notice a killed rank (and exit 1) before the launcher hears of the
        // kill: the rank killed by a signal this launcher did not send is the cause.
        const cause = failures.find((f) => f.killedFromOutside) ?? failures[0];
        if (cause === undefined) resolve();
        else reject(new Error(`${cause.text}; the other ranks were stopped`));
      };
      child.once('error', (error) => {
        if (child.pid === undefined) end({ text: `rank ${firstRank + i} could not start: ${error.message}`, killedFromOutside: false });
      });
      child.once('exit', (code, signal) => {
        const failed = signal !== null || (code !== 0 && !stopped(code));
        end(failed ? {
          text: `rank ${firstRank + i} (local rank ${i}, pid ${child.pid}) ${signal !== null ? `was killed by ${signal}` : `exited with code ${code}`}`,
          killedFromOutside: signal !== null && !sent[i].has(signal),
        } : null);
      });
    });
  });
}
