// torch.amp.GradScaler: loss scaling for float16 training, as PyTorch 1.13's torch.cuda.amp.GradScaler
// (its stages, checks, messages and state-dict keys). Gradients are multiplied by `scale`; before
// the optimizer steps they are unscaled and checked for inf/NaN, a step with any is skipped, and
// update() backs the scale off after such a step or grows it after `growthInterval` clean ones.
// One deliberate difference: PyTorch 1.13's scaler disables itself without CUDA, this one works on
// CPU tensors too (as torch.amp.GradScaler('cpu') does from PyTorch 2.3), since the native kernels
// (native/amp.cc) have a CPU form on every libtorch.
import { noGrad } from '../autograd.js';
import { full } from '../creation.js';
import type { Device } from '../dtype.js';
import { keep, tidy } from '../memory.js';
import { native } from '../native.js';
import { Tensor } from '../tensor.js';

/** The options of GradScaler, with PyTorch's defaults. */
export interface GradScalerOptions {
  /** The scale before any update (2^16). */
  initScale?: number;
  /** Factor the scale grows by after growthInterval steps without inf/NaN (2). */
  growthFactor?: number;
  /** Factor the scale shrinks by after a step with inf/NaN gradients (0.5). */
  backoffFactor?: number;
  /** Clean steps between growths (2000). */
  growthInterval?: number;
  /** false makes every method a pass-through (true). */
  enabled?: boolean;
}

/** What the scaler needs of an optimizer: its parameter groups and step(). */
export interface ScalableOptimizer {
  paramGroups: { params: Tensor[] }[];
  step(): unknown;
}

/** GradScaler's state dict, with PyTorch's keys (so a PyTorch checkpoint's scaler entry loads). */
export interface GradScalerStateDict {
  scale: number;
  growth_factor: number;
  backoff_factor: number;
  growth_interval: number;
  _growth_tracker: number;
}

type Stage = 'ready' | 'unscaled' | 'stepped';

// Per optimizer and iteration: how far the iteration got, and one found-inf flag per device.
interface OptimizerState {
  stage: Stage;
  foundInfPerDevice: Map<Device, Tensor>;
}

const FIX = 'This may indicate your script did not use scaler.scale(loss or outputs) earlier in the iteration.';

function checkFactor(name: string, value: number, ok: (v: number) => boolean, expected: string): number {
  if (typeof value !== 'number' || !ok(value)) throw new RangeError(`GradScaler: ${name} must be ${expected}, got ${String(value)}`);
  return value;
}

/** Scales losses and unscales gradients for mixed-precision training (torch.amp.GradScaler). */
export class GradScaler {
  #initScale: number;
  #growthFactor: number;
  #backoffFactor: number;
  #growthInterval: number;
  #initGrowthTracker = 0;
  readonly #enabled: boolean;
  // Created on the device of the first outputs scaled, as PyTorch's lazy init does.
  #scale: Tensor | null = null;
  #growthTracker: Tensor | null = null;
  #states = new Map<ScalableOptimizer, OptimizerState>();

  /** Makes a scaler; the scale tensor appears at the first scale() call, on that output's device. */
  constructor({ initScale = 2 ** 16, growthFactor = 2, backoffFactor = 0.5, growthInterval = 2000, enabled = true }: GradScalerOptions = {}) {
    if (typeof enabled !== 'boolean') throw new TypeError(`GradScaler: enabled must be a boolean, got ${String(enabled)}`);
    this.#enabled = enabled;
    this.#initScale = checkFactor('initScale', initScale, (v) => v > 0, 'a positive number');
    // PyTorch asserts these two in __init__ too.
    this.#growthFactor = checkFactor('growthFactor', growthFactor, (v) => v > 1, 'greater than 1');
    this.#backoffFactor = checkFactor('backoffFactor', backoffFactor, (v) => v < 1, 'less than 1');
    this.#growthInterval = checkFactor('growthInterval', growthInterval, (v) => Number.isInteger(v) && v > 0, 'a positive integer');
  }

  #stateOf(optimizer: ScalableOptimizer): OptimizerState {
    let state = this.#states.get(optimizer);
    if (state === undefined) {
      state = { stage: 'ready', foundInfPerDevice: new Map() };
      this.#states.set(optimizer, state);
    }
    return state;
  }

  #checkScale(funcname: string): [Tensor, Tensor] {
    if (this.#scale === null || this.#growthTracker === null) {
      throw new Error(`Attempted ${funcname} but _scale is None.  ${FIX}`);
    }
    return [this.#scale, this.#growthTracker];
  }

  #lazyInit(device: Device): Tensor {
    if (this.#scale === null) {
      this.#scale = keep(full([1], this.#initScale, { dtype: 'float32', device }));
      this.#growthTracker = keep(full([1], this.#initGrowthTracker, { dtype: 'int32', device }));
    }
    return this.#scale;
  }

  /** Multiplies the outputs (a loss, or an array of them) by the scale; returns them unchanged when disabled. */
  scale(outputs: Tensor): Tensor;
  scale(outputs: Tensor[]): Tensor[];
  scale(outputs: Tensor | Tensor[]): Tensor | Tensor[] {
    if (!this.#enabled) return outputs;
    const one = (t: Tensor): Tensor => {
      if (!(t instanceof Tensor)) throw new TypeError('GradScaler.scale: outputs must be a Tensor or an array of Tensors');
      const device = t.device;
      const scale = this.#lazyInit(device);
      return tidy(() => t.mul(scale.device === device ? scale : scale.to(device)));
    };
    if (Array.isArray(outputs)) return outputs.map((t) => one(t));
    return one(outputs);
  }

  /** Unscales the optimizer's gradients in place and records whether any is inf/NaN (call before clipping). */
  unscale_(optimizer: ScalableOptimizer): void {
    if (!this.#enabled) return;
    const [scale] = this.#checkScale('unscale_');
    const state = this.#stateOf(optimizer);
    if (state.stage === 'unscaled') throw new Error('unscale_() has already been called on this optimizer since the last update().');
    if (state.stage === 'stepped') throw new Error('unscale_() is being called after step().');
    noGrad(() => tidy(() => {
      // Computed in double and rounded once, as PyTorch's self._scale.double().reciprocal().float().
      const invScale = scale.double().reciprocal().float();
      const foundInf = full([1], 0, { dtype: 'float32', device: scale.device });
      this.#unscaleGrads(optimizer, invScale, foundInf, state.foundInfPerDevice);
    }));
    state.stage = 'unscaled';
  }

  // One native call per device and dtype, as PyTorch groups the gradients for its foreach kernel.
  #unscaleGrads(optimizer: ScalableOptimizer, invScale: Tensor, foundInf: Tensor, perDevice: Map<Device, Tensor>): void {
    const groups = new Map<string, { device: Device; grads: Tensor[] }>();
    for (const group of optimizer.paramGroups) {
      for (const param of group.params) {
        const grad = param.grad;
        if (grad === null) continue;
        if (grad.dtype === 'float16') throw new Error('Attempting to unscale FP16 gradients.');
        const device = grad.device;
        const key = `${device}/${grad.dtype}`;
        let entry = groups.get(key);
        if (entry === undefined) groups.set(key, (entry = { device, grads: [] }));
        entry.grads.push(grad);
      }
    }
    const invPerDevice = new Map<Device, Tensor>();
    for (const { device, grads } of groups.values()) {
      let found = perDevice.get(device);
      if (found === undefined) {
        found = keep(foundInf.device === device ? foundInf.clone() : foundInf.to(device));
        perDevice.set(device, found);
      }
      let inv = invPerDevice.get(device);
      if (inv === undefined) invPerDevice.set(device, (inv = invScale.device === device ? invScale : invScale.to(device)));
      native.ampForeachNonFiniteCheckAndUnscale_(grads.map((g) => g.handle), found.handle, inv.handle);
    }
  }

  /** Unscales (unless unscale_ already did) and runs optimizer.step() unless inf/NaN gradients were found. */
  step<O extends ScalableOptimizer>(optimizer: O): ReturnType<O['step']> | undefined {
    if (!this.#enabled) return optimizer.step() as ReturnType<O['step']>;
    this.#checkScale('step');
    const state = this.#stateOf(optimizer);
    if (state.stage === 'stepped') throw new Error('step() has already been called since the last update().');
    if (state.stage === 'ready') this.unscale_(optimizer);
    if (state.foundInfPerDevice.size === 0) throw new Error('No inf checks were recorded for this optimizer.');
    let retval: ReturnType<O['step']> | undefined;
    // One host read per device, as PyTorch's sum(v.item() ...): the step is skipped on any inf/NaN.
    let found = 0;
    for (const flag of state.foundInfPerDevice.values()) found += flag.item();
    if (found === 0) retval = optimizer.step() as ReturnType<O['step']>;
    state.stage = 'stepped';
    return retval;
  }

  /** Updates the scale from this iteration's inf checks (or sets it to newScale) and starts the next iteration. */
  update(newScale?: number | Tensor): void {
    if (!this.#enabled) return;
    const [scale, tracker] = this.#checkScale('update');
    if (newScale !== undefined) {
      if (typeof newScale === 'number') {
        scale.fill_(newScale);
      } else {
        const reason = 'new_scale should be a float or a 1-element torch.FloatTensor with requires_grad=False.';
        if (!(newScale instanceof Tensor) || newScale.dtype !== 'float32' || newScale.numel() !== 1 || newScale.requiresGrad) {
          throw new TypeError(reason);
        }
        scale.copy_(newScale);
      }
    } else {
      const flags = [...this.#states.values()].flatMap((s) => [...s.foundInfPerDevice.values()]);
      if (flags.length === 0) throw new Error('No inf checks were recorded prior to update.');
      tidy(() => {
        let combined = flags[0].to(scale.device);
        for (let i = 1; i < flags.length; i += 1) combined = combined.add(flags[i].to(scale.device));
        native.ampUpdateScale_(scale.handle, tracker.handle, combined.handle, this.#growthFactor, this.#backoffFactor, this.#growthInterval);
      });
    }
    this.#resetStates();
  }

  #resetStates(): void {
    for (const state of this.#states.values()) for (const flag of state.foundInfPerDevice.values()) flag.dispose();
    this.#states.clear();
  }

  /** The current scale as a number (initScale before the first scale(), 1 when disabled). */
  getScale(): number {
    if (!this.#enabled) return 1.0;
    return this.#scale === null ? this.#initScale : this.#scale.item();
  }

  /** The scale's growth factor. */
  getGrowthFactor(): number {
    return this.#growthFactor;
  }

  /** Sets the scale's growth factor. */
  setGrowthFactor(value: number): void {
    this.#growthFactor = value;
  }

  /** The scale's backoff factor. */
  getBackoffFactor(): number {
    return this.#backoffFactor;
  }

  /** Sets the scale's backoff factor. */
  setBackoffFactor(value: number): void {
    this.#backoffFactor = value;
  }

  /** The number of clean steps between growths. */
  getGrowthInterval(): number {
    return this.#growthInterval;
  }

  /** Sets the number of clean steps between growths. */
  setGrowthInterval(value: number): void {
    this.#growthInterval = value;
  }

  /** Whether the scaler does anything. */
  isEnabled(): boolean {
    return this.#enabled;
  }

  #getGrowthTracker(): number {
    if (!this.#enabled) return 0;
    return this.#growthTracker === null ? this.#initGrowthTracker : this.#growthTracker.item();
  }

  /** The scaler's state as PyTorch's state_dict() (empty when disabled). */
  stateDict(): GradScalerStateDict | Record<string, never> {
    if (!this.#enabled) return {};
    return {
      scale: this.getScale(),
      growth_factor: this.#growthFactor,
      backoff_factor: this.#backoffFactor,
      growth_interval: this.#growthInterval,
      _growth_tracker: this.#getGrowthTracker(),
    };
  }

  /** Restores a state from stateDict() (or PyTorch's state_dict()); does nothing when disabled. */
  loadStateDict(stateDict: GradScalerStateDict | Record<string, never>): void {
    if (!this.#enabled) return;
    if (Object.keys(stateDict).length === 0) {
      throw new Error('The source state dict is empty, possibly because it was saved from a disabled instance of GradScaler.');
    }
    const sd = stateDict as GradScalerStateDict;
    for (const key of ['scale', 'growth_factor', 'backoff_factor', 'growth_interval', '_growth_tracker'] as const) {
      if (typeof sd[key] !== 'number') throw new TypeError(`GradScaler.loadStateDict: '${key}' must be a number, got ${String(sd[key])}`);
    }
    this.#initScale = sd.scale;
    this.#scale?.fill_(sd.scale);
    this.#growthFactor = sd.growth_factor;
    this.#backoffFactor = sd.backoff_factor;
    this.#growthInterval = sd.growth_interval;
    this.#initGrowthTracker = sd._growth_tracker;
    this.#growthTracker?.fill_(sd._growth_tracker);
  }

  /** Frees the scale tensors and this iteration's inf flags; a later scale() makes them afresh from initScale. */
  dispose(): void {
    this.#resetStates();
    this.#scale?.dispose();
    this.#growthTracker?.dispose();
    this.#scale = null;
    this.#growthTracker = null;
  }

  /** Makes `using scaler = new GradScaler()` free its tensors at the end of the block. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
