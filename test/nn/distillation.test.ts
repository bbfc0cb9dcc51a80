// distillationLoss against scripts/goldens/distillation.py: PyTorch's F.kl_div on log-softmax at
// temperature T, times T^2, mixed by beta with F.cross_entropy, for T in {1, 2, 4, 8} and beta in
// {0, 0.5, 0.9, 1}: values and student gradients within float32 round-off; the teacher gets none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torch } from '../../src/index.js';
import { distillationLoss } from '../../src/nn/distillation.js';
import { type Encoded, assertClose, decode, fixture } from '../helpers.js';

interface Golden {
  student: Encoded;
  teacher: Encoded;
  target: Encoded;
  cases: { temperature: number; beta: number; value: number; grad: Encoded }[];
}
const golden = fixture<Golden>('distillation.json');

test('distillationLoss equals PyTorch F.kl_div(log_softmax(s/T), softmax(t/T)) * T^2 mixed with cross-entropy', () => {
  const before = torch.memory().tensors;
  const teacher = decode(golden.teacher).requiresGrad_(true);
  const target = decode(golden.target);
  for (const c of golden.cases) {
    const student = decode(golden.student).requiresGrad_(true);
    const loss = distillationLoss(student, teacher, target, { temperature: c.temperature, beta: c.beta });
    const what = `T=${c.temperature}, beta=${c.beta}`;
    assert.ok(Math.abs(loss.item() - c.value) <= 1e-5 * Math.abs(c.value) + 1e-6, `${what}: ${loss.item()} vs PyTorch ${c.value}`);
    loss.backward();
    const grad = student.grad!;
    assertClose(grad, c.grad, { rtol: 1e-4, atol: 1e-6, what: `${what} grad` });
    torch.dispose([student, loss, grad]);
  }
  assert.equal(teacher.grad, null, 'no gradient reaches the teacher');
  assert.throws(() => distillationLoss(teacher, teacher, target, { temperature: 0 }), /invalid temperature 0/);
  assert.throws(() => distillationLoss(teacher, teacher, target, { beta: 2 }), /invalid beta 2/);
  torch.dispose([teacher, target]);
  assert.equal(torch.memory().tensors, before);
});
