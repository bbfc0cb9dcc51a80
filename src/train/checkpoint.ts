// Checkpoints: any nested state (model and optimizer state dicts, scheduler, RNG state, history)
// in one safetensors file. Tensors become named entries; everything else is JSON in the header's
// metadata, with {"$tensor": name} where a tensor stood (and {"$number": "NaN"} for a non-finite
// number, as in utils/state_json.ts). torch.save writes it atomically, so a
// crash leaves either the previous checkpoint or the new one, never a torn file.
import { existsSync } from 'node:fs';
import type { GradScaler, GradScalerStateDict } from '../torch/amp/grad_scaler.js';
import { Tensor } from '../torch/tensor.js';
import { load, loadMetadata, save } from '../torch/serialization.js';
import { encodeNumber, isEncodedNumber } from '../utils/state_json.js';

const STATE_KEY = 'smoothlab.checkpoint';
const FORMAT_VERSION = 1;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function split(value: unknown, path: string, tensors: Map<string, Tensor>): Json {
  if (value instanceof Tensor) {
    tensors.set(path, value);
    return { $tensor: path };
  }
  if (Array.isArray(value)) return value.map((v, i) => split(v, `${path}.${i}`, tensors));
  if (value !== null && typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) {
      throw new TypeError(`saveCheckpoint: ${path || 'state'} is a ${value.constructor?.name ?? 'non-plain object'}; use plain objects, arrays, numbers, strings and tensors`);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, split(v, path ? `${path}.${k}` : k, tensors)]));
  }
  if (typeof value === 'number') return encodeNumber(value) as Json;
  if (value === undefined || typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') {
    throw new TypeError(`saveCheckpoint: ${path} holds a ${typeof value}, which a checkpoint cannot store`);
  }
  return value as Json;
}

function join(value: Json, tensors: Record<string, Tensor>, file: string): unknown {
  if (Array.isArray(value)) return value.map((v) => join(v, tensors, file));
  if (isEncodedNumber(value)) return Number(value.$number);
  if (value !== null && typeof value === 'object') {
    if (typeof value.$tensor === 'string') {
      const t = tensors[value.$tensor];
      if (!t) throw new Error(`loadCheckpoint: ${file} refers to a tensor '${value.$tensor}' it does not hold`);
      return t;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, join(v, tensors, file)]));
  }
  return value;
}

/** Writes nested state with tensors to `path` atomically (one safetensors file). */
export function saveCheckpoint(path: string, state: Record<string, unknown>): void {
  const tensors = new Map<string, Tensor>();
  const skeleton = split(state, '', tensors);
  save(path, tensors, { [STATE_KEY]: JSON.stringify({ version: FORMAT_VERSION, state: skeleton }) });
}

/** Reads a checkpoint written by saveCheckpoint; the caller owns (and disposes) its tensors. */
export function loadCheckpoint(path: string): Record<string, unknown> {
  if (!existsSync(path)) throw new Error(`loadCheckpoint: ${path} does not exist`);
  const meta = loadMetadata(path)[STATE_KEY];
  if (meta === undefined) throw new Error(`loadCheckpoint: ${path} is a safetensors file but not a smoothlab checkpoint`);
  let parsed: { version: number; state: Json };
  try {
    parsed = JSON.parse(meta) as { version: number; state: Json };
  } catch (error) {
    throw new Error(`loadCheckpoint: ${path} has a damaged state header (${(error as Error).message})`);
  }
  const { version, state } = parsed;
  if (version !== FORMAT_VERSION) throw new Error(`loadCheckpoint: ${path} has checkpoint format ${version}; this smoothlab reads ${FORMAT_VERSION}`);
  const tensors = load(path);
  try {
    return join(state, tensors, path) as Record<string, unknown>;
  } catch (error) {
    for (const t of Object.values(tensors)) t.dispose();
    throw error;
  }
}

/** A GradScaler's part of a training checkpoint (its scale and growth tracker: a resumed run scales as an uninterrupted one), or null without one. */
export function scalerState(scaler: GradScaler | undefined): Record<string, unknown> | null {
  return scaler ? { ...scaler.stateDict() } : null;
}

/** Restores the scaler from a checkpoint's scalerState (nothing when either is absent). */
export function restoreScaler(scaler: GradScaler | undefined, state: unknown): void {
  if (scaler && state) scaler.loadStateDict(state as GradScalerStateDict);
}
