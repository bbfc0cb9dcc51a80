// Resize and RandomResizedCrop (torchvision 0.14), the latter drawing its crop exactly as
// torchvision's get_params draws it from torch's generator.
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { type ResizeOptions, type ResizeSize, checkResizeOptions, checkResizeSize, resize, resizedCrop } from './functional/resize.js';
import type { ResizeInterpolation } from './functional/interpolate.js';
import { expf, f32 } from './functional/numeric.js';
import { type SizeArg, checkRange, setupSize } from './args.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

/** Resizes to a fixed size or smaller edge (torchvision's Resize; bilinear, no antialias, by default). */
export class Resize implements Transform<Image, Image> {
  /** The smaller edge ([n]) or [height, width]. */
  readonly size: readonly number[];
  /** 'bilinear' or 'nearest'. */
  readonly interpolation: ResizeInterpolation;
  /** Cap on the longer edge, or null. */
  readonly maxSize: number | null;

  /** Resizes to `size`: n for the smaller edge (keeping the aspect ratio) or [height, width]. */
  constructor(size: ResizeSize, options: ResizeOptions = {}) {
    const s = checkResizeSize(size, 'Resize');
    checkResizeOptions(s, options, 'Resize');
    this.size = s;
    this.interpolation = options.interpolation ?? 'bilinear';
    this.maxSize = options.maxSize ?? null;
  }

  /** Resizes one image (no randomness). */
  forward(img: Image, _generator?: Generator): Image {
    checkImage(img, 'Resize');
    return resize(img, this.size as ResizeSize, { interpolation: this.interpolation, maxSize: this.maxSize });
  }

  /** Rebuilt in workers from size and options. */
  toSpec(): TransformSpec {
    const { size, interpolation, maxSize } = this;
    return { module: import.meta.url, name: 'Resize', options: { size, interpolation, maxSize } };
  }

  /** Resize's constructor takes size positionally. */
  static async fromSpec(spec: TransformSpec): Promise<Resize> {
    const { size, ...options } = spec.options as ResizeOptions & { size: ResizeSize };
    return new Resize(size, options);
  }
}

/** Options of RandomResizedCrop (torchvision's names and defaults). */
export interface RandomResizedCropOptions {
  /** Range of the crop's area as a fraction of the image's ([0.08, 1]). */
  scale?: readonly [number, number];
  /** Range of the crop's aspect ratio, width / height ([3/4, 4/3]). */
  ratio?: readonly [number, number];
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: ResizeInterpolation;
  /** Only false (torchvision 0.14's default for tensors) is implemented. */
  antialias?: boolean | null;
}

// Python's round(): half to even, on a float64.
const pyRound = (x: number): number => {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** Crops a random area and aspect ratio, then resizes it to `size` (torchvision's RandomResizedCrop, Inception-style). */
export class RandomResizedCrop implements Transform<Image, Image> {
  /** Output [height, width]. */
  readonly size: readonly [number, number];
  /** Range of the area fraction. */
  readonly scale: readonly [number, number];
  /** Range of the aspect ratio. */
  readonly ratio: readonly [number, number];
  /** 'bilinear' or 'nearest'. */
  readonly interpolation: ResizeInterpolation;

  /** Crops and resizes to `size` (n for n x n, or [height, width]). */
  constructor(size: SizeArg, options: RandomResizedCropOptions = {}) {
    const { scale = [0.08, 1], ratio = [3 / 4, 4 / 3], interpolation = 'bilinear', antialias = null } = options;
    this.size = setupSize(size, 'RandomResizedCrop');
    this.scale = checkRange(scale, 'RandomResizedCrop', 'scale');
    this.ratio = checkRange(ratio, 'RandomResizedCrop', 'ratio');
    if (!(this.scale[0] >= 0)) throw new RangeError(`RandomResizedCrop: scale must be non-negative, got ${JSON.stringify(scale)}`);
    if (!(this.ratio[0] > 0)) throw new RangeError(`RandomResizedCrop: ratio must be positive, got ${JSON.stringify(ratio)}`);
    checkResizeOptions(this.size, { interpolation, antialias }, 'RandomResizedCrop');
    this.interpolation = interpolation;
  }

  /**
   * torchvision's get_params: up to 10 tries of an area (uniform_ of `scale`) and a log-uniform
   * aspect ratio that fit the image, each fitting crop placed with randint for top then left;
   * else the centre crop closest to `ratio`. Returns [top, left, height, width].
   */
  static getParams(img: Image, scale: readonly [number, number], ratio: readonly [number, number], generator: Generator): [number, number, number, number] {
    const { height, width } = img;
    const area = height * width;
    // torch.log(torch.tensor(ratio)) in float32 (rounded log; libtorch's Sleef logf agrees for all but ~0.5% of inputs).
    const logRatio = [f32(Math.log(f32(ratio[0]))), f32(Math.log(f32(ratio[1])))];
    for (let attempt = 0; attempt < 10; attempt++) {
      const targetArea = area * generator.uniform(scale[0], scale[1]);
      const aspect = expf(generator.uniform(logRatio[0], logRatio[1]));
      const w = pyRound(Math.sqrt(targetArea * aspect));
      const h = pyRound(Math.sqrt(targetArea / aspect));
      if (w > 0 && w <= width && h > 0 && h <= height) {
        const i = generator.randint(0, height - h + 1);
        const j = generator.randint(0, width - w + 1);
        return [i, j, h, w];
      }
    }
    const inRatio = width / height;
    let w = width;
    let h = height;
    const lo = Math.min(ratio[0], ratio[1]);
    const hi = Math.max(ratio[0], ratio[1]);
    if (inRatio < lo) h = pyRound(w / lo);
    else if (inRatio > hi) w = pyRound(h * hi);
    return [Math.floor((height - h) / 2), Math.floor((width - w) / 2), h, w];
  }

  /** Draws a crop, then resizes it. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'RandomResizedCrop');
    const [i, j, h, w] = RandomResizedCrop.getParams(img, this.scale, this.ratio, generator);
    return resizedCrop(img, i, j, h, w, this.size, { interpolation: this.interpolation });
  }

  /** Rebuilt in workers from size and options. */
  toSpec(): TransformSpec {
    const { size, scale, ratio, interpolation } = this;
    return { module: import.meta.url, name: 'RandomResizedCrop', options: { size, scale, ratio, interpolation } };
  }

  /** RandomResizedCrop's constructor takes size positionally. */
  static async fromSpec(spec: TransformSpec): Promise<RandomResizedCrop> {
    const { size, ...options } = spec.options as RandomResizedCropOptions & { size: [number, number] };
    return new RandomResizedCrop(size, options);
  }
}
