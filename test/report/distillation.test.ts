// The distillation section's numbers and sentences from synthetic students: the table per teacher
// and T, and the study's seed-spread verdicts (beyond the spread: "worse from the smoothed teacher";
// within it: "not distinguishable with N seeds").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type DistillationReport, describeDistillation, distillationSection, studentsTable } from '../../src/report/distillation.js';
import { studentsPanels } from '../../src/report/figures.js';

function report(smoothed: number[]): DistillationReport {
  const plain = [0.80, 0.81, 0.79];
  const student = (eps: number, seed: number, accuracy: number) => ({ run: `eps${eps}-seed${seed}-T2`, teacher: `eps${eps}-seed${seed}`, teacherEpsilon: eps, teacherLoss: 'ls' as const, seed, temperature: 2, beta: 0.5, accuracy, nll: 1, ece: 0.05 });
  return {
    beta: 0.5, epochs: 3, studentModel: 'resnet18', checkpoint: 'last',
    teachers: [0, 1, 2].flatMap((seed) => [{ run: `eps0-seed${seed}`, epsilon: 0, loss: 'ls' as const, seed, accuracy: 0.9 }, { run: `eps0.1-seed${seed}`, epsilon: 0.1, loss: 'ls' as const, seed, accuracy: 0.91 }]),
    students: [0, 1, 2].flatMap((seed) => [student(0, seed, plain[seed]), student(0.1, seed, smoothed[seed])]),
  };
}

test('students of a smoothed teacher are called worse only beyond the spread over seeds', () => {
  const worse = describeDistillation(report([0.70, 0.71, 0.69])).join('\n');
  assert.match(worse, /At T=2, students of the ε=0\.1 teacher reached 70\.00% ± 1\.00% against 80\.00% ± 1\.00% from the ε=0 teacher: worse from the smoothed teacher \(−10\.00 points, beyond the spread over 3 seeds\)/);
  const same = describeDistillation(report([0.795, 0.805, 0.80])).join('\n');
  assert.match(same, /not distinguishable with 3 seeds/);
  const table = studentsTable(report([0.70, 0.71, 0.69]));
  assert.deepEqual(table.rows.map((r) => [r.teacher, r.teacherAccuracy, Number((r.t0 as number).toFixed(6))]), [['ε=0', 0.9, 0.8], ['ε=0.1', 0.91, 0.7]]);
  assert.match(distillationSection(report([0.70, 0.71, 0.69])), /student, T=2 \(%\)/);
});

test('the students figure draws one mean line per teacher setting with its teacher level', () => {
  const [[panel]] = studentsPanels(report([0.70, 0.71, 0.69]));
  assert.match(panel.svg, /students of the ε=0 teacher/);
  assert.match(panel.svg, /students of the ε=0\.1 teacher/);
  assert.match(panel.svg, /distillation temperature T/);
  // Six single students, two means and two teacher levels, each a titled point.
  assert.equal((panel.svg.match(/<title>eps0(\.1)?-seed\d-T2<\/title>/g) ?? []).length, 6);
  assert.match(panel.svg, /<title>T=2: 80\.00<\/title>/);
  assert.match(panel.svg, /<title>T=2: 70\.00<\/title>/);
});
