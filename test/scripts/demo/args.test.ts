import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UsageError, parseDemoArgs } from '../../../scripts/demo/args.js';

const defaults = { steps: 500, batchSize: 128, seed: 0 };

test('flags override the defaults, as --flag N or --flag=N', () => {
  assert.deepEqual(parseDemoArgs([], defaults), { ...defaults, help: false });
  assert.deepEqual(parseDemoArgs(['--steps', '20', '--batch-size=64', '--seed', '7'], defaults), { steps: 20, batchSize: 64, seed: 7, help: false });
  assert.equal(parseDemoArgs(['-h'], defaults).help, true);
});

test('an unknown flag or a bad value is a UsageError naming it', () => {
  const cases: [string[], RegExp][] = [
    [['--step', '5'], /unknown flag '--step'/],
    [['--lr=0.1'], /unknown flag '--lr'/],
    [['500'], /unexpected argument '500'/],
    [['--steps'], /--steps needs a value/],
    [['--steps', '--seed', '1'], /--steps needs a value/],
    [['--steps', '0'], /--steps: expected a positive integer, got '0'/],
    [['--batch-size', '1.5'], /--batch-size: expected a positive integer, got '1.5'/],
    [['--seed', '-1'], /--seed: expected a non-negative integer, got '-1'/],
    [['--seed=abc'], /--seed: expected a non-negative integer, got 'abc'/],
  ];
  for (const [argv, pattern] of cases) {
    assert.throws(() => parseDemoArgs(argv, defaults), (e: Error) => e instanceof UsageError && pattern.test(e.message), argv.join(' '));
  }
});

test('the demo exits with code 2 on a bad flag, before loading any data', () => {
  const demo = fileURLToPath(new URL('../../../scripts/demo.js', import.meta.url));
  const run = spawnSync(process.execPath, [demo, '--stepz', '3'], { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /demo: unknown flag '--stepz'/);
  assert.match(run.stderr, /usage:/);
});
