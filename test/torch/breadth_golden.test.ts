// Replays the tensor-op cases of scripts/goldens/breadth.py (PyTorch 1.13 on the same libtorch):
// outputs and gradients within float32 round-off (rtol 1e-5, atol 1e-6); indices and integer
// results exactly. Also torch.tensor's refusal of non-numbers and toString's nan / inf.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { torch } from '../../src/index.js';
import { type OpCase, golden, replayOp } from './breadth_golden.js';

type T = torch.Tensor;
const vi = ({ values, indices }: torch.ValuesIndices): T[] => [values, indices];

const ties = 'stable sorts keep equal elements in input order';
const cases: Record<string, (i: Record<string, T>) => T | T[]> = {
  t: ({ a }) => a.t(),
  t_1d: ({ a }) => torch.t(a),
  mm: ({ a, b }) => torch.mm(a, b),
  bmm: ({ a, b }) => a.bmm(b),
  einsum_matmul: ({ a, b }) => torch.einsum('ij,jk->ik', a, b),
  einsum_attention: ({ q, k }) => torch.einsum('bhqd,bhkd->bhqk', q, k),
  einsum_trace: ({ a }) => torch.einsum('ii', a),
  einsum_outer_list: ({ a, b }) => torch.einsum('i,j->ij', [a, b]),
  sort: ({ a }) => vi(a.sort(1)),
  sort_descending_dim0: ({ a }) => vi(torch.sort(a, 0, { descending: true })),
  sort_stable: ({ a }) => vi(a.sort(1, { stable: true })),
  sort_stable_descending: ({ a }) => vi(torch.sort(a, -1, { descending: true, stable: true })),
  argsort_stable: ({ a }) => a.argsort(1, { stable: true }),
  argsort_descending: ({ a }) => torch.argsort(a, 0, { descending: true }),
  topk: ({ a }) => vi(a.topk(2, { dim: 1 })),
  topk_smallest_dim0: ({ a }) => vi(torch.topk(a, 2, { dim: 0, largest: false })),
  cumsum: ({ a }) => a.cumsum(1),
  cumsum_float64: ({ a }) => torch.cumsum(a, 0, { dtype: 'float64' }),
  cumsum_uint8_int64: ({ a }) => a.cumsum(0, { dtype: 'int64' }),
  repeat: ({ a }) => a.repeat([2, 1, 3]),
  tile_short_dims: ({ a }) => a.tile([2]),
  tile_long_dims: ({ a }) => torch.tile(a, [2, 1, 2]),
  roll: ({ a }) => a.roll(1, 0),
  roll_dims: ({ a }) => torch.roll(a, [1, -2], [0, 1]),
  roll_flat: ({ a }) => a.roll(5),
  flip: ({ a }) => torch.flip(a, [0, 1]),
  half: ({ a }) => a.half(),
  float: ({ a }) => a.float(),
  double: ({ a }) => a.double(),
  long: ({ a }) => a.mul(3).long(),
  clamp_: ({ a }) => a.clone().clamp_(-0.5, 0.5),
  clamp_min_only: ({ a }) => a.clone().clamp_(0.2),
};

const opCases: OpCase[] = golden.ops.filter((g) => !g.name.startsWith('F.'));

test('every tensor-op golden case has a TypeScript replay', () => {
  assert.deepEqual(opCases.map((c) => c.name).filter((n) => !(n in cases)), []);
});

for (const g of opCases) {
  test(`matches PyTorch: ${g.name}${g.name.includes('stable') ? ` (${ties})` : ''}`, () => replayOp(g, cases[g.name]));
}

test('torch.tensor refuses strings and other non-numbers, naming the element', () => {
  assert.throws(() => torch.tensor(['a', 'b'] as unknown as number[]), {
    name: 'TypeError', message: 'tensor: element [0] is the string "a"; expected a number, boolean or bigint',
  });
  assert.throws(() => torch.tensor([[1, 2], [3, '4']] as unknown as number[][]), /tensor: element \[1, 1\] is the string "4"/);
  assert.throws(() => torch.tensor([1, null] as unknown as number[]), /tensor: element \[1\] is null/);
  assert.throws(() => torch.tensor([1, undefined] as unknown as number[]), /tensor: element \[1\] is undefined/);
  assert.throws(() => torch.tensor([{}] as unknown as number[]), /tensor: element \[0\] is a value of type Object/);
  assert.throws(() => torch.tensor('x' as unknown as number), /tensor: data is the string "x"/);
  torch.tidy(() => assert.deepEqual(torch.tensor([1, true, 2n], { dtype: 'float64' }).toArray(), [1, 1, 2], 'numbers, booleans and bigints mix'));
});

test('toString prints nan, inf and -inf as PyTorch does, not null', () => torch.tidy(() => {
  const t = torch.tensor([NaN, Infinity, -Infinity, 1.5, -0.25]);
  assert.equal(t.toString(), 'Tensor(shape=[5], dtype=float32, device=cpu, [nan,inf,-inf,1.5,-0.25])');
  assert.equal(torch.tensor([[NaN], [2]]).toString(), 'Tensor(shape=[2, 1], dtype=float32, device=cpu, [[nan],[2]])');
  assert.equal(torch.tensor(-Infinity).toString(), 'Tensor(shape=[], dtype=float32, device=cpu, -inf)');
  assert.equal(torch.tensor([true, false]).toString(), 'Tensor(shape=[2], dtype=bool, device=cpu, [true,false])');
}));

test('mm and bmm do not broadcast; t refuses more than 2 dimensions; einsum checks its operands', () => torch.tidy(() => {
  assert.throws(() => torch.mm(torch.ones([2, 3, 4]), torch.ones([4, 2])), (e: torch.TorchError) => e instanceof torch.TorchError && e.op === 'mm');
  assert.throws(() => torch.bmm(torch.ones([2, 3, 4]), torch.ones([4, 2])), (e: torch.TorchError) => e.op === 'bmm');
  assert.throws(() => torch.ones([2, 3, 4]).t(), /t\(\) expects a tensor with <= 2 dimensions/);
  assert.throws(() => torch.einsum('ij,jk->ik', torch.ones([2, 3])), (e: torch.TorchError) => e.op === 'einsum');
  assert.throws(() => torch.einsum('ij->ji'), /einsum: expected a non-empty array of tensors/);
}));
