// GaussianBlur (torchvision 0.14): sigma drawn with torch.empty(1).uniform_ on every call (also
// when it is fixed, so a fixed sigma still advances the generator by one draw, as in torchvision).
import type { Generator } from '../../data/generator.js';
import { type Image, checkImage } from './image.js';
import { type KernelSize, checkKernelSize, gaussianBlur } from './functional/blur.js';
import { type Transform, type TransformSpec, defaultGenerator } from './transform.js';

/** Options of GaussianBlur. */
export interface GaussianBlurOptions {
  /** A fixed standard deviation, or [min, max] to draw it from ([0.1, 2]). */
  sigma?: number | readonly [number, number];
}

/** Blurs with a Gaussian of random standard deviation (torchvision's GaussianBlur). */
export class GaussianBlur implements Transform<Image, Image> {
  /** Kernel taps [x, y] (odd). */
  readonly kernelSize: readonly [number, number];
  /** Range the standard deviation is drawn from. */
  readonly sigma: readonly [number, number];

  /** Blurs with `kernelSize` taps (n, or [x, y] as torchvision passes it to F.gaussian_blur). */
  constructor(kernelSize: KernelSize, { sigma = [0.1, 2] }: GaussianBlurOptions = {}) {
    this.kernelSize = checkKernelSize(kernelSize, 'GaussianBlur');
    if (typeof sigma === 'number') {
      if (!(sigma > 0) || !Number.isFinite(sigma)) throw new RangeError(`GaussianBlur: sigma must be positive when a single number, got ${sigma}`);
      this.sigma = [sigma, sigma];
    } else if (Array.isArray(sigma) && sigma.length === 2 && sigma.every((v) => typeof v === 'number' && Number.isFinite(v))) {
      if (!(sigma[0] > 0 && sigma[0] <= sigma[1])) throw new RangeError(`GaussianBlur: sigma must be [min, max] with 0 < min <= max, got ${JSON.stringify(sigma)}`);
      this.sigma = [sigma[0], sigma[1]];
    } else {
      throw new TypeError(`GaussianBlur: sigma must be a number or [min, max], got ${JSON.stringify(sigma)}`);
    }
  }

  /** torchvision's get_params: sigma = torch.empty(1).uniform_(min, max), a float32. */
  static getParams(sigmaMin: number, sigmaMax: number, generator: Generator): number {
    return generator.uniform(sigmaMin, sigmaMax);
  }

  /** Draws sigma, then blurs with it on both axes. */
  forward(img: Image, generator: Generator = defaultGenerator): Image {
    checkImage(img, 'GaussianBlur');
    const sigma = GaussianBlur.getParams(this.sigma[0], this.sigma[1], generator);
    return gaussianBlur(img, this.kernelSize, [sigma, sigma]);
  }

  /** Rebuilt in workers from kernelSize and sigma. */
  toSpec(): TransformSpec {
    return { module: import.meta.url, name: 'GaussianBlur', options: { kernelSize: this.kernelSize, sigma: this.sigma } };
  }

  /** GaussianBlur's constructor takes kernelSize positionally. */
  static async fromSpec(spec: TransformSpec): Promise<GaussianBlur> {
    const { kernelSize, sigma } = spec.options as { kernelSize: [number, number]; sigma: [number, number] };
    return new GaussianBlur(kernelSize, { sigma });
  }
}
