// `smoothlab distill` end to end on a few hundred Fashion-MNIST images: a study trains teachers with
// ε 0 and 0.1 for one epoch, then one student per teacher at T=2; the students' folders, distill.json
// and the report's distillation section (kept by `smoothlab report`), a resume that keeps finished
// students, and the refusals: a folder without teachers and a bad temperature.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'smoothlab-distill-'));
const study = join(root, 'teachers');
const smoothlab = (...args: string[]) => spawnSync(process.execPath, [main, ...args], { encoding: 'utf8' });

test('distill trains a student per teacher and T and adds a section to the report', () => {
  const s = smoothlab('study', '--preset', 'quick', '--name', 'teachers', '--out', study, '--epsilons', '0,0.1', '--train-limit', '300', '--val-limit', '100',
    '--epochs', '1', '--batch-size', '100', '--workers', '0', '--quiet');
  assert.equal(s.status, 0, s.stderr);
  const d = smoothlab('distill', '--teachers', study, '--temperatures', '2', '--beta', '0.5', '--epochs', '1', '--quiet');
  assert.equal(d.status, 0, d.stderr);
  assert.deepEqual(readdirSync(join(study, 'distill', 'runs')).sort(), ['eps0-seed0-T2', 'eps0.1-seed0-T2']);
  for (const run of ['eps0-seed0-T2', 'eps0.1-seed0-T2']) {
    const files = readdirSync(join(study, 'distill', 'runs', run));
    for (const f of ['best.safetensors', 'last.safetensors', 'history.json', 'evaluation.json']) assert.ok(files.includes(f), `${run}/${f}`);
  }
  const report = JSON.parse(readFileSync(join(study, 'distill', 'distill.json'), 'utf8'));
  assert.deepEqual(report.teachers.map((t: { epsilon: number }) => t.epsilon), [0, 0.1]);
  assert.deepEqual(report.students.map((r: { teacherEpsilon: number; temperature: number; beta: number }) => [r.teacherEpsilon, r.temperature, r.beta]), [[0, 2, 0.5], [0.1, 2, 0.5]]);
  for (const r of report.students) assert.ok(r.accuracy >= 0 && r.accuracy <= 1 && Number.isFinite(r.ece));
  assert.match(d.stdout, /\| teacher \| teacher accuracy \(%\) \| student, T=2 \(%\) \|/);
  const html = () => readFileSync(join(study, 'report.html'), 'utf8');
  assert.match(html(), /<section id="distillation"><h2>Distillation<\/h2>/);
  assert.ok(existsSync(join(study, 'figures', 'students.svg')), 'the students-against-T figure is written');
  assert.match(html(), /Distillation: students against T/);
  assert.match(html(), /At T=2, students of the ε=0\.1 teacher reached [\d.]+% against [\d.]+% from the ε=0 teacher: with one seed per setting this cannot tell/);
  const r = smoothlab('report', study, '--no-png');
  assert.equal(r.status, 0, r.stderr);
  assert.match(html(), /id="distillation"/, 'smoothlab report keeps the section');
  const again = smoothlab('distill', '--teachers', study, '--temperatures', '2', '--epochs', '1', '--quiet');
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /eps0-seed0-T2: finished earlier, kept/);
  const other = smoothlab('distill', '--teachers', study, '--temperatures', '2', '--beta', '0.9', '--epochs', '1', '--quiet');
  assert.notEqual(other.status, 0);
  assert.match(other.stderr, /holds students of another distillation/);
});

test('distill refuses a folder without teachers and a bad temperature', () => {
  const empty = join(root, 'empty');
  mkdirSync(empty);
  let r = smoothlab('distill', '--teachers', empty);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /is not a study folder \(no config\.json\)/);
  const untrained = join(root, 'untrained');
  mkdirSync(join(untrained, 'runs', 'eps0-seed0'), { recursive: true });
  writeFileSync(join(untrained, 'config.json'), JSON.stringify({ config: { name: 'untrained' } }));
  r = smoothlab('distill', '--teachers', untrained);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /holds no finished teacher runs/);
  r = smoothlab('distill', '--teachers', empty, '--temperatures', '1,0');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--temperatures must all be positive, got \[1,0\]/);
  r = smoothlab('distill', '--teachers', empty, '--temperatures', 'hot');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--temperatures must be a number, got 'hot'/);
  assert.deepEqual(readdirSync(empty), [], 'a refused start writes nothing');
});
