// A student and its teacher as one module for train.fit, whose lossFn(output, target) never sees the
// input: in training mode forward() also runs the teacher, frozen and in eval mode, on the same
// (augmented) batch and keeps its logits for the loss, as Müller et al. (2019, section 4) distill.
// The teacher is held in a private field, so it is no child: train() leaves it in eval mode, and the
// parameters, the state dict and so the checkpoints are the student's alone.
import { distillationLoss } from '../nn/distillation.js';
import { crossEntropy } from '../nn/functional.js';
import { Module } from '../nn/module.js';
import { noGrad } from '../torch/autograd.js';
import type { Tensor } from '../torch/tensor.js';
import type { FeatureModel } from './evaluate_run.js';

/** A student trained against a frozen teacher's logits on the same input. */
export class StudentWithTeacher extends Module {
  readonly #teacher: FeatureModel;
  #last: { output: Tensor; teacher: Tensor } | null = null;

  /** Wraps `student`; `teacher` is put in eval mode and stays the caller's to dispose. */
  constructor(readonly student: FeatureModel, teacher: FeatureModel) {
    super();
    this.#teacher = teacher.eval();
  }

  /** The student's logits; in training mode the teacher's logits of `x` are kept for lossFn. */
  forward(x: Tensor): Tensor {
    const output = this.student.call(x) as Tensor;
    this.#last = this.training ? { output, teacher: noGrad(() => this.#teacher.call(x) as Tensor) } : null;
    return output;
  }

  /**
   * The loss for fit: distillationLoss against the teacher's logits of the same batch in training,
   * plain cross-entropy in evaluation (the validation loss then compares across teachers and T).
   */
  lossFn(temperature: number, beta: number): (output: Tensor, target: Tensor) => Tensor {
    return (output, target) => {
      const last = this.#last;
      if (last === null || last.output !== output) return crossEntropy(output, target);
      return distillationLoss(output, last.teacher, target, { temperature, beta });
    };
  }

  /** The student's state dict (its keys, loadable into a plain model). */
  override stateDict(options: { prefix?: string } = {}): ReturnType<Module['stateDict']> {
    return this.student.stateDict(options);
  }

  /** Loads a state dict of the student. */
  override loadStateDict(...args: Parameters<Module['loadStateDict']>): ReturnType<Module['loadStateDict']> {
    return this.student.loadStateDict(...args);
  }
}
