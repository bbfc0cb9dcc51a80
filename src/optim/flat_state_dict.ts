// Optimizer state dicts in the shape torch.save (safetensors) stores: named tensors plus a string.
// The tensors go under dotted keys ('state.3.expAvg', after an optional prefix, so they can share a
// checkpoint file with a model's state dict); steps, nulls and the parameter groups go to JSON.
import { Tensor } from '../torch/tensor.js';
import type { OptimizerStateDict, ParamState } from './optimizer.js';

/** An optimizer state dict split for torch.save: tensors by dotted key, everything else as JSON. */
export interface FlatOptimizerState {
  tensors: Record<string, Tensor>;
  json: string;
}

/** Splits stateDict() output into tensors and JSON (the tensors are the same objects, not copies). */
export function flattenStateDict(stateDict: OptimizerStateDict, prefix = ''): FlatOptimizerState {
  const tensors: Record<string, Tensor> = {};
  const state: Record<string, Record<string, unknown>> = {};
  for (const [index, entry] of Object.entries(stateDict.state)) {
    state[index] = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v instanceof Tensor) tensors[`${prefix}state.${index}.${k}`] = v;
      else state[index][k] = v;
    }
  }
  return { tensors, json: JSON.stringify({ state, paramGroups: stateDict.paramGroups }) };
}

/** Rebuilds a state dict from flattenStateDict's parts (e.g. after torch.load and loadMetadata), for loadStateDict. */
export function unflattenStateDict(tensors: Record<string, Tensor>, json: string, prefix = ''): OptimizerStateDict {
  const parsed = JSON.parse(json) as { state: Record<string, ParamState>; paramGroups: OptimizerStateDict['paramGroups'] };
  if (parsed === null || typeof parsed.state !== 'object' || !Array.isArray(parsed.paramGroups)) {
    throw new TypeError('unflattenStateDict: the JSON is not a flattened optimizer state dict');
  }
  const state: Record<number, ParamState> = {};
  for (const [index, entry] of Object.entries(parsed.state)) state[Number(index)] = { ...entry };
  const head = `${prefix}state.`;
  for (const [key, tensor] of Object.entries(tensors)) {
    if (!key.startsWith(head)) continue;
    const [index, name] = key.slice(head.length).split('.');
    if (name === undefined || !/^\d+$/.test(index)) throw new TypeError(`unflattenStateDict: unexpected key ${JSON.stringify(key)}`);
    (state[Number(index)] ??= {})[name] = tensor;
  }
  return { state, paramGroups: parsed.paramGroups };
}
