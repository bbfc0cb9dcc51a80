// Replays the nn cases of scripts/goldens/breadth.py (PyTorch 1.13 on the same libtorch): each
// layer and loss is built after the same manualSeed and must print as PyTorch's and start from its
// state bit for bit (its default init and state-dict keys); outputs, gradients and the state after
// the call agree to float32 round-off (rtol 1e-5, atol 1e-6; on 1.13 they are bit-equal too). Also
// PyTorch's refusals, with their messages.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { assertClose, decode } from '../helpers.js';
import { type ModuleCase, TOLERANCE, assertState, checkOutputsAndGrads, decodeInputs, golden, replayOp } from '../torch/breadth_golden.js';

const F = nn.functional;
type T = torch.Tensor;

const functional: Record<string, (i: Record<string, T>) => T | T[]> = {
  'F.gelu': ({ x }) => F.gelu(x),
  'F.gelu_tanh': ({ x }) => F.gelu(x, { approximate: 'tanh' }),
  'F.silu': ({ x }) => F.silu(x),
  'F.leaky_relu': ({ x }) => F.leakyRelu(x, 0.2),
  'F.layer_norm': ({ x, w, b }) => F.layerNorm(x, [5], { weight: w, bias: b, eps: 1e-3 }),
  'F.group_norm': ({ x, w, b }) => F.groupNorm(x, 3, { weight: w, bias: b }),
  'F.batch_norm_1d_train': ({ x }) => F.batchNorm(x, torch.zeros([3]), torch.ones([3]), { training: true }),
  'F.embedding_padding': ({ i, w }) => F.embedding(i, w, { paddingIdx: 1 }),
  'F.conv1d': ({ x, w, b }) => F.conv1d(x, w, b, { stride: 2, padding: 1, dilation: 2, groups: 2 }),
  'F.conv_transpose2d': ({ x, w, b }) => F.convTranspose2d(x, w, b, { stride: 2, padding: 1, outputPadding: 1 }),
  'F.mse_loss': ({ x, t }) => F.mseLoss(x, t),
  'F.l1_loss_sum': ({ x, t }) => F.l1Loss(x, t, { reduction: 'sum' }),
  'F.smooth_l1_loss_beta': ({ x, t }) => F.smoothL1Loss(x, t, { beta: 0.3 }),
  'F.binary_cross_entropy': ({ p, t }) => F.binaryCrossEntropy(p, t),
  'F.binary_cross_entropy_with_logits': ({ x, t, pw }) => F.binaryCrossEntropyWithLogits(x, t, { posWeight: pw }),
  'F.kl_div_batchmean': ({ x, t }) => F.klDiv(x.logSoftmax(1), t.softmax(1), { reduction: 'batchmean' }),
  'F.kl_div_log_target': ({ x, t }) => F.klDiv(x, t, { reduction: 'none', logTarget: true }),
  'F.pad_constant': ({ x }) => F.pad(x, [1, 2, 2, 1], { value: 0.5 }),
  'F.pad_constant_crop': ({ x }) => F.pad(x, [-1, 1, 0, -2]),
  'F.pad_reflect': ({ x }) => F.pad(x, [1, 2, 2, 1], { mode: 'reflect' }),
  'F.pad_replicate': ({ x }) => F.pad(x, [2, 1, 1, 3], { mode: 'replicate' }),
  'F.pad_circular': ({ x }) => F.pad(x, [1, 2, 2, 1], { mode: 'circular' }),
  'F.pad_reflect_1d': ({ x }) => F.pad(x, [2, 3], { mode: 'reflect' }),
  'F.interpolate_nearest_size': ({ x }) => F.interpolate(x, { size: [7, 9] }),
  'F.interpolate_nearest_scale2': ({ x }) => F.interpolate(x, { scaleFactor: 2 }),
  'F.interpolate_nearest_scale1.5': ({ x }) => F.interpolate(x, { scaleFactor: 1.5, mode: 'nearest' }),
  'F.interpolate_nearest_1d': ({ x }) => F.interpolate(x, { size: 11 }),
  'F.interpolate_bilinear_size': ({ x }) => F.interpolate(x, { size: [7, 9], mode: 'bilinear' }),
  'F.interpolate_bilinear_align': ({ x }) => F.interpolate(x, { size: [7, 9], mode: 'bilinear', alignCorners: true }),
  'F.interpolate_bilinear_scale1.7': ({ x }) => F.interpolate(x, { scaleFactor: 1.7, mode: 'bilinear' }),
  'F.interpolate_bilinear_scale_recompute': ({ x }) => F.interpolate(x, { scaleFactor: [1.7, 0.5], mode: 'bilinear', recomputeScaleFactor: true }),
  'F.interpolate_bilinear_down': ({ x }) => F.interpolate(x, { scaleFactor: 0.5, mode: 'bilinear', alignCorners: true }),
  'F.interpolate_linear_1d': ({ x }) => F.interpolate(x, { scaleFactor: 2.5, mode: 'linear' }),
  'F.interpolate_bicubic': ({ x }) => F.interpolate(x, { size: [6, 8], mode: 'bicubic' }),
};

/** How to build each recorded module (`s`: the fixture's state, for the tensors a loss is given) and, if not module.call(...inputs), run it. */
interface ModuleReplay {
  make: (s: Record<string, T>) => nn.AnyModule;
  call?: (m: nn.AnyModule, i: Record<string, T>) => T;
}
const modules: Record<string, ModuleReplay> = {
  GELU: { make: () => new nn.GELU() },
  GELU_tanh: { make: () => new nn.GELU({ approximate: 'tanh' }) },
  SiLU: { make: () => new nn.SiLU() },
  LeakyReLU: { make: () => new nn.LeakyReLU() },
  'LeakyReLU_0.2': { make: () => new nn.LeakyReLU(0.2) },
  Softmax: { make: () => new nn.Softmax(1) },
  LayerNorm: { make: () => new nn.LayerNorm(5) },
  LayerNorm_2d_no_affine: { make: () => new nn.LayerNorm([3, 5], { eps: 1e-3, elementwiseAffine: false }) },
  GroupNorm: { make: () => new nn.GroupNorm(2, 4) },
  BatchNorm1d_2d_input: { make: () => new nn.BatchNorm1d(3) },
  BatchNorm1d_3d_input: { make: () => new nn.BatchNorm1d(3, { momentum: 0.3 }) },
  BatchNorm1d_eval: { make: () => new nn.BatchNorm1d(3) },
  Embedding: { make: () => new nn.Embedding(10, 4) },
  Embedding_padding: { make: () => new nn.Embedding(6, 3, { paddingIdx: -2 }) },
  Embedding_max_norm: { make: () => new nn.Embedding(6, 3, { maxNorm: 1.0 }) },
  Conv1d: { make: () => new nn.Conv1d(3, 4, 3) },
  Conv1d_stride_groups: { make: () => new nn.Conv1d(4, 6, 2, { stride: 2, padding: 1, groups: 2, bias: false }) },
  ConvTranspose2d: { make: () => new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1 }) },
  ConvTranspose2d_output_size: {
    make: () => new nn.ConvTranspose2d(4, 2, [3, 2], { stride: 2, groups: 2 }),
    call: (m, { x }) => (m as nn.ConvTranspose2d).call(x, [8, 7]),
  },
  Upsample_nearest: { make: () => new nn.Upsample({ scaleFactor: 2 }) },
  Upsample_bilinear_align: { make: () => new nn.Upsample({ size: [5, 4], mode: 'bilinear', alignCorners: true }) },
  MSELoss: { make: () => new nn.MSELoss() },
  MSELoss_broadcast_sum: { make: () => new nn.MSELoss({ reduction: 'sum' }) },
  L1Loss: { make: () => new nn.L1Loss() },
  L1Loss_none: { make: () => new nn.L1Loss({ reduction: 'none' }) },
  SmoothL1Loss: { make: () => new nn.SmoothL1Loss() },
  'SmoothL1Loss_beta0.5_sum': { make: () => new nn.SmoothL1Loss({ reduction: 'sum', beta: 0.5 }) },
  SmoothL1Loss_beta0: { make: () => new nn.SmoothL1Loss({ beta: 0 }) },
  BCELoss: { make: () => new nn.BCELoss() },
  BCELoss_weight_broadcast: { make: (s) => new nn.BCELoss({ weight: s.weight }) },
  BCEWithLogitsLoss: { make: () => new nn.BCEWithLogitsLoss() },
  BCEWithLogitsLoss_pos_weight: { make: (s) => new nn.BCEWithLogitsLoss({ posWeight: s.pos_weight }) },
  BCEWithLogitsLoss_weight_none: { make: (s) => new nn.BCEWithLogitsLoss({ weight: s.weight, reduction: 'none' }) },
  KLDivLoss_batchmean: { make: () => new nn.KLDivLoss({ reduction: 'batchmean' }) },
  KLDivLoss_mean: { make: () => new nn.KLDivLoss() },
  KLDivLoss_log_target_sum: { make: () => new nn.KLDivLoss({ reduction: 'sum', logTarget: true }) },
  NLLLoss: { make: () => new nn.NLLLoss() },
  NLLLoss_weight_ignore_sum: { make: (s) => new nn.NLLLoss({ weight: s.weight, ignoreIndex: 1, reduction: 'sum' }) },
};

const functionalCases = golden.ops.filter((g) => g.name.startsWith('F.'));

test('every nn golden case has a TypeScript replay', () => {
  assert.deepEqual(functionalCases.map((c) => c.name).filter((n) => !(n in functional)), []);
  assert.deepEqual(golden.modules.map((c) => c.name).filter((n) => !(n in modules)), []);
});

for (const g of functionalCases) test(`matches PyTorch: ${g.name}`, () => replayOp(g, functional[g.name]));

function replayModule(g: ModuleCase): void {
  const replay = modules[g.name];
  const given = Object.fromEntries(g.state.map(([k, v]) => [k, decode(v)]));
  torch.manualSeed(g.seed);
  const m = replay.make(given).train(g.train);
  try {
    assert.equal(m.toString(), g.repr, `${g.name}: printout`);
    assertState(m, g.state, { rtol: 0, atol: 0 }, `${g.name} initial state`);
    torch.tidy(() => {
      const inputs = decodeInputs(g);
      const out = replay.call ? replay.call(m, inputs) : (m.call(...Object.values(inputs)) as T);
      const params = new Map(m.namedParameters());
      checkOutputsAndGrads(g, out, (k) => (k.startsWith('input:') ? inputs[k.slice(6)].grad : params.get(k)?.grad ?? null));
    });
    assertState(m, g.stateAfter, TOLERANCE, `${g.name} state after the call`);
  } finally {
    m.dispose();
    for (const t of Object.values(given)) if (!t.isDisposed) t.dispose();
  }
}

for (const g of golden.modules) {
  test(`matches PyTorch's module: ${g.name}`, () => {
    const before = torch.memory().tensors;
    replayModule(g);
    assert.equal(torch.memory().tensors, before, 'every tensor was released');
  });
}

const refused: Record<string, () => nn.AnyModule> = {
  BatchNorm1d_one_value: () => new nn.BatchNorm1d(3),
  BatchNorm1d_one_value_3d: () => new nn.BatchNorm1d(3),
  BatchNorm2d_one_value: () => new nn.BatchNorm2d(3),
  GroupNorm_one_value: () => new nn.GroupNorm(2, 2),
};

for (const [name, r] of Object.entries(golden.refusals)) {
  test(`refuses one value per channel as PyTorch does, leaving the running statistics alone: ${name}`, () => {
    const m = refused[name]();
    torch.tidy(() => assert.throws(() => m.call(decode(r.input)), { name: 'RangeError', message: r.message }));
    assertState(m, r.stateAfter, { rtol: 0, atol: 0 }, name);
    torch.tidy(() => {
      for (const [k, t] of Object.entries(m.stateDict())) assert.ok(t.isfinite().all().item(), `${name}: ${k} stays finite`);
    });
    m.dispose();
  });
}

test('a refused batch leaves BatchNorm usable: the next batch trains it as in PyTorch', () => torch.tidy(() => {
  const bn = new nn.BatchNorm1d(3);
  assert.throws(() => bn.call(torch.randn([1, 3])), /Expected more than 1 value per channel/);
  bn.call(torch.tensor([[1, 2, 3], [3, 6, 9]]));
  assertClose(bn.running_var as T, { dtype: 'float32', shape: [3], data: [1.1, 1.7, 2.7] }, { ...TOLERANCE, what: 'running_var' });
  assert.equal(bn.num_batches_tracked?.item(), 2, 'PyTorch counts the refused batch too');
  bn.eval();
  assert.deepEqual(bn.call(torch.zeros([1, 3])).shape, [1, 3], 'eval mode takes one sample');
  bn.dispose();
}));

test('interpolate and the binary cross-entropies refuse bad arguments with PyTorch\'s messages', () => torch.tidy(() => {
  const m = golden.messages;
  const img = torch.randn([1, 1, 2, 2]);
  const refuse = (fn: () => unknown, message: string) => assert.throws(fn, { name: 'RangeError', message });
  refuse(() => F.interpolate(img, { size: 3, alignCorners: true }), m.interpolate_align_corners_nearest);
  refuse(() => F.interpolate(img, { size: 3, scaleFactor: 2 }), m.interpolate_size_and_scale);
  refuse(() => F.interpolate(img), m.interpolate_no_size);
  refuse(() => F.interpolate(torch.randn([1, 1, 2]), { size: 3, mode: 'bilinear' }), m.interpolate_bilinear_3d);
  refuse(() => F.binaryCrossEntropy(torch.rand([3]), torch.rand([3, 1])), m.bce_size_mismatch);
  refuse(() => F.binaryCrossEntropyWithLogits(torch.rand([3]), torch.rand([3, 1])), m.bce_with_logits_size_mismatch);
}));
