// summary(): a torchinfo-style description of a model (torchinfo 1.8.0's rules). One forward pass
// on random input, in eval mode and without gradients, with a pre-hook and a hook on every module:
// the pre-hook adds a row when a module is called (so rows follow call order and a module called
// twice, like a block's shared ReLU, appears twice), the hook records the output shape.
import { noGrad } from '../torch/autograd.js';
import { rand } from '../torch/creation.js';
import { type DType, itemSize } from '../torch/dtype.js';
import { tidy } from '../torch/memory.js';
import { Tensor } from '../torch/tensor.js';
import { type AnyModule, type RemovableHandle } from './module.js';
import { ModelSummary, type SummaryColumn, type SummaryRowSetting } from './summary_format.js';

export { ModelSummary, type SummaryColumn, type SummaryRowSetting } from './summary_format.js';

/** One row of the summary: a module call (or a container that was never called itself). */
export interface SummaryLayer {
  /** Class name, e.g. 'Conv2d'. */
  className: string;
  /** Attribute name in the parent (the model's class name for the root). */
  varName: string;
  /** 0 for the model, 1 for its children, ... */
  depth: number;
  /** Position among the rows of the same depth, counting from 1 (torchinfo's "1-3"). */
  depthIndex: number;
  isLeaf: boolean;
  /** The module already appeared in an earlier row. */
  isRecursive: boolean;
  inputShape: number[];
  outputShape: number[];
  /** The module's kernelSize setting, if any (a number or [kH, kW]). */
  kernelSize: number | number[] | null;
  /** Parameters of the module and its descendants. */
  numParams: number;
  trainableParams: number;
  paramBytes: number;
  outputBytes: number;
  /** Multiply-adds of this layer for the whole batch (torchinfo's estimate). */
  multAdds: number;
  /** The rows nested directly or indirectly below this one. */
  children: SummaryLayer[];
  parent: SummaryLayer | null;
  module: AnyModule;
}

/** Options of summary(), as torchinfo's (camelCase column names). */
export interface SummaryOptions {
  /** Default: kernel size, output shape, parameter count. */
  columns?: SummaryColumn[];
  /** Rows deeper than this are hidden (they still count in the totals). Default 3. */
  depth?: number;
  /** Default: variable names and depth indices. */
  rowSettings?: SummaryRowSetting[];
  /** Width of each column in characters. Default 25. */
  colWidth?: number;
  /** Mode of the forward pass (restored afterwards). Default 'eval'. */
  mode?: 'eval' | 'train';
  /** Input dtype. Default float32. */
  dtype?: DType;
}

function newLayer(module: AnyModule, varName: string, depth: number, parent: SummaryLayer | null): SummaryLayer {
  const kernel = (module as { kernelSize?: unknown }).kernelSize;
  let numParams = 0;
  let trainableParams = 0;
  let paramBytes = 0;
  for (const p of module.parameters()) {
    const n = p.numel();
    numParams += n;
    paramBytes += n * itemSize(p.dtype);
    if (p.requiresGrad) trainableParams += n;
  }
  return {
    className: module.constructor.name, varName, depth, depthIndex: 0, isLeaf: module.children().length === 0,
    isRecursive: false, inputShape: [], outputShape: [],
    kernelSize: typeof kernel === 'number' ? kernel : Array.isArray(kernel) ? [...(kernel as number[])] : null,
    numParams, trainableParams, paramBytes, outputBytes: 0, multAdds: 0, children: [], parent, module,
  };
}

function firstTensor(value: unknown): Tensor | undefined {
  if (value instanceof Tensor) return value;
  if (Array.isArray(value)) for (const v of value) {
    const t = firstTensor(v);
    if (t) return t;
  }
  return undefined;
}

// torchinfo's estimate: a convolution does (weight + bias) multiply-adds at every output position
// of every sample; other layers with parameters do one per parameter per sample. As torchinfo, a
// container counts its descendants' parameters too (only its being non-zero matters: containers
// show the sum of their leaves).
function multAdds(layer: SummaryLayer): number {
  let total = 0;
  const out = layer.outputShape;
  for (const [name, p] of layer.module.namedParameters()) {
    if (name === 'weight' || name === 'bias') {
      total += layer.className.includes('Conv') ? p.numel() * [out[0], ...out.slice(2)].reduce((a, b) => a * b, 1) : out[0] * p.numel();
    } else if (name.includes('weight') || name.includes('bias')) {
      total += out.slice(0, 2).reduce((a, b) => a * b, 1) * p.numel();
    }
  }
  return total;
}

// Adds the rows of containers whose forward never ran (e.g. a ModuleList) above their children.
function addMissingContainers(rows: SummaryLayer[]): SummaryLayer[] {
  const out: SummaryLayer[] = [];
  const current = new Map<number, SummaryLayer>();
  const listed = new Set(rows.map((r) => r.module));
  for (const row of rows) {
    const chain: SummaryLayer[] = [];
    for (let p = row.parent; p !== null && p.depth > 0; p = p.parent) chain.unshift(p);
    for (const ancestor of chain) {
      const shown = current.get(ancestor.depth);
      if ((shown === undefined || shown.module !== ancestor.module) && ancestor !== out[out.length - 1]) {
        ancestor.isRecursive = listed.has(ancestor.module);
        listed.add(ancestor.module);
        out.push(ancestor);
        current.set(ancestor.depth, ancestor);
      }
    }
    out.push(row);
    current.set(row.depth, row);
    for (let d = row.depth + 1; current.has(d); d++) current.delete(d);
  }
  return out;
}

/**
 * Summarizes `model` for an input of `inputShape` (batch included), or of several shapes for a
 * model with several inputs: per-layer output shapes, kernel sizes, parameter counts and
 * mult-adds, with totals and memory estimates. Print it with String(result).
 */
export function summary(model: AnyModule, inputShape: number[] | number[][], options: SummaryOptions = {}): ModelSummary {
  const shapes = Array.isArray(inputShape[0]) ? (inputShape as number[][]) : [inputShape as number[]];
  if (shapes.length === 0 || shapes.some((s) => s.length === 0 || s.some((d) => !Number.isInteger(d) || d <= 0))) {
    throw new TypeError(`summary: inputShape must list positive sizes, got ${JSON.stringify(inputShape)}`);
  }
  const rows: SummaryLayer[] = [];
  const seen = new Set<AnyModule>();
  const latest = new Map<AnyModule, SummaryLayer>();
  const handles: RemovableHandle[] = [];
  const hooked = new Set<AnyModule>();
  const visit = (module: AnyModule, varName: string, depth: number, parent: SummaryLayer | null): void => {
    // The parent links of rows come from this traversal (torchinfo's fallback LayerInfo).
    const info = newLayer(module, varName, depth, parent);
    latest.set(module, info);
    if (!hooked.has(module)) {
      hooked.add(module);
      handles.push(module.registerForwardPreHook(() => {
        const template = latest.get(module) as SummaryLayer;
        const row = newLayer(module, template.varName, template.depth, template.parent);
        row.isRecursive = seen.has(module);
        seen.add(module);
        rows.push(row);
        latest.set(module, row);
      }));
      handles.push(module.registerForwardHook((_m, input, output) => {
        const row = latest.get(module) as SummaryLayer;
        const inTensor = firstTensor(input);
        const outTensor = firstTensor(output);
        row.inputShape = inTensor ? inTensor.shape : [];
        row.outputShape = outTensor ? outTensor.shape : [];
        row.outputBytes = outTensor ? outTensor.numel() * itemSize(outTensor.dtype) : 0;
      }));
    }
    for (const [name, child] of module.namedChildren()) visit(child, name, depth + 1, info);
  };
  visit(model, model.constructor.name, 0, null);

  const device = model.parameters()[0]?.device ?? 'cpu';
  const dtype = options.dtype ?? 'float32';
  const modes = new Map(model.modules().map((m) => [m, m.training]));
  let inputBytes = 0;
  try {
    model.train(options.mode === 'train');
    tidy(() => noGrad(() => {
      const inputs = shapes.map((s) => rand(s, { dtype, device }));
      inputBytes = inputs.reduce((n, t) => n + t.numel() * itemSize(t.dtype), 0);
      model.call(...inputs);
    }));
  } finally {
    for (const h of handles) h.remove();
    for (const [m, training] of modes) m.training = training;
  }

  const all = addMissingContainers(rows);
  const counters = new Map<number, number>();
  all.forEach((row, i) => {
    counters.set(row.depth, (counters.get(row.depth) ?? 0) + 1);
    row.depthIndex = counters.get(row.depth) as number;
    const children: SummaryLayer[] = [];
    for (let j = i + 1; j < all.length && all[j].depth > row.depth; j++) children.push(all[j]);
    row.children = children;
    if (row.outputShape.length > 0) row.multAdds = multAdds(row);
  });
  return new ModelSummary(all, inputBytes, {
    columns: options.columns ?? ['kernelSize', 'outputSize', 'numParams'],
    rowSettings: options.rowSettings ?? ['varNames', 'depth'],
    depth: options.depth ?? 3,
    colWidth: options.colWidth ?? 25,
  });
}
