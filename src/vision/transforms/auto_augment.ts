// Learned and random augmentation policies on uint8 CHW images, with torchvision 0.14's exact
// semantics and random draws: AutoAugment (Cubuk et al. 2019), RandAugment (Cubuk et al. 2020)
// and TrivialAugmentWide (Müller & Hutter 2021). Each draws from the generator in the order
// torchvision draws from torch's, so a seed gives torchvision's augmentations.
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { type Fill, type Interpolation } from './functional/affine.js';
import { f32 } from './functional/numeric.js';
import { type AugmentOp, applyOp, autoAugmentSpace, randAugmentSpace, trivialAugmentSpace } from './auto_augment_ops.js';
import { type AutoAugmentPolicyName, AutoAugmentPolicy, POLICIES } from './auto_augment_policies.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

/** Sampling and fill shared by the three policies (torchvision's defaults: nearest, no fill). */
export interface AugmentSamplingOptions {
  interpolation?: Interpolation;
  /** Value of pixels moved in from outside; null (the default) gives 0. */
  fill?: Fill;
}

function checkSampling(where: string, { interpolation = 'nearest', fill = null }: AugmentSamplingOptions): Required<AugmentSamplingOptions> {
  if (interpolation !== 'nearest' && interpolation !== 'bilinear') throw new TypeError(`${where}: interpolation must be 'nearest' or 'bilinear', got ${JSON.stringify(interpolation)}`);
  if (fill !== null && typeof fill !== 'number' && !(Array.isArray(fill) && fill.every((v) => typeof v === 'number'))) {
    throw new TypeError(`${where}: fill must be null, a number or an array of numbers, got ${JSON.stringify(fill)}`);
  }
  return { interpolation, fill: Array.isArray(fill) ? [...fill] : fill };
}

function checkInput(img: unknown, where: string): asserts img is Image {
  checkImage(img, where);
  if (!(img.data instanceof Uint8Array)) throw new TypeError(`${where}: expects a uint8 image (as torchvision does for tensors); apply it before ToDtype`);
}

/** Options of AutoAugment. */
export interface AutoAugmentOptions extends AugmentSamplingOptions {
  /** Which learned policy: 'imagenet' (torchvision's default), 'cifar10' or 'svhn' (upper-case names work too). */
  policy?: AutoAugmentPolicyName | 'IMAGENET' | 'CIFAR10' | 'SVHN';
}

/** AutoAugment: one of a policy's 25 sub-policies at random, each of its two ops applied with its probability. */
export class AutoAugment implements Transform<Image, Image> {
  /** The policy's name ('imagenet', 'cifar10' or 'svhn'). */
  readonly policy: AutoAugmentPolicyName;
  /** Sampling of the geometric ops. */
  readonly interpolation: Interpolation;
  /** Fill of the geometric ops. */
  readonly fill: Fill;

  /** An AutoAugment with torchvision's defaults (ImageNet policy, nearest, no fill). */
  constructor(options: AutoAugmentOptions = {}) {
    const { policy = AutoAugmentPolicy.IMAGENET } = options;
    const name = (typeof policy === 'string' ? policy.toLowerCase() : policy) as AutoAugmentPolicyName;
    if (!(name in POLICIES)) throw new TypeError(`AutoAugment: policy must be one of 'imagenet', 'cifar10', 'svhn', got ${JSON.stringify(policy)}`);
    this.policy = name;
    ({ interpolation: this.interpolation, fill: this.fill } = checkSampling('AutoAugment', options));
  }

  /** Augments a uint8 CHW image: draws a sub-policy, two probabilities and two signs, then applies. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkInput(img, 'AutoAugment');
    const policies = POLICIES[this.policy];
    // torchvision's get_params: randint(25), rand(2), randint(2, (2,)), in this order.
    const subPolicy = policies[generator.randint(0, policies.length)];
    const p0 = generator.rand();
    const p1 = generator.rand();
    const s0 = generator.randint(0, 2);
    const s1 = generator.randint(0, 2);
    const space = autoAugmentSpace(10, img.height, img.width);
    let out = img;
    for (let i = 0; i < 2; i++) {
      const [op, p, bin] = subPolicy[i];
      // probs[i] <= p compares in float32: the Python float p is rounded to float32 first.
      if ((i === 0 ? p0 : p1) > f32(p)) continue;
      const entry = space.find((e) => e.op === op)!;
      let magnitude = bin !== null && entry.magnitudes !== null ? entry.magnitudes[bin] : 0;
      if (entry.signed && (i === 0 ? s0 : s1) === 0) magnitude = -magnitude;
      out = applyOp(out, op, magnitude, this.interpolation, this.fill);
    }
    return out;
  }

  /** Rebuilt in workers from its options. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'AutoAugment', options: { policy: this.policy, interpolation: this.interpolation, fill: this.fill } };
  }
}

/** Options of RandAugment (torchvision's defaults: 2 ops at magnitude 9 of 31 bins). */
export interface RandAugmentOptions extends AugmentSamplingOptions {
  numOps?: number;
  magnitude?: number;
  numMagnitudeBins?: number;
}

/** RandAugment: `numOps` ops drawn uniformly, all at one fixed magnitude bin, each with a random sign. */
export class RandAugment implements Transform<Image, Image> {
  /** Ops applied per image. */
  readonly numOps: number;
  /** The magnitude bin every op uses. */
  readonly magnitude: number;
  /** Number of magnitude bins. */
  readonly numMagnitudeBins: number;
  /** Sampling of the geometric ops. */
  readonly interpolation: Interpolation;
  /** Fill of the geometric ops. */
  readonly fill: Fill;

  /** A RandAugment with torchvision's defaults unless overridden. */
  constructor(options: RandAugmentOptions = {}) {
    const { numOps = 2, magnitude = 9, numMagnitudeBins = 31 } = options;
    if (!Number.isInteger(numOps) || numOps < 0) throw new RangeError(`RandAugment: numOps must be a non-negative integer, got ${numOps}`);
    if (!Number.isInteger(numMagnitudeBins) || numMagnitudeBins < 2) throw new RangeError(`RandAugment: numMagnitudeBins must be an integer >= 2, got ${numMagnitudeBins}`);
    if (!Number.isInteger(magnitude) || magnitude < 0 || magnitude >= numMagnitudeBins) {
      throw new RangeError(`RandAugment: magnitude must be a bin in 0..${numMagnitudeBins - 1}, got ${magnitude}`);
    }
    this.numOps = numOps;
    this.magnitude = magnitude;
    this.numMagnitudeBins = numMagnitudeBins;
    ({ interpolation: this.interpolation, fill: this.fill } = checkSampling('RandAugment', options));
  }

  /** Augments a uint8 CHW image with `numOps` random ops. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkInput(img, 'RandAugment');
    const space = randAugmentSpace(this.numMagnitudeBins, img.height, img.width);
    let out = img;
    for (let k = 0; k < this.numOps; k++) {
      const { op, magnitudes, signed } = space[generator.randint(0, space.length)];
      let magnitude = magnitudes !== null ? magnitudes[this.magnitude] : 0;
      // `signed and torch.randint(2, (1,))`: unsigned ops draw no sign.
      if (signed && generator.randint(0, 2) === 1) magnitude = -magnitude;
      out = applyOp(out, op, magnitude, this.interpolation, this.fill);
    }
    return out;
  }

  /** Rebuilt in workers from its options. */
  toSpec(): TransformSpec {
    const { numOps, magnitude, numMagnitudeBins, interpolation, fill } = this;
    return { module: import.meta.url, name: 'RandAugment', options: { numOps, magnitude, numMagnitudeBins, interpolation, fill } };
  }
}

/** Options of TrivialAugmentWide (31 bins by default). */
export interface TrivialAugmentWideOptions extends AugmentSamplingOptions {
  numMagnitudeBins?: number;
}

/** TrivialAugment (wide space): one op, one magnitude bin and one sign, all uniform. */
export class TrivialAugmentWide implements Transform<Image, Image> {
  /** Number of magnitude bins. */
  readonly numMagnitudeBins: number;
  /** Sampling of the geometric ops. */
  readonly interpolation: Interpolation;
  /** Fill of the geometric ops. */
  readonly fill: Fill;

  /** A TrivialAugmentWide with torchvision's defaults unless overridden. */
  constructor(options: TrivialAugmentWideOptions = {}) {
    const { numMagnitudeBins = 31 } = options;
    if (!Number.isInteger(numMagnitudeBins) || numMagnitudeBins < 2) throw new RangeError(`TrivialAugmentWide: numMagnitudeBins must be an integer >= 2, got ${numMagnitudeBins}`);
    this.numMagnitudeBins = numMagnitudeBins;
    ({ interpolation: this.interpolation, fill: this.fill } = checkSampling('TrivialAugmentWide', options));
  }

  /** Augments a uint8 CHW image with one random op at a random magnitude. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkInput(img, 'TrivialAugmentWide');
    const space = trivialAugmentSpace(this.numMagnitudeBins);
    const { op, magnitudes, signed } = space[generator.randint(0, space.length)];
    let magnitude = magnitudes !== null ? magnitudes[generator.randint(0, magnitudes.length)] : 0;
    if (signed && generator.randint(0, 2) === 1) magnitude = -magnitude;
    return applyOp(img, op, magnitude, this.interpolation, this.fill);
  }

  /** Rebuilt in workers from its options. */
  toSpec(): TransformSpec {
    const { numMagnitudeBins, interpolation, fill } = this;
    return { module: import.meta.url, name: 'TrivialAugmentWide', options: { numMagnitudeBins, interpolation, fill } };
  }
}
