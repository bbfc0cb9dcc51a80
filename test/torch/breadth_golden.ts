// The fixture of scripts/goldens/breadth.py (test/fixtures/breadth.json), typed, and the replay of
// its cases. The ops and layers run the kernels PyTorch ran, so outputs and gradients agree to
// float32 round-off (rtol 1e-5, atol 1e-6, as engine.json; see TOLERANCE for another libtorch);
// initial states are compared bit for bit.
import assert from 'node:assert/strict';
import { type nn, torch } from '../../src/index.js';
import { type Encoded, FIXTURE_LIBTORCH, assertClose, decode, fixture } from '../helpers.js';

type T = torch.Tensor;

/** One op case: inputs, PyTorch's outputs, and the gradients of sum(output * upstream). */
export interface OpCase {
  name: string;
  inputs: Record<string, Encoded>;
  outputs: Encoded[];
  requiresGrad: string[];
  grads?: Record<string, Encoded>;
}

/** One module case: the module PyTorch built after manual_seed(seed), run on the inputs. */
export interface ModuleCase extends OpCase {
  seed: number;
  train: boolean;
  /** str(module) in Python. */
  repr: string;
  state: [string, Encoded][];
  stateAfter: [string, Encoded][];
}

/** A layer given one value per channel in training mode: PyTorch's message and the state it left. */
export interface Refusal {
  input: Encoded;
  message: string;
  stateAfter: [string, Encoded][];
}

/** test/fixtures/breadth.json. */
export interface BreadthGolden {
  torch: string;
  ops: OpCase[];
  modules: ModuleCase[];
  refusals: Record<string, Refusal>;
  messages: Record<string, string>;
}

/** The parsed fixture. */
export const golden = fixture<BreadthGolden>('breadth.json');

/**
 * The float32 round-off tolerance the replays use. On another libtorch than the fixtures' (2.x in
 * the Debian 13 tier), reductions such as a bias gradient summed over a batch may add in another
 * order: a sum of a few hundred float32 terms then moves by a few units in 1e-6.
 */
export const TOLERANCE = FIXTURE_LIBTORCH ? { rtol: 1e-5, atol: 1e-6 } : { rtol: 1e-4, atol: 1e-5 };

// The golden script's upstream gradient: cos(0.37 i).
function upstream(shape: number[]): T {
  const n = shape.reduce((a, b) => a * b, 1);
  return torch.tensor(Float32Array.from({ length: n }, (_, i) => Math.cos(0.37 * i)), { shape });
}

/** Decodes a case's inputs, marking the ones PyTorch differentiated. */
export function decodeInputs(g: OpCase): Record<string, T> {
  const inputs = Object.fromEntries(Object.entries(g.inputs).map(([k, v]) => [k, decode(v)]));
  for (const k of g.requiresGrad) inputs[k].requiresGrad_(true);
  return inputs;
}

/**
 * Compares `result` with the case's outputs, backpropagates sum(output * upstream), and returns
 * the gradients by name for the caller to compare (`gradOf` maps a fixture key to a tensor).
 */
export function checkOutputsAndGrads(g: OpCase, result: T | T[], gradOf: (key: string) => T | null): void {
  const outputs = Array.isArray(result) ? result : [result];
  assert.equal(outputs.length, g.outputs.length, `${g.name}: number of outputs`);
  outputs.forEach((o, k) => assertClose(o, g.outputs[k], { ...TOLERANCE, what: `${g.name} output ${k}` }));
  if (!g.grads) return;
  const loss = outputs.filter((o) => o.requiresGrad).map((o) => o.mul(upstream(o.shape)).sum()).reduce((a, b) => a.add(b));
  loss.backward();
  for (const [k, expected] of Object.entries(g.grads)) {
    const grad = gradOf(k);
    assert.ok(grad, `${g.name}: no gradient for ${k}`);
    assertClose(grad, expected, { ...TOLERANCE, what: `${g.name} grad ${k}` });
  }
}

/** Replays an op case with `fn`, inside tidy(), and checks that every tensor was released. */
export function replayOp(g: OpCase, fn: (inputs: Record<string, T>) => T | T[]): void {
  const before = torch.memory().tensors;
  torch.tidy(() => {
    const inputs = decodeInputs(g);
    checkOutputsAndGrads(g, fn(inputs), (k) => inputs[k].grad);
  });
  assert.equal(torch.memory().tensors, before, 'tidy released every tensor');
}

/** Asserts a module's state dict: the same keys in the same order, and the values within `tolerance`. */
export function assertState(module: nn.AnyModule, expected: [string, Encoded][], tolerance: { rtol: number; atol: number }, what: string): void {
  torch.tidy(() => {
    const state = Object.entries(module.stateDict());
    assert.deepEqual(state.map(([k]) => k), expected.map(([k]) => k), `${what}: state-dict keys`);
    state.forEach(([k, t], i) => assertClose(t, expected[i][1], { ...tolerance, what: `${what} ${k}` }));
  });
}
