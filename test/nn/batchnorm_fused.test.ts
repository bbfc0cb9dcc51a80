// The native BatchNorm(+ReLU) kernel of training mode on channels-last and contiguous tensors against the op-by-op
// path (ATen's batch_norm then relu, itself golden-tested against PyTorch): outputs, running
// statistics, batch count and all three gradients within float round-off, on shapes whose channel
// counts are not multiples of the vector width and whose rows are split across threads; the same
// fallbacks as PyTorch's own errors; hooks see each layer; double backward.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nn, torch } from '../../src/index.js';
import { native } from '../../src/torch/native.js';
import { BasicBlock } from '../../src/vision/models/resnet.js';
import { assertNear, values } from '../helpers.js';

const { BatchNorm2d, ReLU, batchNormReLU } = nn;

interface Run {
  out: torch.Tensor;
  bn: nn.BatchNorm2d;
  gradInput: torch.Tensor;
}

// A BatchNorm2d that never takes the native kernel: ATen's batch_norm, then relu.
class AtenBatchNorm2d extends BatchNorm2d {
  protected override fusedTraining(): null {
    return null;
  }
}

// The fused kernel on either layout, or the op-by-op path (on contiguous input).
type Path = 'channelsLast' | 'contiguous' | 'aten';

function layout(data: torch.Tensor, path: Path): torch.Tensor {
  return path === 'channelsLast' ? data.channelsLast() : data.contiguous();
}

// One training forward and backward of a BatchNorm2d (then ReLU) from the same weights and input.
function run(data: torch.Tensor, seed: number, relu: boolean, path: Path, options: nn.BatchNormOptions = {}): Run {
  torch.manualSeed(seed);
  const bn = path === 'aten' ? new AtenBatchNorm2d(data.shape[1], options) : new BatchNorm2d(data.shape[1], options);
  if (bn.weight !== null && bn.bias !== null) {
    torch.noGrad(() => {
      bn.weight!.copy_(torch.rand([data.shape[1]]).add(0.5));
      bn.bias!.copy_(torch.randn([data.shape[1]]).mul(0.3));
    });
  }
  const x = layout(data, path).detach().requiresGrad_();
  const out = relu ? bn.forwardReLU(x) : bn.call(x);
  const probe = torch.randn(data.shape);  // a gradient that differs per element
  out.mul(probe).sum().backward();
  return { out, bn, gradInput: x.grad! };
}

function assertSameRun(fused: Run, plain: Run, what: string): void {
  assertNear(fused.out, plain.out, `${what}: output`);
  assertNear(fused.gradInput, plain.gradInput, `${what}: input gradient`);
  if (plain.bn.weight !== null) {
    assertNear(fused.bn.weight!.grad!, plain.bn.weight.grad!, `${what}: weight gradient`);
    assertNear(fused.bn.bias!.grad!, plain.bn.bias!.grad!, `${what}: bias gradient`);
  }
  if (plain.bn.running_mean !== null) {
    assertNear(fused.bn.running_mean!, plain.bn.running_mean, `${what}: running mean`, { rtol: 1e-6, atol: 1e-6 });
    assertNear(fused.bn.running_var!, plain.bn.running_var!, `${what}: running variance`, { rtol: 1e-6, atol: 1e-6 });
    assert.equal(fused.bn.num_batches_tracked!.item(), plain.bn.num_batches_tracked!.item(), `${what}: batches tracked`);
  }
}

// Contiguous NCHW runs as an [N, C*H*W] matrix below 64 values per map and plane by plane from 64.
const shapes: [number, number, number, number][] = [
  [4, 3, 5, 5],     // 3 channels: the vector loops' remainder only
  [2, 17, 3, 3],    // an odd channel count
  [64, 64, 8, 8],   // 4,096 rows of 64 (channels-last), 4,096 planes of 64 (NCHW): split across the threads
  [256, 512, 1, 1], // ResNet-18's last stage: one row per image
  [8, 16, 4, 4],    // NCHW as a matrix of 256 columns
  [3, 5, 70, 70],   // planes of 4,900 values: more than one block of the masked gradient
  [4, 300, 4, 4],   // NCHW as a matrix of 4,800 columns: more than one block
  [2, 4100, 2, 2],  // channels-last rows of 4,100 channels: more than one block
  [2, 2048, 7, 7],  // ResNet-50's last stage at 224x224: small maps but 100,352 columns, so NCHW goes by plane
];

for (const path of ['channelsLast', 'contiguous'] as const) {
  for (const shape of shapes) {
    for (const relu of [true, false]) {
      test(`BatchNorm2d${relu ? ' + ReLU' : ''} on ${path} [${shape.join(', ')}] equals the op-by-op path`, () => {
        torch.manualSeed(7);
        const data = torch.randn(shape).mul(2).add(0.7);  // an offset mean and a spread that is not 1
        const fused = run(data, 3, relu, path);
        const plain = run(data, 3, relu, 'aten');
        assert.ok(path === 'channelsLast' ? fused.out.isContiguous({ memoryFormat: 'channelsLast' }) : fused.out.isContiguous(), 'the output keeps the input\'s layout');
        assert.ok(fused.gradInput.isContiguous(path === 'channelsLast' ? { memoryFormat: 'channelsLast' } : {}), 'so does the input gradient');
        if (relu) assert.ok(values(fused.out).some((v) => v === 0) && values(fused.out).every((v) => v >= 0), 'the ReLU clamped');
        assertSameRun(fused, plain, shape.join('x'));
      });
    }
  }
}

test('the kernel runs for channels-last and contiguous float32 CPU input in training, and declines the rest with nothing changed', () => {
  const weight = torch.ones([4]);
  const bias = torch.zeros([4]);
  const runningMean = torch.zeros([4]);
  const runningVar = torch.ones([4]);
  const applies = (x: torch.Tensor) => {
    const h = native.batchNormTraining(x.handle, weight.handle, bias.handle, runningMean.handle, runningVar.handle, 0.1, 1e-5, true);
    if (h !== null) new torch.Tensor(h).dispose();
    return h !== null;
  };
  const x = torch.randn([3, 4, 2, 2]).add(1);
  assert.ok(applies(x.channelsLast()));
  assert.ok(values(runningMean).every((v) => v !== 0), 'the running mean moved');
  // [N, C, 1, 1] from an NCHW model is channels-last contiguous too, but its strides say NCHW;
  // channelsLast() gives it NHWC strides, as PyTorch's .to(memory_format=torch.channels_last).
  assert.ok(applies(torch.randn([3, 4, 1, 1]).channelsLast()), 'channels-last with 1x1 maps');
  assert.ok(applies(torch.randn([3, 4, 1, 1])), 'NCHW with 1x1 maps');
  assert.ok(applies(x), 'contiguous NCHW');
  assert.ok(applies(torch.randn([2, 4, 130, 130])), 'contiguous NCHW with large maps (plane by plane)');
  const before = values(runningMean);
  assert.equal(applies(x.transpose(2, 3)), false, 'neither layout (transposed maps)');
  assert.equal(applies(x.to('float64').channelsLast()), false, 'float64');
  assert.equal(applies(torch.randn([1, 4, 1, 1]).channelsLast()), false, 'one value per channel');
  assert.equal(applies(torch.randn([3, 4, 2])), false, '3-D');
  assert.deepEqual(values(runningMean), before, 'a declined call changes nothing');
});

test('with torch.backends.fused.enabled false, BatchNorm2d runs ATen\'s kernels: bit for bit the op-by-op path', () => {
  torch.manualSeed(13);
  const data = torch.randn([4, 6, 5, 5]);
  const probe = torch.randn([4, 6, 5, 5]);
  const step = (bn: nn.BatchNorm2d, input: torch.Tensor) => {
    const x = input.detach().requiresGrad_();
    const out = bn.forwardReLU(x);
    out.mul(probe).sum().backward();
    return [...values(out), ...values(x.grad!), ...values(bn.running_var!)];
  };
  torch.backends.fused.enabled = false;
  try {
    for (const path of ['channelsLast', 'contiguous'] as const) {
      assert.deepEqual(step(new BatchNorm2d(6), layout(data, path)), step(new AtenBatchNorm2d(6), layout(data, path)), path);
    }
  } finally {
    torch.backends.fused.enabled = true;
  }
});

test('the fused kernel keeps BatchNorm2d\'s options: cumulative average (momentum null), no running statistics; affine false falls back', () => {
  torch.manualSeed(8);
  const data = torch.randn([6, 5, 4, 4]);
  for (const options of [{ momentum: null }, { momentum: 0.3 }, { trackRunningStats: false }, { affine: false }] as nn.BatchNormOptions[]) {
    const what = JSON.stringify(options);
    const fused = run(data, 4, true, 'channelsLast', options);
    const plain = run(data, 4, true, 'aten', options);
    assertSameRun(fused, plain, what);
    // A second batch moves the cumulative average by 1/2, as PyTorch's.
    const again = data.mul(-0.5).add(1);
    torch.noGrad(() => {
      fused.bn.forwardReLU(again.channelsLast());
      plain.bn.forwardReLU(again.contiguous());
    });
    if (plain.bn.running_mean !== null) {
      assertNear(fused.bn.running_mean!, plain.bn.running_mean, `${what}: second running mean`, { rtol: 1e-6, atol: 1e-6 });
      assertNear(fused.bn.running_var!, plain.bn.running_var!, `${what}: second running variance`, { rtol: 1e-6, atol: 1e-6 });
      assert.equal(fused.bn.num_batches_tracked!.item(), 2);
    }
  }
});

test('one value per channel fails as PyTorch\'s, after counting the batch, and leaves the running statistics alone', () => {
  const bn = new BatchNorm2d(4);
  const x = torch.randn([1, 4, 1, 1]).channelsLast();
  assert.throws(() => bn.forwardReLU(x), /Expected more than 1 value per channel when training, got input size torch\.Size\(\[1, 4, 1, 1\]\)/);
  assert.equal(bn.num_batches_tracked!.item(), 1);
  assert.deepEqual(values(bn.running_mean!), [0, 0, 0, 0]);
});

test('NaN in a channel stays in that channel, forward and backward, as in ATen', () => {
  const data = torch.randn([4, 3, 2, 2]);
  const nan = torch.zeros([4, 3, 2, 2]);
  torch.noGrad(() => nan.select(1, 1).fill_(Number.NaN));
  const poisoned = data.add(nan);
  for (const relu of [true, false]) {
    for (const path of ['channelsLast', 'contiguous'] as const) {
      assertSameRun(run(poisoned, 5, relu, path), run(poisoned, 5, relu, 'aten'), `NaN, ${path}, relu ${relu}`);
    }
  }
});

test('eval mode and float64 take the op-by-op path', () => {
  torch.manualSeed(9);
  const bn = new BatchNorm2d(3);
  const x = torch.randn([4, 3, 3, 3]);
  const trained = bn.forwardReLU(x.channelsLast());
  bn.eval();
  const evaluated = bn.forwardReLU(x.channelsLast());
  assertNear(evaluated, bn.call(x.channelsLast()).relu(), 'eval');
  assert.equal(bn.num_batches_tracked!.item(), 1);
  bn.train();
  const doubles = new BatchNorm2d(3).to('float64').forwardReLU(x.to({ dtype: 'float64' }).channelsLast());
  assert.equal(doubles.dtype, 'float64');
  assertNear(doubles.to({ dtype: 'float32' }), trained, 'float64');
});

test('double backward through the fused kernel equals the op-by-op path\'s (a gradient penalty)', () => {
  torch.manualSeed(10);
  const data = torch.randn([5, 6, 3, 3]);
  const penalty = (path: Path) => {
    torch.manualSeed(11);
    const bn = path === 'aten' ? new AtenBatchNorm2d(6) : new BatchNorm2d(6);
    const x = layout(data, path).detach().requiresGrad_();
    const probe = torch.randn(data.shape);
    bn.forwardReLU(x).mul(probe).sum().backward(undefined, { createGraph: true });
    const gradInput = x.grad!;
    bn.weight!.grad = null;
    bn.bias!.grad = null;
    gradInput.pow(2).sum().backward();
    return { weight: bn.weight!.grad!, bias: bn.bias!.grad! };
  };
  const plain = penalty('aten');
  for (const path of ['channelsLast', 'contiguous'] as const) {
    const fused = penalty(path);
    assertNear(fused.weight, plain.weight, `${path}: second-order weight gradient`, { rtol: 1e-4, atol: 1e-5 });
    assertNear(fused.bias, plain.bias, `${path}: second-order bias gradient`, { rtol: 1e-4, atol: 1e-5 });
  }
});

test('batchNormReLU runs both layers where a hook must see the BatchNorm\'s own output', () => {
  torch.manualSeed(12);
  const block = new BasicBlock(8, 8);
  const x = torch.randn([4, 8, 4, 4]).channelsLast();
  const seen: number[][] = [];
  const handle = block.bn1.registerForwardHook((_m, _input, output) => {
    seen.push(values(output as torch.Tensor));
  });
  const hooked = block.call(x);
  handle.remove();
  assert.equal(seen.length, 1);
  assert.ok(seen[0].some((v) => v < 0), 'the hook saw the BatchNorm\'s output before the ReLU');
  // Without the hook the fused kernel runs and gives the same block output.
  const fresh = new BasicBlock(8, 8);
  fresh.loadStateDict(block.stateDict());
  assertNear(fresh.call(x), hooked, 'block output');
  // SyncBatchNorm (and any other module in the BatchNorm's place) is called as itself.
  const calls: string[] = [];
  const stand = new BatchNorm2d(8);
  stand.registerForwardPreHook(() => {
    calls.push('bn');
  });
  batchNormReLU(stand, new ReLU(), x);
  assert.deepEqual(calls, ['bn']);
});

test('a ReLU subclass keeps its own forward: batchNormReLU fuses only the plain layers', () => {
  class Leakyish extends ReLU {
    override forward(input: torch.Tensor): torch.Tensor {
      return input.mul(2);
    }
  }
  const x = torch.randn([4, 3, 2, 2]).channelsLast();
  const out = batchNormReLU(new BatchNorm2d(3), new Leakyish(), x);
  assert.ok(values(out).some((v) => v < 0), 'the subclass\'s forward ran, not a ReLU');
});
