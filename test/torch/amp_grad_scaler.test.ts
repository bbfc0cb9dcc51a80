// GradScaler on CPU against PyTorch 1.13's GradScaler (test/fixtures/amp.json; scripts/goldens/amp.py
// says how 1.13's CUDA-only scaler was run on CPU): losses, skipped steps, scales, growth trackers,
// state dicts and weights per iteration; resume from a state dict; the stage errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nn, optim, torch } from '../../src/index.js';
import { assertClose, decode, type Encoded } from '../helpers.js';

interface Step {
  loss: number;
  scaled: Encoded;
  unscaled_weight_grad?: Encoded;
  stepped: boolean;
  scale: number;
  state_dict: torch.amp.GradScalerStateDict;
  weight: Encoded;
  bias: Encoded;
}
interface Scenario {
  options: { init_scale?: number; growth_factor?: number; backoff_factor?: number; growth_interval?: number };
  steps: Step[];
}
interface Fixture {
  initial: { weight: Encoded; bias: Encoded };
  batches: Encoded[];
  default: Scenario;
  odd_factors: Scenario;
  clamp: Scenario;
  defaults_state_dict: torch.amp.GradScalerStateDict;
}

// The fixture stores inf and NaN as strings (JSON has neither).
const NON_FINITE: Record<string, number> = { Infinity: Infinity, '-Infinity': -Infinity, NaN: Number.NaN };
const fx = JSON.parse(readFileSync(fileURLToPath(new URL('../../../test/fixtures/amp.json', import.meta.url)), 'utf8'),
  (_key, value: unknown) => (typeof value === 'string' && value in NON_FINITE ? NON_FINITE[value] : value)) as Fixture;

const F = nn.functional;
const optionsOf = (s: Scenario): torch.amp.GradScalerOptions => ({
  initScale: s.options.init_scale,
  growthFactor: s.options.growth_factor,
  backoffFactor: s.options.backoff_factor,
  growthInterval: s.options.growth_interval,
});

const sameNumber = (a: number, e: number, what: string) =>
  assert.ok(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= 1e-6 * Math.abs(e), `${what}: ${a} vs PyTorch ${e}`);

// Runs a scenario's iterations [from, to) with the given scaler, from the weights of iteration from - 1.
function replay(scenario: Scenario, scaler: torch.amp.GradScaler, from: number, to: number, unscaleOdd: boolean): void {
  const start = from === 0 ? fx.initial : scenario.steps[from - 1];
  const w = decode(start.weight).requiresGrad_();
  const b = decode(start.bias).requiresGrad_();
  const opt = new optim.SGD([w, b], { lr: 0.1 });
  for (let i = from; i < to; i += 1) {
    const expected = scenario.steps[i];
    torch.tidy(() => {
      opt.zeroGrad({ setToNone: true });
      const loss = F.linear(decode(fx.batches[i]), w, b).pow(2).mean();
      const scaled = scaler.scale(loss);
      scaled.backward();
      sameNumber(loss.item(), expected.loss, `iteration ${i} loss`);
      assert.deepEqual(scaled.shape, expected.scaled.shape, `iteration ${i}: scaled loss shape (a 0-dim loss times the [1] scale)`);
      sameNumber(scaled.item(), expected.scaled.data[0] as number, `iteration ${i} scaled loss`);
      if (unscaleOdd && i % 2 === 1) {
        scaler.unscale_(opt);
        const grad = (w.grad!.toArray() as number[][]).flat();
        expected.unscaled_weight_grad!.data.forEach((e, k) => sameNumber(grad[k], e as number, `iteration ${i} unscaled grad[${k}]`));
      }
      const before = w.clone();
      scaler.step(opt);
      assert.equal(!before.allclose(w, { rtol: 0, atol: 0 }), expected.stepped, `iteration ${i}: step ${expected.stepped ? 'ran' : 'skipped'} in PyTorch`);
      scaler.update();
      assert.equal(scaler.getScale(), expected.scale, `iteration ${i} scale`);
      assert.deepEqual(scaler.stateDict(), expected.state_dict, `iteration ${i} state dict`);
      assertClose(w, expected.weight, { rtol: 1e-6, atol: 1e-7, what: `iteration ${i} weight` });
      assertClose(b, expected.bias, { rtol: 1e-6, atol: 1e-7, what: `iteration ${i} bias` });
    });
  }
  w.dispose();
  b.dispose();
}

test('GradScaler defaults and state-dict keys are PyTorch\'s', () => {
  const scaler = new torch.amp.GradScaler();
  assert.deepEqual(scaler.stateDict(), fx.defaults_state_dict);
  assert.equal(scaler.getScale(), 65536);
  assert.equal(scaler.isEnabled(), true);
});

test('GradScaler: scale, skip on inf/NaN, growth after growthInterval clean steps, backoff (PyTorch 1.13)', () => {
  const before = torch.memory().tensors;
  const scaler = new torch.amp.GradScaler(optionsOf(fx.default));
  replay(fx.default, scaler, 0, fx.default.steps.length, false);
  assert.deepEqual(fx.default.steps.map((s) => s.stepped), [true, true, true, false, true, true, false, true, false]);
  scaler.dispose();
  assert.equal(torch.memory().tensors, before, 'no tensor outlives the scaler');
});

test('GradScaler: explicit unscale_ before step, factors that are not powers of two (PyTorch 1.13)', () => {
  const scaler = new torch.amp.GradScaler(optionsOf(fx.odd_factors));
  replay(fx.odd_factors, scaler, 0, fx.odd_factors.steps.length, true);
  scaler.dispose();
});

test('GradScaler: a growth that would overflow float32 keeps the scale (PyTorch 1.13)', () => {
  const scaler = new torch.amp.GradScaler(optionsOf(fx.clamp));
  replay(fx.clamp, scaler, 0, fx.clamp.steps.length, false);
  assert.equal(scaler.getScale(), 2 ** 126);
  scaler.dispose();
});

test('GradScaler: stateDict resumes the sequence, before and after the scale exists', () => {
  const first = new torch.amp.GradScaler(optionsOf(fx.default));
  replay(fx.default, first, 0, 5, false);
  const saved = first.stateDict();
  first.dispose();
  // Loaded before the first scale(): the lazily made scale and tracker start from the saved ones.
  const lazy = new torch.amp.GradScaler();
  lazy.loadStateDict(saved);
  assert.equal(lazy.getScale(), saved.scale);
  replay(fx.default, lazy, 5, fx.default.steps.length, false);
  lazy.dispose();
  // Loaded into a scaler whose tensors exist already: they are filled in place.
  const live = new torch.amp.GradScaler({ initScale: 3 });
  torch.tidy(() => live.scale(torch.ones([])));
  live.loadStateDict(saved);
  assert.deepEqual(live.stateDict(), saved);
  replay(fx.default, live, 5, fx.default.steps.length, false);
  live.dispose();
});

test('GradScaler refuses out-of-order calls with PyTorch\'s messages', () => torch.tidy(() => {
  const scaler = new torch.amp.GradScaler();
  const w = torch.ones([2]).requiresGrad_();
  const opt = new optim.SGD([w], { lr: 0.1 });
  assert.throws(() => scaler.step(opt), /Attempted step but _scale is None/);
  scaler.scale(w.sum()).backward();
  scaler.unscale_(opt);
  assert.throws(() => scaler.unscale_(opt), /unscale_\(\) has already been called on this optimizer since the last update\(\)/);
  scaler.step(opt);
  assert.throws(() => scaler.step(opt), /step\(\) has already been called since the last update\(\)/);
  assert.throws(() => scaler.unscale_(opt), /unscale_\(\) is being called after step\(\)/);
  scaler.update();
  assert.throws(() => scaler.update(), /No inf checks were recorded prior to update/);
  w.grad = torch.ones([2], { dtype: 'float16' });
  assert.throws(() => scaler.unscale_(opt), /Attempting to unscale FP16 gradients/);
  assert.throws(() => new torch.amp.GradScaler().loadStateDict({}), /source state dict is empty/);
  assert.throws(() => new torch.amp.GradScaler({ growthFactor: 1 }), RangeError);
  assert.throws(() => new torch.amp.GradScaler({ backoffFactor: 1 }), RangeError);
  scaler.dispose();
}));

test('GradScaler: update(newScale) sets the scale; a disabled scaler passes everything through', () => torch.tidy(() => {
  const scaler = new torch.amp.GradScaler();
  scaler.scale(torch.ones([]));
  scaler.update(1024);
  assert.equal(scaler.getScale(), 1024);
  scaler.update(torch.full([1], 8));
  assert.equal(scaler.getScale(), 8);
  assert.throws(() => scaler.update(torch.full([2], 8)), /new_scale should be a float or a 1-element/);
  scaler.dispose();

  const off = new torch.amp.GradScaler({ enabled: false });
  const loss = torch.ones([]);
  assert.equal(off.scale(loss), loss);
  const w = torch.ones([1]).requiresGrad_();
  let steps = 0;
  off.step({ paramGroups: [{ params: [w] }], step: () => { steps += 1; } });
  off.update();
  assert.equal(steps, 1);
  assert.equal(off.getScale(), 1);
  assert.deepEqual(off.stateDict(), {});
}));

test('GradScaler unscales bfloat16 gradients in float and flags NaN', () => torch.tidy(() => {
  const scaler = new torch.amp.GradScaler({ initScale: 4 });
  const w = torch.zeros([3], { dtype: 'bfloat16' }).requiresGrad_();
  const opt = new optim.SGD([w], { lr: 1 });
  scaler.scale(torch.ones([]));
  w.grad = torch.tensor([1, 6, 1e30], { dtype: 'bfloat16' });
  scaler.unscale_(opt);
  assert.deepEqual(w.grad!.float().toArray(), torch.tensor([1, 6, 1e30], { dtype: 'bfloat16' }).float().div(4).toArray());
  scaler.step(opt);
  scaler.update();
  assert.equal(scaler.getScale(), 4);

  w.grad = torch.tensor([1, Number.NaN, 1], { dtype: 'bfloat16' });
  scaler.step(opt);
  scaler.update();
  assert.equal(scaler.getScale(), 2, 'NaN backs off');
  scaler.dispose();
}));
