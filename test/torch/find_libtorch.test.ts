// libtorch discovery for the native build: the order LIBTORCH, LIBTORCH_USE_PYTORCH, system, and an
// error that lists the three ways to fix a missing libtorch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/find-libtorch.mjs', import.meta.url));
const find = (env: Record<string, string>) => {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LIBTORCH')));
  return spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...clean, ...env } });
};
const THREE_FIXES = /apt-get install libtorch-dev[\s\S]*LIBTORCH=\/path\/to\/libtorch[\s\S]*LIBTORCH_USE_PYTORCH=1/;

test('LIBTORCH pointing at a folder without libtorch fails with the three fixes', () => {
  const r = find({ LIBTORCH: '/nonexistent/libtorch' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LIBTORCH=\/nonexistent\/libtorch is not a libtorch folder/);
  assert.match(r.stderr, THREE_FIXES);
});

test('LIBTORCH_USE_PYTORCH with a Python lacking torch fails with the three fixes', () => {
  const r = find({ LIBTORCH_USE_PYTORCH: '1', PYTHON: '/nonexistent/python3' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LIBTORCH_USE_PYTORCH=1 is set but no Python with torch was found/);
  assert.match(r.stderr, THREE_FIXES);
});

const infoFile = fileURLToPath(new URL('../../../build/build-info.json', import.meta.url));
const builtFromSystem = existsSync(infoFile) && JSON.parse(readFileSync(infoFile, 'utf8')).source === 'system';

test('the system install is found and reports its version', { skip: builtFromSystem ? false : 'the addon was built from LIBTORCH or Python torch' }, () => {
  const r = find({});
  assert.equal(r.status, 0, r.stderr);
  const info = JSON.parse(r.stdout);
  assert.equal(info.source, 'system');
  assert.match(info.version, /^\d+\.\d+\.\d+$/);
  assert.equal(typeof info.cuda, 'boolean');
});
