// Containers: Sequential (a pipeline) and ModuleList (an indexable list). Children are stored as
// the properties '0', '1', ... so that their state-dict keys are 'fc.0.weight', as in PyTorch.
import type { Tensor } from '../torch/tensor.js';
import { type AnyModule, Module } from './module.js';

function entries(container: object): AnyModule[] {
  return Object.entries(container).filter(([, v]) => v instanceof Module).map(([, v]) => v as AnyModule);
}

/** Runs its children in order, each on the previous one's output. */
export class Sequential extends Module {
  /** `new Sequential(a, b, c)`, or named children as `new Sequential({ conv: a, relu: b })`. */
  constructor(...modules: AnyModule[] | [Record<string, AnyModule>]) {
    super();
    const [first] = modules;
    if (modules.length === 1 && !(first instanceof Module)) {
      for (const [name, m] of Object.entries(first)) this.registerModule(name, m);
    } else {
      (modules as AnyModule[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  /** Number of children. */
  get length(): number {
    return entries(this).length;
  }

  /** The child at `index` (negative counts from the end). */
  at(index: number): AnyModule {
    const list = entries(this);
    const m = list[index < 0 ? index + list.length : index];
    if (m === undefined) throw new RangeError(`Sequential: index ${index} is out of range for ${list.length} modules`);
    return m;
  }

  /** Adds a child at the end; returns this. */
  append(module: AnyModule): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Iterates over the children in order. */
  [Symbol.iterator](): Iterator<AnyModule> {
    return entries(this)[Symbol.iterator]();
  }

  override forward(input: Tensor): Tensor {
    let x = input;
    for (const m of entries(this)) x = m.call(x) as Tensor;
    return x;
  }
}

/** Holds modules in a list so that they are registered (and saved) as children; has no forward. */
export class ModuleList extends Module<never[], never> {
  constructor(modules: Iterable<AnyModule> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Number of modules. */
  get length(): number {
    return entries(this).length;
  }

  /** The module at `index` (negative counts from the end). */
  at(index: number): AnyModule {
    const list = entries(this);
    const m = list[index < 0 ? index + list.length : index];
    if (m === undefined) throw new RangeError(`ModuleList: index ${index} is out of range for ${list.length} modules`);
    return m;
  }

  /** Adds a module at the end; returns this. */
  push(module: AnyModule): this {
    this.registerModule(String(this.length), module);
    return this;
  }

  /** Iterates over the modules in order. */
  [Symbol.iterator](): Iterator<AnyModule> {
    return entries(this)[Symbol.iterator]();
  }

  override forward(): never {
    throw new Error('ModuleList has no forward(): iterate over it and call each module');
  }
}
