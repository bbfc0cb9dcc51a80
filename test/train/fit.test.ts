// fit(): history, files, TensorBoard logs, NaN handling, and resume after a SIGKILL mid-epoch.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { log, torch, train } from '../../src/index.js';
import { toySetup } from './toy.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `smoothlab-fit-${name}-`));

test('fit trains, evaluates, logs and writes history and checkpoints', async () => {
  const dir = tmp('basic');
  const before = torch.memory().tensors;
  const setup = toySetup(3);
  const logger = new log.TensorBoardWriter(join(dir, 'tb'));
  const { history, completed } = await train.fit({ ...setup, checkpointDir: dir, logger, quiet: true });
  logger.close();
  assert.equal(completed, true);
  assert.equal(history.epochs.length, 3);
  assert.equal(history.lr.length, 18, 'one learning rate per step');
  assert.ok(Math.abs(history.lr[0] - 0.05 / 25) < 1e-12, 'OneCycleLR starts at maxLr / divFactor');
  const last = history.epochs[2];
  assert.ok(last.trainLoss < history.epochs[0].trainLoss, 'the loss goes down');
  assert.ok(last.valScore !== null && last.valScore >= 0 && last.valScore <= 1);
  assert.deepEqual(readdirSync(dir).sort(), ['best.safetensors', 'history.csv', 'history.json', 'last.safetensors', 'tb']);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, 'history.json'), 'utf8')).epochs.length, 3);
  assert.equal(readFileSync(join(dir, 'history.csv'), 'utf8').trim().split('\n').length, 4);
  const best = torch.load(join(dir, 'best.safetensors'));
  assert.ok('0.weight' in best && '1.running_mean' in best);
  torch.dispose(best);
  assert.ok(readdirSync(join(dir, 'tb')).some((f) => f.startsWith('events.out.tfevents.')));
  assert.ok(readdirSync(join(dir, 'tb')).includes('Loss (Epoch)_Validation'), 'the course add_scalars runs');
  setup.dispose();
  assert.equal(torch.memory().tensors, before, 'no tensor leaked by the loop');
});

test('a diverging run stops with a clear message and keeps the last good checkpoint', async () => {
  const dir = tmp('nan');
  const setup = toySetup(4);
  let epochsDone = 0;
  // Epoch 0 trains normally; then the learning rate explodes and the loss becomes non-finite.
  const explode = () => {
    epochsDone += 1;
    for (const group of setup.optimizer.paramGroups) group.lr = 1e12;
  };
  await assert.rejects(
    train.fit({ ...setup, scheduler: undefined, checkpointDir: dir, quiet: true, callbacks: { onEpochEnd: explode } }),
    (error: unknown) => {
      assert.ok(error instanceof train.NonFiniteLossError);
      assert.match(error.message, /the loss became (NaN|Infinity|-Infinity) at epoch \d+, step \d+ \(learning rate [\d.e+]+\); the learning rate is probably too high/);
      return true;
    },
  );
  assert.ok(epochsDone >= 1, 'at least one good epoch before the divergence');
  const ckpt = train.loadCheckpoint(join(dir, 'last.safetensors'));
  assert.equal(ckpt.epoch, epochsDone - 1, 'the checkpoint of the last good epoch is intact');
  assert.equal((ckpt.history as train.History).epochs.length, epochsDone);
  const weights = ckpt.model as Record<string, torch.Tensor>;
  assert.ok(Object.values(weights).every((t) => t.isfinite().all().item()), 'the kept weights are finite');
  torch.dispose(ckpt);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary files left');
  setup.dispose();
});

test('an array of batches is reused every epoch and stays the caller\'s', async () => {
  const setup = toySetup(2);
  const batches = [...setup.trainLoader].map(([input, target]): train.Batch => [torch.keep(input), torch.keep(target)]);
  const { history } = await train.fit({ ...setup, trainLoader: batches, valLoader: undefined, scheduler: undefined, quiet: true });
  assert.equal(history.epochs.length, 2);
  assert.ok(batches.every(([input, target]) => !input.isDisposed && !target.isDisposed));
  torch.dispose(batches);
  setup.dispose();
});

const worker = fileURLToPath(new URL('./resume_worker.js', import.meta.url));

// Runs the worker; when killAt is given, SIGKILLs it as soon as it reports that step.
function runWorker(dir: string, epochs: number, { resume = false, killAt }: { resume?: boolean; killAt?: [number, number] } = {}) {
  return new Promise<{ killed: boolean; lastStep: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [worker, dir, String(epochs), ...(resume ? ['--resume'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let lastStep = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      lastStep = line;
      if (killAt && line === `step ${killAt[0]} ${killAt[1]}`) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ killed: true, lastStep });
      else if (code === 0) resolve({ killed: false, lastStep });
      else reject(new Error(`worker exited with ${code}`));
    });
  });
}

test('resume after SIGKILL mid-epoch ends with the same weights and history as an uninterrupted run', async () => {
  const epochs = 3;
  const straight = tmp('straight');
  const interrupted = tmp('interrupted');
  await runWorker(straight, epochs);
  const killed = await runWorker(interrupted, epochs, { killAt: [1, 8] }); // epoch 1, its third step
  assert.equal(killed.killed, true);
  const mid = train.loadCheckpoint(join(interrupted, 'last.safetensors'));
  assert.equal(mid.epoch, 0, 'only epoch 0 was checkpointed before the kill');
  torch.dispose(mid);
  const resumed = await runWorker(interrupted, epochs, { resume: true });
  assert.equal(resumed.lastStep, 'done');

  const a = train.loadCheckpoint(join(straight, 'last.safetensors'));
  const b = train.loadCheckpoint(join(interrupted, 'last.safetensors'));
  const weightsA = a.model as Record<string, torch.Tensor>;
  const weightsB = b.model as Record<string, torch.Tensor>;
  assert.deepEqual(Object.keys(weightsB).sort(), Object.keys(weightsA).sort());
  for (const key of Object.keys(weightsA)) {
    assert.ok(weightsA[key].allclose(weightsB[key], { rtol: 0, atol: 0 }), `${key} differs`);
  }
  const strip = (h: train.History) => ({ ...h, epochs: h.epochs.map(({ seconds: _s, imagesPerSecond: _i, ...rest }) => rest) });
  assert.deepEqual(strip(b.history as train.History), strip(a.history as train.History));
  torch.dispose([a, b]);
});
