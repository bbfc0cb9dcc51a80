// nn.Module: the base class of layers and models. As in PyTorch, a module's attributes ARE its
// structure: every own property holding a Module is a child, and the names given to
// registerParameter / registerBuffer mark which Tensor properties are state. Attribute names are
// therefore the state-dict keys ('layer1.0.conv1.weight'), and `model.fc = new Linear(512, 10)`
// replaces a child exactly as in Python. Children are listed in property order, so subclasses
// declare their fields in PyTorch's registration order.
import { noGrad } from '../torch/autograd.js';
import { type DType, type Device, isFloatingPoint } from '../torch/dtype.js';
import { keep, tidy } from '../torch/memory.js';
import { Tensor } from '../torch/tensor.js';
import { type StateDict, type LoadStateDictResult, loadStateDictInto } from './state_dict.js';

/** Module with any call signature, for containers and traversal. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyModule = Module<any[], any>;

/** Runs before forward(); may return replacement arguments. */
export type ForwardPreHook<In extends unknown[] = unknown[]> = (module: AnyModule, input: In) => In | void;

/** Runs after forward(); may return a replacement output. */
export type ForwardHook<In extends unknown[] = unknown[], Out = unknown> = (module: AnyModule, input: In, output: Out) => Out | void;

/** Removes the hook it was returned for (torch.utils.hooks.RemovableHandle). */
export interface RemovableHandle {
  remove(): void;
}

type StateKind = 'parameter' | 'buffer' | 'nonPersistentBuffer';

// Bookkeeping lives outside the instance so that clone() (which copies own properties onto a
// prototype-made object) and the child scan never see it.
interface Internals {
  kinds: Map<string, StateKind>;
  preHooks: Map<number, ForwardPreHook>;
  hooks: Map<number, ForwardHook>;
  /** Releases of values derived from the module's state (releaseWithModule). */
  derived: Map<object, () => void>;
}
const internals = new WeakMap<object, Internals>();
let nextHookId = 0;

function state(module: object): Internals {
  let s = internals.get(module);
  if (s === undefined) {
    s = { kinds: new Map(), preHooks: new Map(), hooks: new Map(), derived: new Map() };
    internals.set(module, s);
  }
  return s;
}

/**
 * Registers `release` (under `key`, replacing an earlier one) to run once, on the module's dispose(),
 * its next change between train() and eval(), to(), toChannelsLast() or loadStateDict(): how a cache
 * derived from the module's tensors (convBatchNorm's folded weights) lets go of its memory when the
 * values it was made for may change.
 */
export function releaseWithModule(module: AnyModule, key: object, release: () => void): void {
  state(module).derived.set(key, release);
}

/**
 * Whether `module` is exactly a `layer` (not a subclass, no forward of its own on the instance) with
 * no hooks: the layers whose call() a fused kernel may stand in for (batchNormReLU, convBatchNorm).
 */
export function isPlainLayer<T extends AnyModule>(module: AnyModule, layer: abstract new (...args: never[]) => T): module is T {
  return Object.getPrototypeOf(module) === layer.prototype && !Object.hasOwn(module, 'forward') && !module.hasForwardHooks();
}

function releaseDerived(module: AnyModule): void {
  const derived = internals.get(module)?.derived;
  if (derived === undefined || derived.size === 0) return;
  const releases = [...derived.values()];
  derived.clear();
  for (const release of releases) release();
}

function own(module: object): Record<string, unknown> {
  return module as Record<string, unknown>;
}

/** Base class of every layer and model: parameters, buffers, children, modes, state dicts and hooks. */
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  /** Training mode (dropout active, BatchNorm uses batch statistics); set by train() / eval(). */
  training = true;

  /**
   * The computation. Run a module with call() (PyTorch's module(x)) so that hooks run; composite
   * modules call their children that way too, which is how summary() sees every layer.
   */
  abstract forward(...input: In): Out;

  /** Runs forward() with the registered pre-hooks and hooks around it (PyTorch's module(x)). */
  call(...input: In): Out {
    const s = internals.get(this);
    if (s === undefined || (s.preHooks.size === 0 && s.hooks.size === 0)) return this.forward(...input);
    for (const hook of [...s.preHooks.values()]) {
      const replaced = hook(this, input);
      if (replaced !== undefined) input = replaced as In;
    }
    let output = this.forward(...input);
    for (const hook of [...s.hooks.values()]) {
      const replaced = hook(this, input, output);
      if (replaced !== undefined) output = replaced as Out;
    }
    return output;
  }

  /** True when forward hooks or pre-hooks are registered, so that call() does more than forward(). */
  hasForwardHooks(): boolean {
    const s = internals.get(this);
    return s !== undefined && (s.preHooks.size > 0 || s.hooks.size > 0);
  }

  // ---- registration ----

  /**
   * Makes `tensor` a parameter named `name` (a property of this module) and returns it. The module
   * owns it: it survives tidy() and is released by dispose(). null registers an absent parameter
   * (e.g. bias=false), which stays out of the state dict as in PyTorch.
   */
  registerParameter<T extends Tensor | null>(name: string, tensor: T, { requiresGrad = true } = {}): T {
    claim(this, name, 'parameter', tensor);
    if (tensor !== null) tensor.requiresGrad_(requiresGrad);
    return tensor;
  }

  /** Makes `tensor` a buffer (state that is not trained, e.g. BatchNorm's running mean) and returns it. */
  registerBuffer<T extends Tensor | null>(name: string, tensor: T, { persistent = true } = {}): T {
    claim(this, name, persistent ? 'buffer' : 'nonPersistentBuffer', tensor);
    return tensor;
  }

  /** Adds a child under `name` (same as assigning the property) and returns it. */
  registerModule<M extends AnyModule | null>(name: string, module: M): M {
    if (name.includes('.') || name === '') throw new TypeError(`registerModule: invalid name ${JSON.stringify(name)}`);
    own(this)[name] = module;
    return module;
  }

  // ---- traversal ----

  /** Direct children with their attribute names, in registration order. */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) if (value instanceof Module) out.push([key, value]);
    return out;
  }

  /** Direct children, in registration order. */
  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and all descendants with dotted names ('' for this one), depth first, each once. */
  namedModules(prefix = '', seen = new Set<AnyModule>()): [string, AnyModule][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, AnyModule][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }

  /** This module and all descendants, depth first, each once. */
  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with their dotted names (the module's own tensors, not copies), each once. */
  namedParameters({ recurse = true } = {}): [string, Tensor][] {
    return namedState(this, (k) => k === 'parameter', recurse);
  }

  /** Parameters (the module's own tensors), each once: what an optimizer updates. */
  parameters({ recurse = true } = {}): Tensor[] {
    return this.namedParameters({ recurse }).map(([, t]) => t);
  }

  /** Buffers with their dotted names (the module's own tensors), each once. */
  namedBuffers({ recurse = true } = {}): [string, Tensor][] {
    return namedState(this, (k) => k !== 'parameter', recurse);
  }

  /** Buffers (the module's own tensors), each once. */
  buffers({ recurse = true } = {}): Tensor[] {
    return this.namedBuffers({ recurse }).map(([, t]) => t);
  }

  /** Number of parameter elements (only those with requiresGrad when `trainableOnly`). */
  numParameters({ trainableOnly = false } = {}): number {
    let n = 0;
    for (const p of this.parameters()) if (!trainableOnly || p.requiresGrad) n += p.numel();
    return n;
  }

  /** The descendant at a dotted path such as 'layer1.0.conv1' ('' is this module). */
  getSubmodule(target: string): AnyModule {
    let module: AnyModule = this;
    if (target === '') return module;
    for (const part of target.split('.')) {
      const next = own(module)[part];
      if (!(next instanceof Module)) throw new Error(`${module.constructor.name} has no submodule '${part}' (looking up '${target}')`);
      module = next;
    }
    return module;
  }

  // ---- state dicts ----

  /**
   * Parameters and persistent buffers under PyTorch's dotted keys. Like PyTorch's, the tensors are
   * detached views sharing memory with the model; they are new handles the caller owns (dispose
   * them, or call this inside tidy()).
   */
  stateDict({ prefix = '' } = {}): StateDict {
    const out: StateDict = {};
    for (const [name, tensor] of namedState(this, (k) => k !== 'nonPersistentBuffer', true)) out[prefix + name] = tensor.detach();
    return out;
  }

  /**
   * Copies tensors into the parameters and buffers (converting dtype and device). Shapes must match;
   * with `strict` (the default) the keys must match exactly. Everything is checked before anything
   * is copied, so a failed load leaves the module unchanged (PyTorch may copy part of it first).
   */
  loadStateDict(stateDict: StateDict | Map<string, Tensor>, { strict = true } = {}): LoadStateDictResult {
    for (const m of this.modules()) releaseDerived(m);
    const targets = namedState(this, (k) => k !== 'nonPersistentBuffer', true);
    return loadStateDictInto(this.constructor.name, targets, stateDict, strict);
  }

  // ---- modes, devices, gradients ----

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const m of this.modules()) {
      if (m.training !== mode) releaseDerived(m);
      m.training = mode;
    }
    return this;
  }

  /** Evaluation mode (train(false)); returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Sets requiresGrad on every parameter (false freezes them); returns this. */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Moves parameters and buffers to a device, or converts the floating-point ones to a dtype, in
   * place (the module keeps its identity; the tensors are replaced). Create optimizers after this.
   */
  to(target: DType | Device): this {
    const isDevice = target === 'cpu' || target.startsWith('cuda');
    for (const module of this.modules()) {
      releaseDerived(module);
      for (const [name, tensor, kind] of ownState(module)) {
        if (!isDevice && !isFloatingPoint(tensor.dtype)) continue;
        if (isDevice ? tensor.device === normalizeDevice(target as Device) : tensor.dtype === target) continue;
        const moved = keep(noGrad(() => tensor.to(target)));
        if (kind === 'parameter') moved.requiresGrad_(tensor.requiresGrad);
        tensor.dispose();
        own(module)[name] = moved;
      }
    }
    return this;
  }

  /**
   * Stores every 4-d parameter and buffer in the channels-last (NHWC) memory format, as PyTorch's
   * `model.to(memory_format=torch.channels_last)`: oneDNN's CPU convolutions run faster on it. The
   * tensors keep their identity (optimizers built before still hold them); returns this.
   */
  toChannelsLast(): this {
    for (const module of this.modules()) {
      releaseDerived(module);
      for (const [, tensor] of ownState(module)) {
        if (tensor.ndim === 4) noGrad(() => tidy(() => tensor.setData_(tensor.channelsLast())));
      }
    }
    return this;
  }

  /** Calls fn on every descendant, then on this module (as PyTorch's apply); returns this. */
  apply(fn: (module: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  /** Zeroes the gradients of all parameters (PyTorch 1.13's default), or drops them with setToNone. */
  zeroGrad({ setToNone = false } = {}): void {
    for (const p of this.parameters()) {
      const grad = p.grad;
      if (grad === null) continue;
      if (setToNone) p.grad = null;
      else grad.zero_();
      grad.dispose();
    }
  }

  // ---- hooks ----

  /** Registers a hook that runs before each call(); returns a handle whose remove() unregisters it. */
  registerForwardPreHook(hook: ForwardPreHook<In>): RemovableHandle {
    const hooks = state(this).preHooks;
    const id = nextHookId++;
    hooks.set(id, hook as unknown as ForwardPreHook);
    return { remove: () => void hooks.delete(id) };
  }

  /** Registers a hook that runs after each call() with the input and output; returns a handle. */
  registerForwardHook(hook: ForwardHook<In, Out>): RemovableHandle {
    const hooks = state(this).hooks;
    const id = nextHookId++;
    hooks.set(id, hook as unknown as ForwardHook);
    return { remove: () => void hooks.delete(id) };
  }

  // ---- copies and release ----

  /**
   * A deep copy (Python's copy.deepcopy of a model): new parameter and buffer tensors with the same
   * values and requiresGrad, same modes and settings; gradients and hooks are not copied.
   */
  clone(): this {
    return cloneModule(this, new Map(), new Map()) as this;
  }

  /** Releases every parameter and buffer now; the module must not be used afterwards. */
  dispose(): void {
    for (const module of this.modules()) {
      releaseDerived(module);
      for (const [, tensor] of ownState(module)) tensor.dispose();
    }
  }

  /** Makes `using model = ...` release the module at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // ---- printing ----

  /** Settings shown in toString(), as PyTorch's extra_repr. */
  extraRepr(): string {
    return '';
  }

  /** PyTorch-style nested description of the module. */
  toString(): string {
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = extra ? extra.split('\n') : [];
    for (const [name, child] of children) lines.push(`(${name}): ${child.toString().split('\n').join('\n  ')}`);
    return `${this.constructor.name}(\n  ${lines.join('\n  ')}\n)`;
  }
}

// JS private members (#x) would break clone(), whose copies are made without running constructors;
// hence these helpers are module functions.
function claim(module: AnyModule, name: string, kind: StateKind, tensor: Tensor | null): void {
  if (name.includes('.') || name === '') throw new TypeError(`${module.constructor.name}: invalid state name ${JSON.stringify(name)}`);
  if (tensor !== null && !(tensor instanceof Tensor)) throw new TypeError(`${module.constructor.name}: '${name}' must be a Tensor or null`);
  if (tensor !== null) keep(tensor);
  state(module).kinds.set(name, kind);
  own(module)[name] = tensor;
}

// Registered tensors of one module, with their kinds, in property order.
function ownState(module: AnyModule): [string, Tensor, StateKind][] {
  const kinds = state(module).kinds;
  const out: [string, Tensor, StateKind][] = [];
  for (const [key, value] of Object.entries(module)) {
    const kind = kinds.get(key);
    if (kind !== undefined && value instanceof Tensor) out.push([key, value, kind]);
  }
  return out;
}

function namedState(module: AnyModule, select: (kind: StateKind) => boolean, recurse: boolean): [string, Tensor][] {
  const seen = new Set<Tensor>();
  const out: [string, Tensor][] = [];
  const scope: [string, AnyModule][] = recurse ? module.namedModules() : [['', module]];
  for (const [prefix, m] of scope) {
    for (const [name, tensor, kind] of ownState(m)) {
      if (!select(kind) || seen.has(tensor)) continue;
      seen.add(tensor);
      out.push([prefix ? `${prefix}.${name}` : name, tensor]);
    }
  }
  return out;
}

function normalizeDevice(device: Device): string {
  return device === 'cuda' ? 'cuda:0' : device;
}

// Copies own properties onto a fresh object of the same class: children recursively, registered
// tensors as detached copies (shared tensors stay shared), plain arrays and objects shallowly,
// everything else by reference. Constructors are not re-run, so no random numbers are drawn.
function cloneModule(module: AnyModule, modules: Map<AnyModule, AnyModule>, tensors: Map<Tensor, Tensor>): AnyModule {
  const done = modules.get(module);
  if (done !== undefined) return done;
  const copy = Object.create(Object.getPrototypeOf(module) as object) as AnyModule;
  modules.set(module, copy);
  const kinds = state(copy).kinds;
  for (const [key, value] of Object.entries(module)) {
    const kind = state(module).kinds.get(key);
    if (kind !== undefined) kinds.set(key, kind);
    if (value instanceof Module) own(copy)[key] = cloneModule(value, modules, tensors);
    else if (value instanceof Tensor && kind !== undefined) {
      let t = tensors.get(value);
      if (t === undefined) {
        t = keep(noGrad(() => value.clone()));
        if (kind === 'parameter') t.requiresGrad_(value.requiresGrad);
        tensors.set(value, t);
      }
      own(copy)[key] = t;
    } else if (Array.isArray(value)) own(copy)[key] = value.slice();
    else if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) own(copy)[key] = { ...value };
    else own(copy)[key] = value;
  }
  return copy;
}
