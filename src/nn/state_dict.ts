// Loading a state dict into a module's tensors, with PyTorch's key checks and error wording.
import { noGrad } from '../torch/autograd.js';
import { Tensor } from '../torch/tensor.js';

/** Named tensors under PyTorch's dotted keys, e.g. 'layer1.0.bn1.running_mean'. */
export type StateDict = Record<string, Tensor>;

/** Keys that did not line up when loading with strict = false (PyTorch's _IncompatibleKeys). */
export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

const quoted = (keys: string[]) => keys.map((k) => `"${k}"`).join(', ');

/**
 * Checks `source` against the module's (name, tensor) targets, then copies every matching tensor
 * in place without recording gradients. Throws before copying anything when a shape differs, or,
 * with `strict`, when keys are missing or unexpected.
 */
export function loadStateDictInto(
  moduleName: string, targets: [string, Tensor][], source: StateDict | Map<string, Tensor>, strict: boolean,
): LoadStateDictResult {
  const entries = source instanceof Map ? source : new Map(Object.entries(source));
  const own = new Map(targets);
  const missingKeys = targets.map(([k]) => k).filter((k) => !entries.has(k));
  const unexpectedKeys = [...entries.keys()].filter((k) => !own.has(k));
  const problems: string[] = [];
  for (const [key, value] of entries) {
    const target = own.get(key);
    if (target === undefined) continue;
    if (!(value instanceof Tensor)) {
      problems.push(`While copying the parameter named "${key}", expected a Tensor, got ${typeof value}.`);
      continue;
    }
    const [from, to] = [value.shape, target.shape];
    if (from.length !== to.length || from.some((d, i) => d !== to[i])) {
      problems.push(`size mismatch for ${key}: copying a param with shape [${from.join(', ')}] from checkpoint, ` +
        `the shape in current model is [${to.join(', ')}].`);
    }
  }
  if (strict) {
    if (unexpectedKeys.length > 0) problems.unshift(`Unexpected key(s) in state_dict: ${quoted(unexpectedKeys)}. `);
    if (missingKeys.length > 0) problems.unshift(`Missing key(s) in state_dict: ${quoted(missingKeys)}. `);
  }
  if (problems.length > 0) throw new Error(`Error(s) in loading state_dict for ${moduleName}:\n\t${problems.join('\n\t')}`);
  noGrad(() => {
    for (const [key, value] of entries) own.get(key)?.copy_(value);
  });
  return { missingKeys, unexpectedKeys };
}
