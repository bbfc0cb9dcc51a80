// StudentWithTeacher: fit's model for distillation. In training it returns the student's logits and
// its lossFn is distillationLoss against the frozen teacher's logits of the same input; in eval the
// loss is plain cross-entropy; the teacher stays in eval mode and out of parameters and state dict.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { distillationLoss } from '../../src/nn/distillation.js';
import type { FeatureModel } from '../../src/study/evaluate_run.js';
import { StudentWithTeacher } from '../../src/study/student.js';

const net = () => new nn.Sequential(new nn.Linear(4, 6), new nn.BatchNorm1d(6), new nn.Linear(6, 3)) as unknown as FeatureModel;

test('StudentWithTeacher distills from the teacher on the same input and keeps only the student as state', () => {
  torch.manualSeed(0);
  const [student, teacher] = [net(), net()];
  const pair = new StudentWithTeacher(student, teacher).train();
  assert.equal(teacher.training, false, 'the teacher stays in eval mode');
  assert.deepEqual(Object.keys(pair.stateDict()), Object.keys(student.stateDict()));
  assert.equal(pair.parameters().length, student.parameters().length);
  const x = torch.randn([5, 4]);
  const target = torch.tensor([0, 1, 2, 1, 0], { dtype: 'int64' });
  const loss = pair.lossFn(2, 0.3);
  const expected = torch.noGrad(() => distillationLoss(student.call(x) as never, teacher.call(x) as never, target, { temperature: 2, beta: 0.3 }).item());
  const out = pair.call(x);
  assert.ok(Math.abs(loss(out, target).item() - expected) < 1e-6);
  pair.eval();
  const evalOut = pair.call(x);
  const ce = nn.functional.crossEntropy(evalOut, target).item();
  assert.ok(Math.abs(loss(evalOut, target).item() - ce) < 1e-6, 'eval: plain cross-entropy');
  for (const t of [x, target, out, evalOut]) t.dispose();
  student.dispose();
  teacher.dispose();
});
