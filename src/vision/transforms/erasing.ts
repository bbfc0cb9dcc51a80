// RandomErasing (Zhong et al., "Random Erasing Data Augmentation", 2017) on CHW images, after
// torchvision 0.14: the rectangle is drawn with torchvision's float32 arithmetic and draw order.
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { erase } from './functional/convert.js';
import { expf, f32 } from './functional/numeric.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

/** Options of RandomErasing (torchvision's defaults). */
export interface RandomErasingOptions {
  /** Probability of erasing (0.5). */
  p?: number;
  /** Range of the erased fraction of the area ([0.02, 0.33]). */
  scale?: readonly [number, number];
  /** Range of the rectangle's aspect ratio ([0.3, 3.3]). */
  ratio?: readonly [number, number];
  /** Erasing value: a number (0), one per channel, or 'random' for standard normal noise. */
  value?: number | readonly number[] | 'random';
  /** Write into the input instead of a copy. */
  inplace?: boolean;
}

// Python's round(): half to even, on a float64.
const pyRound = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Erases a random rectangle with probability p (torchvision's RandomErasing); put it after Normalize. */
export class RandomErasing implements Transform<Image, Image> {
  /** Probability of erasing. */
  readonly p: number;
  /** Range of the erased area fraction. */
  readonly scale: readonly [number, number];
  /** Range of the aspect ratio. */
  readonly ratio: readonly [number, number];
  /** The erasing value. */
  readonly value: number | readonly number[] | 'random';
  /** Whether the input is modified. */
  readonly inplace: boolean;

  /** A RandomErasing with torchvision's defaults unless overridden. */
  constructor(options: RandomErasingOptions = {}) {
    const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0, inplace = false } = options;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) throw new RangeError(`RandomErasing: p must be a probability in [0, 1], got ${p}`);
    if (!Array.isArray(scale) || scale.length !== 2 || !(scale[0] >= 0 && scale[1] <= 1 && scale[0] <= scale[1])) {
      throw new RangeError(`RandomErasing: scale must be [min, max] within [0, 1], got ${JSON.stringify(scale)}`);
    }
    if (!Array.isArray(ratio) || ratio.length !== 2 || !(ratio[0] > 0 && ratio[0] <= ratio[1])) {
      throw new RangeError(`RandomErasing: ratio must be [min, max] with 0 < min <= max, got ${JSON.stringify(ratio)}`);
    }
    if (!(typeof value === 'number' || value === 'random' || (Array.isArray(value) && value.every((v) => typeof v === 'number')))) {
      throw new TypeError(`RandomErasing: value must be a number, an array of numbers or 'random', got ${JSON.stringify(value)}`);
    }
    this.p = p;
    this.scale = [scale[0], scale[1]];
    this.ratio = [ratio[0], ratio[1]];
    this.value = typeof value === 'number' || value === 'random' ? value : [...value];
    this.inplace = inplace;
  }

  /**
   * torchvision's get_params: the rectangle [top, left, height, width] and its values (the given
   * value, or `channels * h * w` normal samples when value is 'random', drawn where torchvision
   * draws them: before the position), or null when ten tries fail.
   */
  static getParams(img: Image, scale: readonly [number, number], ratio: readonly [number, number], value: number | readonly number[] | 'random', generator: Generator): { rect: [number, number, number, number]; value: number | readonly number[] | Float32Array } | null {
    const { channels: C, height: H, width: W } = img;
    const area = H * W;
    const logRatio = [f32(Math.log(f32(ratio[0]))), f32(Math.log(f32(ratio[1])))];
    for (let attempt = 0; attempt < 10; attempt++) {
      const eraseArea = area * generator.uniform(scale[0], scale[1]);
      const aspect = expf(generator.uniform(logRatio[0], logRatio[1]));
      const h = pyRound(Math.sqrt(eraseArea * aspect));
      const w = pyRound(Math.sqrt(eraseArea / aspect));
      if (!(h < H && w < W)) continue;
      // 'random' noise has torch.randn's distribution, not its exact numbers (libtorch fills it with a vectorized Box-Muller).
      const v = value === 'random' ? Float32Array.from({ length: C * h * w }, () => generator.normal()) : value;
      const i = generator.randint(0, H - h + 1);
      const j = generator.randint(0, W - w + 1);
      return { rect: [i, j, h, w], value: v };
    }
    return null;
  }

  /** With probability p, erases one random rectangle. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'RandomErasing');
    if (!(generator.rand() < f32(this.p))) return img;
    const v = this.value;
    if (Array.isArray(v) && v.length !== 1 && v.length !== img.channels) {
      throw new TypeError(`RandomErasing: value has ${v.length} numbers; the image has ${img.channels} channels (give 1 or ${img.channels})`);
    }
    const params = RandomErasing.getParams(img, this.scale, this.ratio, v, generator);
    if (params === null) return img;
    const [i, j, h, w] = params.rect;
    return erase(img, i, j, h, w, params.value, { inplace: this.inplace });
  }

  /** Rebuilt in workers from its options. */
  toSpec(): TransformSpec {
    const { p, scale, ratio, value, inplace } = this;
    return { module: import.meta.url, name: 'RandomErasing', options: { p, scale, ratio, value, inplace } };
  }
}
