// The smoothlab command: help on every command, exit code 2 with the bad flag named, and the
// commands that need no training (summary, data, report of a missing folder).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const run = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('every command has --help', () => {
  for (const command of ['study', 'report', 'summary', 'data']) {
    const r = run(command, '--help');
    assert.equal(r.status, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: smoothlab ${command}`));
  }
  const top = run('--help');
  assert.equal(top.status, 0);
  assert.match(top.stdout, /Commands:\n {2}study/);
  assert.match(run('--version').stdout, /^\d+\.\d+\.\d+/);
});

test('mistakes exit with code 2 and name the flag or value', () => {
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['study', '--epsilonz', '0.1'], /Unknown option '--epsilonz'/],
    [['study', '--epsilons', '0,abc'], /--epsilons must be a number, got 'abc'/],
    [['study', '--epsilons', '0,1.5'], /--epsilons must be in \[0, 1\), got 1.5/],
    [['study', '--betas', '0.9'], /--betas must be two numbers, got \[0.9\]/],
    [['study', '--lr', '0'], /--lr must be positive, got 0/],
    [['study', '--freeze-backbone'], /--freeze-backbone needs pretrained weights/],
    [['study', '--data-url', 'x.tar.gz'], /--data-url applies to cifar10 and cifar100 only/],
    [['study', '--dataset', 'cifar10', '--data-url', 'x.tar.gz', '--data-md5', 'abc'], /--data-md5 must be 32 hex digits, got "abc"/],
    [['study', '--drop-last', '--no-drop-last'], /--drop-last and --no-drop-last contradict each other/],
    [['study', '--dataset', 'imagenet'], /--dataset must be one of cifar10, cifar100, fashion-mnist, mnist or folder:PATH, got "imagenet"/],
    [['study', '--epochs', '2.5'], /--epochs must be an integer, got '2.5'/],
    [['study', '--device', 'tpu'], /--device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got "tpu"/],
    [['study', '--epsilons', '0.1,0.1'], /--epsilons must not repeat/],
    [['study', '--max-lr', '0'], /--max-lr must be positive, got 0/],
    [['study', '--val-limit', '1'], /--val-limit must be 0 \(all\) or at least 2, got 1/],
    [['study', '--name', '../x'], /--name may only use letters/],
    [['study', '--name', '..'], /--name must not be only dots \(it would leave the runs folder\)/],
    [['study', '--name', '.'], /--name must not be only dots/],
    [['study', '--resume', '--out', join(tmpdir(), 'no-such-smoothlab-run')], /--resume: .* holds no study to resume/],
    [['study', '--nproc-per-node', '3', '--batch-size', '128'], /--batch-size must be divisible by --nproc-per-node \(3\): each rank trains on an equal share of every batch, got 128/],
    [['study', '--master-port', '29555'], /--master-port applies to data-parallel studies; give --nproc-per-node too/],
    [['study', '--sync-batchnorm'], /--sync-batchnorm applies to data-parallel studies/],
    [['study', '--nproc-per-node', '2', '--loss', 'ols', '--epsilons', '0'], /--loss 'ols' learns its soft labels in one process; it cannot run with --nproc-per-node/],
    [['study', '--nproc-per-node', '0'], /--nproc-per-node must be >= 1/],
    // Refused before any rank starts (exit 2), naming both flags.
    [['study', '--nproc-per-node', '2', '--device', 'cuda'], /--device must be cpu or auto with --nproc-per-node: data-parallel ranks train on the CPU \(Gloo\), got "cuda"/],
    [['study', '--nproc-per-node', '2', '--device', 'cuda:1'], /--device must be cpu or auto with --nproc-per-node/],
    [['study', '--nproc-per-node', '4', '--val-limit', '3'], /--val-limit must be 0 \(all\) or at least --nproc-per-node \(4\): every rank validates a share of the test images, got 3/],
    [['study', '--nproc-per-node', '2', '--master-addr', '10.0.0.1'], /--master-addr/],
    [['launch', '--nnodes', '2', '--', 'study'], /a data-parallel study runs on one node/],
    [['summary', '--input', '3,32'], /--input must be C,H,W or N,C,H,W, got '3,32'/],
    [['report'], /missing RUN_DIR/],
    [['report', join(tmpdir(), 'no-such-smoothlab-run')], /run folder .* does not exist/],
  ];
  for (const [args, message] of cases) {
    const r = run(...args);
    assert.equal(r.status, 2, `${args.join(' ')}: exit ${r.status}, ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

test('summary prints the torchinfo-style table', () => {
  const r = run('summary', '--model', 'resnet18', '--input', '3,32,32', '--depth', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Total params: 11,181,642/);
  assert.match(r.stdout, /Linear \(fc\): 1-10/);
});

test('data prints the Fashion-MNIST statistics and writes its figures', () => {
  const out = mkdtempSync(join(tmpdir(), 'smoothlab-data-'));
  const r = run('data', '--dataset', 'fashion-mnist', '--out', out, '--samples', '8');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /60000 training and 10000 test images of 28x28x1/);
  assert.match(r.stdout, /per-channel mean 0\.2860; std 0\.3530/);
  assert.match(r.stdout, /Ankle boot\s+train {3}6000\s+test {3}1000/);
});
