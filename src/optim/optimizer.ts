// The optimizer base class: parameter groups, per-parameter state, zeroGrad, and state dicts, as
// torch.optim.Optimizer (PyTorch 1.13). Subclasses implement one group's update; step() runs it
// under noGrad inside tidy(), so every p.grad read and every temporary is released, while state
// tensors are created with keep() and live until dispose() or loadStateDict() replaces them.
// Subclasses update parameter by parameter through eachGradient(), which frees each parameter's
// temporaries before the next: Python frees them as it goes too, and holding a parameter-sized
// tensor or two per parameter until the end of the step would make every step map and page-fault
// tens of megabytes afresh (a third slower AdamW step on ResNet-18, measured).
import { enableGrad, noGrad } from '../torch/autograd.js';
import { emptyLike } from '../torch/creation.js';
import { isFloatingPoint } from '../torch/dtype.js';
import { keep, tidy } from '../torch/memory.js';
import { Tensor } from '../torch/tensor.js';

/** Options every optimizer has. */
export interface BaseOptions {
  /** Learning rate. */
  lr: number;
}

/** Fields learning-rate schedulers add to a parameter group (PyTorch's initial_lr, max_lr, ...). */
export interface SchedulerFields {
  initialLr?: number;
  maxLr?: number;
  minLr?: number;
  maxMomentum?: number;
  baseMomentum?: number;
}

/** A group of parameters that share hyperparameters (torch's param_groups entries). */
export type ParamGroup<O> = O & SchedulerFields & { params: Tensor[] };

/** What a constructor accepts for one group: its parameters and any options that differ from the defaults. */
export type ParamGroupSpec<O> = Partial<O> & SchedulerFields & { params: Iterable<Tensor> | Tensor };

/** The parameters to optimize: tensors (one group), or group specs. */
export type Params<O> = Iterable<Tensor> | Iterable<ParamGroupSpec<O>>;

/** One parameter's optimizer state: tensors (kept alive by the optimizer), numbers, or null. */
export type ParamState = Record<string, Tensor | number | null>;

/**
 * The optimizer's state as torch's state_dict(): `state` keyed by the parameter's position across
 * all groups, `paramGroups` with hyperparameters and those positions. The tensors are the
 * optimizer's own (not copies): save or clone them, never dispose them.
 */
export interface OptimizerStateDict {
  state: Record<number, ParamState>;
  paramGroups: (Record<string, unknown> & { params: number[] })[];
}

/** A structural copy of a group option (betas are arrays; nothing else is nested). */
const copyValue = (v: unknown): unknown => (Array.isArray(v) ? [...v] : v);


// A loaded state tensor for parameter p: p's dtype (for floating state) and device, and, when the
// shapes agree, p's layout, as PyTorch's optimizers keep it: a checkpoint stores contiguous
// tensors, and state laid out unlike a channels-last parameter would keep the fused step off.
function stateCopy(v: Tensor, p: Tensor): Tensor {
  const dtype = isFloatingPoint(p.dtype) ? p.dtype : v.dtype;
  if (v.shape.length !== p.shape.length || v.shape.some((d, i) => d !== p.shape[i])) return v.to({ dtype, device: p.device, copy: true });
  const out = emptyLike(p, { dtype });
  out.copy_(v);
  return out;
}
/** The base class of SGD, Adam and AdamW (torch.optim.Optimizer). */
export abstract class Optimizer<O extends BaseOptions = BaseOptions, S extends ParamState = ParamState> {
  /** The options a group gets when it does not set them. */
  readonly defaults: Readonly<O>;
  /** The parameter groups; schedulers and users may change their hyperparameters between steps. */
  paramGroups: ParamGroup<O>[] = [];
  /** Per-parameter state, created lazily at the first step that parameter has a gradient. */
  state = new Map<Tensor, S>();

  /** Validates `params` and builds the groups from `defaults` (subclasses validate the options). */
  constructor(params: Params<O>, defaults: O) {
    this.defaults = Object.freeze({ ...defaults });
    if (params instanceof Tensor || params === null || typeof params !== 'object' || !(Symbol.iterator in params)) {
      throw new TypeError(`${this.constructor.name}: params must be an iterable of Tensors or of parameter groups, got ${String(params)}`);
    }
    const list = [...(params as Iterable<Tensor | ParamGroupSpec<O>>)];
    if (list.length === 0) throw new RangeError(`${this.constructor.name}: optimizer got an empty parameter list`);
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as ParamGroupSpec<O>] : (list as ParamGroupSpec<O>[]);
    for (const group of groups) this.addParamGroup(group);
  }

  /** Adds a group (e.g. layers unfrozen while fine-tuning); options it omits come from the defaults. */
  addParamGroup(spec: ParamGroupSpec<O>): void {
    const name = this.constructor.name;
    if (spec === null || typeof spec !== 'object' || spec instanceof Tensor || !('params' in spec)) {
      throw new TypeError(`${name}: a parameter group must be an object with a 'params' field`);
    }
    const params = spec.params instanceof Tensor ? [spec.params] : [...spec.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`${name}: optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new RangeError(`${name}: can't optimize a non-leaf Tensor`);
    }
    // PyTorch 1.13 only warns here; a duplicate would be updated twice per step, so it is an error.
    if (new Set(params).size !== params.length) throw new RangeError(`${name}: a parameter group contains the same parameter twice`);
    const taken = new Set(this.paramGroups.flatMap((g) => g.params));
    if (params.some((p) => taken.has(p))) throw new RangeError(`${name}: some parameters appear in more than one parameter group`);
    const group = { ...this.defaults } as Record<string, unknown>;
    for (const [k, v] of Object.entries(spec)) if (k !== 'params' && v !== undefined) group[k] = copyValue(v);
    group.params = params;
    this.validateGroup(group as unknown as ParamGroup<O>);
    this.paramGroups.push(group as unknown as ParamGroup<O>);
  }

  /** Checks one group's hyperparameters; throws RangeError naming the option and value. */
  protected abstract validateGroup(group: ParamGroup<O>): void;

  /** Updates the parameters of one group that have a gradient (runs under noGrad inside tidy). */
  protected abstract updateGroup(group: ParamGroup<O>): void;

  /**
   * One optimization step over every group. `closure`, when given, re-evaluates the model and
   * returns the loss; it runs with gradients enabled, before the update, and its result is returned.
   */
  step<T = undefined>(closure?: () => T): T | undefined {
    const loss = closure === undefined ? undefined : enableGrad(closure);
    noGrad(() => tidy(() => {
      for (const group of this.paramGroups) this.updateGroup(group);
    }));
    return loss;
  }

  /**
   * Removes the gradients (PyTorch 2.x's default: the next backward writes fresh ones instead of
   * adding into zeroed memory, one pass less per parameter), which skips those parameters in a step
   * until a backward pass gives them a gradient again; `setToNone: false` zeroes them in place.
   */
  zeroGrad({ setToNone = true }: { setToNone?: boolean } = {}): void {
    noGrad(() => tidy(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const grad = p.grad;
          if (grad === null) continue;
          if (setToNone) p.grad = null;
          else if (grad.gradFn !== null) p.grad = grad.detach().zero_(); // a create_graph gradient: cut it from its graph
          else grad.zero_();
        }
      }
    }));
  }

  /** Runs `update` for each parameter of `group` that has a gradient, each in its own tidy() scope. */
  protected eachGradient(group: ParamGroup<O>, update: (param: Tensor, grad: Tensor) => void): void {
    for (const param of group.params) {
      tidy(() => {
        const grad = param.grad;
        if (grad !== null) update(param, grad);
      });
    }
  }

  /** The state of parameter `p`, created by `init` (under keep) when it does not exist yet. */
  protected stateOf(p: Tensor, init: () => S): S {
    let s = this.state.get(p);
    if (s === undefined) {
      s = init();
      for (const v of Object.values(s)) if (v instanceof Tensor) keep(v);
      this.state.set(p, s);
    }
    return s;
  }

  /** Stores a state tensor created during a step, exempt from the step's tidy(). */
  protected keepState<K extends keyof S>(state: S, key: K, value: Tensor): void {
    state[key] = keep(value) as S[K];
  }

  /** The optimizer's state and hyperparameters (see OptimizerStateDict: the tensors are shared, not copied). */
  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((group) => {
      const packed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(group)) if (k !== 'params') packed[k] = copyValue(v);
      packed.params = group.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return packed as Record<string, unknown> & { params: number[] };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state[i] = { ...s };
    }
    return { state, paramGroups };
  }

  /**
   * Restores a stateDict(): copies its tensors (cast to each parameter's dtype and device; a `step`
   * tensor becomes a number), takes its group hyperparameters, and releases the state held before.
   */
  loadStateDict(stateDict: OptimizerStateDict): void {
    const name = this.constructor.name;
    const saved = stateDict?.paramGroups;
    if (!Array.isArray(saved) || stateDict.state === null || typeof stateDict.state !== 'object') {
      throw new TypeError(`${name}.loadStateDict: expected { state, paramGroups }`);
    }
    if (saved.length !== this.paramGroups.length) {
      throw new RangeError(`${name}.loadStateDict: loaded state dict has a different number of parameter groups (${saved.length} vs ${this.paramGroups.length})`);
    }
    if (saved.some((g, i) => g.params.length !== this.paramGroups[i].params.length)) {
      throw new RangeError(`${name}.loadStateDict: loaded state dict contains a parameter group that doesn't match the size of optimizer's group`);
    }
    const byIndex = new Map<number, Tensor>();
    saved.forEach((g, i) => g.params.forEach((id, j) => byIndex.set(id, this.paramGroups[i].params[j])));
    const state = new Map<Tensor, S>();
    noGrad(() => {
      for (const [key, value] of Object.entries(stateDict.state)) {
        const p = byIndex.get(Number(key));
        if (p === undefined) continue;
        const copy: ParamState = {};
        for (const [k, v] of Object.entries(value)) {
          if (!(v instanceof Tensor)) copy[k] = v;
          else if (k === 'step') copy[k] = v.item(); // PyTorch keeps step as a scalar tensor; here it is a number
          else copy[k] = keep(stateCopy(v, p));
        }
        state.set(p, copy as S);
      }
    });
    this.disposeState();
    this.state = state;
    this.paramGroups = saved.map((g, i) => {
      const group: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(g)) if (k !== 'params') group[k] = copyValue(v);
      group.params = this.paramGroups[i].params;
      return group as unknown as ParamGroup<O>;
    });
  }

  /** Releases every state tensor; the optimizer starts from fresh state at its next step. */
  dispose(): void {
    this.disposeState();
    this.state = new Map();
  }

  /** Makes `using opt = new optim.AdamW(...)` release the state at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private disposeState(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
  }
}

/** Throws a RangeError naming `option` unless `ok`. */
export function checkOption(ok: boolean, where: string, option: string, value: unknown, rule: string): void {
  if (!ok) throw new RangeError(`${where}: invalid ${option} ${JSON.stringify(value)} (${rule})`);
}
