// Knowledge distillation (Hinton, Vinyals & Dean 2015), as Müller, Kornblith & Hinton (2019,
// section 4) use it to show that a teacher trained with label smoothing makes a worse teacher:
// the student minimizes (1 - beta) * CE(student, hard labels) + beta * T^2 * KL(teacher_T || student_T),
// where _T is the softmax at temperature T. The T^2 keeps the soft term's gradients on the scale of
// the hard term's as T grows (Hinton et al., section 2); KL rather than the paper's cross-entropy
// differs by the teacher's entropy only, a constant, so the gradients are the same.
import { noGrad } from '../torch/autograd.js';
import { tidy } from '../torch/memory.js';
import type { Tensor } from '../torch/tensor.js';
import { crossEntropy, klDiv } from './functional.js';

/** Options of distillationLoss. */
export interface DistillationOptions {
  /** Softmax temperature T of both teacher and student in the soft term (> 0; default 1). */
  temperature?: number;
  /** Weight of the soft (teacher) term; 1 - beta weighs the hard-label cross-entropy (default 0.5). */
  beta?: number;
}

/**
 * The distillation loss of `student` logits (N, C) against `teacher` logits (N, C) and class indices
 * `target` (N): F.kl_div(log_softmax(s / T), softmax(t / T), 'batchmean') * T^2 mixed by beta with
 * F.cross_entropy(s, target). The teacher gets no gradient.
 */
export function distillationLoss(student: Tensor, teacher: Tensor, target: Tensor, { temperature = 1, beta = 0.5 }: DistillationOptions = {}): Tensor {
  if (!(typeof temperature === 'number' && temperature > 0 && Number.isFinite(temperature))) throw new RangeError(`distillationLoss: invalid temperature ${temperature} (must be > 0)`);
  if (!(typeof beta === 'number' && beta >= 0 && beta <= 1)) throw new RangeError(`distillationLoss: invalid beta ${beta} (must be in [0, 1])`);
  return tidy(() => {
    const soft = noGrad(() => teacher.detach().div(temperature).softmax(1));
    const kl = klDiv(student.div(temperature).logSoftmax(1), soft, { reduction: 'batchmean' }).mul(temperature * temperature);
    return kl.mul(beta).add(crossEntropy(student, target).mul(1 - beta));
  });
}
