// libtorch failures become JS errors naming the op; bad arguments are TypeErrors; nothing aborts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';

test('a shape mismatch is a TorchError with libtorch’s message and the op', () => {
  torch.tidy(() => {
    const a = torch.zeros([3, 4]);
    assert.throws(() => a.matmul(a), (e: unknown) => {
      assert.ok(e instanceof torch.TorchError);
      assert.equal(e.op, 'matmul');
      assert.match(e.message, /matmul: mat1 and mat2 shapes cannot be multiplied \(3x4 and 3x4\)/);
      assert.doesNotMatch(e.message, /Exception raised from/); // no C++ backtrace
      return true;
    });
    assert.throws(() => a.add(torch.zeros([5])), /add: The size of tensor a \(4\) must match/);
  });
});

test('wrong dtypes and bad indices fail cleanly', () => {
  torch.tidy(() => {
    const logits = torch.randn([4, 10]);
    assert.throws(() => nn.functional.crossEntropy(logits, torch.zeros([4])), torch.TorchError);
    assert.throws(() => nn.functional.crossEntropy(logits, torch.tensor([0, 1, 2, 10], { dtype: 'int64' })), /crossEntropy: .*out of bounds|Target 10 is out of bounds/);
    assert.throws(() => torch.zeros([2]).indexSelect(0, torch.tensor([5], { dtype: 'int64' })), torch.TorchError);
    assert.throws(() => torch.ones([2]).view([3]), /view: shape '\[3\]' is invalid/);
  });
});

test('bad arguments are TypeErrors naming the problem', () => {
  assert.throws(() => torch.zeros([2, -1]), /zeros: shape must be an array of non-negative integers/);
  assert.throws(() => torch.tensor([1, 2], { dtype: 'float8' as torch.DType }), /unknown dtype "float8"/);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => torch.tensor(new Float32Array(6), { shape: [4] }), /holds 4 elements but the data has 6/);
  assert.throws(() => torch.zeros([2]).to('cuda:x' as torch.Device), TypeError);
  assert.throws(() => nn.functional.dropout(torch.zeros([2]), 1.5), /dropout probability/);
  assert.throws(() => torch.manualSeed(-1), /non-negative integer/);
  assert.throws(() => torch.zeros([2, 2]).item(), /one element/);
  // The Scalar overloads (addScalar, mul_'s mulScalar_) report the op the user called.
  const x = torch.ones([2]);
  assert.throws(() => x.add('a' as unknown as number), /^TypeError: add: argument 1 must be a Tensor, number, boolean or bigint$/);
  assert.throws(() => x.mul_({} as unknown as number), /^TypeError: mul_: argument 1 must be a Tensor, number, boolean or bigint$/);
  assert.throws(() => torch.where(x.gt(0), x, 'z' as unknown as number), /^TypeError: where: argument 2 must be a Tensor, number, boolean or bigint$/);
  assert.throws(() => torch.tensor([true]).sub(true), (e: torch.TorchError) => e instanceof torch.TorchError && e.op === 'sub' && /Subtraction/.test(e.message));
  x.dispose();
});

test('backward on a tensor that does not require grad is an error, not an abort', () => {
  torch.tidy(() => {
    assert.throws(() => torch.ones([2]).sum().backward(), /does not require grad/);
  });
});
