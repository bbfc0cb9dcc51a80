// smoothlab's transforms against torchvision 0.14 on uint8 tensors (test/fixtures/augment.json,
// written by scripts/goldens/augment.py with Debian's python3-torchvision).
//
// Pixel tolerance. Colour and tone ops must match exactly: their float32 steps are replayed with
// fround. The geometric ops (shear, translate, rotate) with nearest sampling — AutoAugment's
// setting — must match exactly too, tolerance 0 pixels: a nearest sample is a copy, so any
// difference is a whole different source pixel, and it happens only if our float32 sampling
// coordinate rounds differently from torchvision's. We replay the grid's arithmetic (theta divided
// by half the size, the bmm summed left to right, grid_sample's unnormalize, round half to even),
// which makes every coordinate bit-identical; a tolerance would hide a wrong rounding rule.
// Bilinear sampling (not used by the policies' defaults) is allowed 1 level on at most 2% of the
// values: libtorch's GCC build fuses its weighted sum into FMAs, which we mimic but which another
// compiler or CPU kernel may not do, and each such rounding can move a result across .5.
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AutoAugment, Compose, Generator, RandAugment, RandomCrop, RandomErasing, RandomHorizontalFlip, TrivialAugmentWide,
  applyOp, autoAugmentSpace, functional as F, randAugmentSpace, trivialAugmentSpace,
  type AugmentOp, type Image, type Transform,
} from '../../../src/vision/transforms/index.js';
import { bytes, diff, float32, golden, goldenImage } from './goldens.js';

test('fixture comes from torchvision 0.14', () => {
  assert.match(golden.torchvision, /^0\.14/);
});

test('every AutoAugment op at every recorded magnitude equals torchvision (nearest: 0 pixels off)', () => {
  let checked = 0;
  for (const c of golden.ops) {
    if (c.interpolation === 'bilinear') continue;
    const out = applyOp(goldenImage(c.image), c.op as AugmentOp, c.magnitude, 'nearest', c.fill ?? null);
    const d = diff(out.data, bytes(c.output));
    assert.equal(d.count, 0, `${c.op}(${c.magnitude}) on ${c.image}${c.fill ? ` fill ${c.fill}` : ''}: ${d.count} values differ (max ${d.max}, first at ${d.first})`);
    checked++;
  }
  const ops = new Set(golden.ops.map((c) => c.op));
  assert.equal(ops.size, 15, 'all 14 ops and Identity are covered');
  assert.ok(checked > 150);
});

test('bilinear warps are within 1 level on at most 2% of values', () => {
  for (const c of golden.ops.filter((o) => o.interpolation === 'bilinear')) {
    const expected = bytes(c.output);
    const out = applyOp(goldenImage(c.image), c.op as AugmentOp, c.magnitude, 'bilinear');
    const d = diff(out.data, expected);
    assert.ok(d.max <= 1 && d.count <= 0.02 * expected.length, `${c.op}(${c.magnitude}) bilinear: ${d.count} values differ, max ${d.max}`);
  }
});

test('magnitude tables equal torchvision float32 linspace values', () => {
  const spaces = {
    'AutoAugment/10/32x32': autoAugmentSpace(10, 32, 32),
    'AutoAugment/10/12x10': autoAugmentSpace(10, 12, 10),
    'RandAugment/31/32x32': randAugmentSpace(31, 32, 32),
    'RandAugment/17/32x32': randAugmentSpace(17, 32, 32),
    'TrivialAugmentWide/31': trivialAugmentSpace(31),
  };
  for (const [name, space] of Object.entries(spaces)) {
    const expected = golden.tables[name];
    assert.deepEqual(space.map((e) => e.op), Object.keys(expected), `${name}: op order (the random index picks from it)`);
    for (const { op, magnitudes } of space) {
      const want = expected[op];
      if (magnitudes === null) assert.deepEqual(want, [0], `${name}/${op}`);
      else assert.deepEqual(Array.from(magnitudes), want, `${name}/${op}`);
    }
  }
});

function pipelineTransform(name: string): Transform<Image, Image> {
  switch (name) {
    case 'AutoAugment(CIFAR10)': return new AutoAugment({ policy: 'cifar10' });
    case 'AutoAugment(IMAGENET)': return new AutoAugment({ policy: 'IMAGENET' });
    case 'AutoAugment(SVHN)': return new AutoAugment({ policy: 'svhn' });
    case 'RandAugment()': return new RandAugment();
    case 'RandAugment(numOps=3,magnitude=5)': return new RandAugment({ numOps: 3, magnitude: 5 });
    case 'TrivialAugmentWide()': return new TrivialAugmentWide();
    case 'RandomHorizontalFlip+AutoAugment(CIFAR10)': return new Compose<Image, Image>([new RandomHorizontalFlip(), new AutoAugment({ policy: 'cifar10' })]);
    case 'RandomCrop(32,padding=4,reflect)': return new RandomCrop(32, { padding: 4, paddingMode: 'reflect' });
    case 'RandomCrop(32,padding=4)': return new RandomCrop(32, { padding: 4 });
    case 'RandomCrop(24)': return new RandomCrop(24);
    default: throw new Error(`no transform for pipeline ${name}`);
  }
}

test('seeded random transforms take torchvision\'s random decisions (same seed, same outputs)', () => {
  for (const p of golden.pipelines) {
    const transform = pipelineTransform(p.name);
    // torch.manual_seed(s) then one call per image; our Generator(s) draws the same numbers.
    const generator = new Generator(p.seed);
    p.inputs.forEach((input, k) => {
      const out = transform.forward(goldenImage(input), generator);
      assert.equal(out.data.length, p.outputs[k].length, `${p.name} #${k}: size`);
      const sha = createHash('sha256').update(out.data).digest('hex');
      assert.equal(sha, p.outputs[k].sha256, `${p.name} #${k} on ${input}: output differs from torchvision's`);
    });
  }
});

test('uint8 -> float32 scaling and Normalize equal torchvision bit for bit', () => {
  const { mean, std } = golden.conversions;
  const ramp: Image<Uint8Array> = { data: new Uint8Array(768).map((_, i) => i % 256), channels: 3, height: 1, width: 256 };
  const asFloat = F.toDtype(ramp, 'float32', { scale: true });
  assert.deepEqual(asFloat.data, float32(golden.conversions.toFloat));
  assert.deepEqual(F.normalize(asFloat, mean, std).data, float32(golden.conversions.normalized));
  const unit: Image<Float32Array> = { data: Float32Array.from({ length: 1001 }, (_, i) => Math.fround(i / 1000)), channels: 1, height: 1, width: 1001 };
  // torch.linspace(0, 1, 1001) and i / 1000 agree in float32 here: the check is on the conversion.
  const back = F.toDtype(unit, 'uint8', { scale: true });
  const expected = Buffer.from(golden.conversions.toUint8, 'base64');
  assert.equal(diff(back.data, expected).count, 0);
});

test('RandomErasing picks torchvision\'s rectangles', () => {
  const img: Image<Float32Array> = { data: new Float32Array(3 * 32 * 32), channels: 3, height: 32, width: 32 };
  for (const { seed, p, rect } of golden.erasing) {
    const g = new Generator(seed);
    assert.equal(g.rand(), p, `seed ${seed}: the probability draw`);
    const params = RandomErasing.getParams(img, [0.02, 0.33], [0.3, 3.3], 0, g);
    assert.deepEqual(params?.rect, rect, `seed ${seed}`);
  }
});

test('Generator draws equal torch.Generator\'s', () => {
  for (const d of golden.draws) {
    const g = new Generator(BigInt(d.seed));
    assert.deepEqual(Array.from({ length: 8 }, () => g.randint(0, 25)), d.randint25, `seed ${d.seed}: randint`);
    assert.deepEqual(Array.from({ length: 6 }, () => g.rand()), d.rand, `seed ${d.seed}: rand`);
    assert.deepEqual(Array.from({ length: 4 }, () => g.randint(5, 17)), d.randint_5_17, `seed ${d.seed}: randint(5, 17)`);
    assert.deepEqual(Array.from(g.randperm(20)), d.randperm20, `seed ${d.seed}: randperm`);
    assert.deepEqual(Array.from({ length: 6 }, () => g.uniform(0.02, 0.33)), d.uniform, `seed ${d.seed}: uniform_`);
  }
});
