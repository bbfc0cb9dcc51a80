// torchvision 0.14's gaussian_blur on tensors: a float32 1-D kernel per axis
// (_get_gaussian_kernel1d: exp(-0.5 * (x / sigma)^2) normalized by its sum), their outer product
// as the 2-D kernel, reflect padding by half the kernel, and one 2-D convolution per channel
// (conv2d with groups = channels); uint8 images are blurred in float32 and rounded back (half to
// even). The convolution replays libtorch 1.13's CPU kernels: both accumulate the k x k products
// in row-major order in float32, oneDNN with FMAs, the native im2col + GEMM path without.
import { type Image, allocBytes, allocFloats, checkImage, isUint8 } from '../image.js';
import { pad } from './geometry.js';
import { expf, f32, fmaf, roundHalfEven, sumF32 } from './numeric.js';

/** A kernel size: one odd number for both axes, or [x, y] (width first, as torchvision's F.gaussian_blur). */
export type KernelSize = number | readonly [number] | readonly [number, number];

/** Throws unless `kernelSize` is one or two odd positive integers; returns [x, y]. */
export function checkKernelSize(kernelSize: unknown, where: string): [number, number] {
  const k = typeof kernelSize === 'number' ? [kernelSize, kernelSize] : Array.isArray(kernelSize) && kernelSize.length === 1 ? [kernelSize[0], kernelSize[0]] : kernelSize;
  if (!Array.isArray(k) || k.length !== 2 || !k.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new TypeError(`${where}: kernelSize must be an odd integer or [x, y], got ${JSON.stringify(kernelSize)}`);
  }
  if (!k.every((v) => v > 0 && v % 2 === 1)) throw new RangeError(`${where}: kernelSize values must be odd and positive, got ${JSON.stringify(kernelSize)}`);
  return [k[0], k[1]];
}

/** The normalized float32 Gaussian weights of `kernelSize` taps (torchvision's _get_gaussian_kernel1d). */
export function gaussianKernel1d(kernelSize: number, sigma: number): Float32Array {
  const half = (kernelSize - 1) * 0.5;
  // torch.linspace(-half, half, kernelSize) has step 1 for odd sizes: the integers, exactly.
  // x / sigma divides by sigma rounded to float32 (a Python scalar meeting a float32 tensor).
  const s = f32(sigma);
  const pdf = Float32Array.from({ length: kernelSize }, (_, k) => {
    const t = f32((k - half) / s);
    return expf(f32(-0.5 * f32(t * t)));
  });
  const total = sumF32(pdf);
  return pdf.map((v) => f32(v / total));
}

/**
 * Blurs every channel with a Gaussian of `kernelSize` ([x, y]) taps and standard deviation
 * `sigma` ([x, y]; by default kernelSize * 0.15 + 0.35 per axis), reflecting at the
 * borders; torchvision's F.gaussian_blur.
 */
export function gaussianBlur<I extends Image>(img: I, kernelSize: KernelSize, sigma?: number | readonly [number] | readonly [number, number] | null): I {
  checkImage(img, 'gaussianBlur');
  const [kx, ky] = checkKernelSize(kernelSize, 'gaussianBlur');
  const sg = sigma === undefined || sigma === null ? [kx * 0.15 + 0.35, ky * 0.15 + 0.35] : typeof sigma === 'number' ? [sigma, sigma] : sigma.length === 1 ? [sigma[0], sigma[0]] : [sigma[0], sigma[1]];
  if (!sg.every((v) => typeof v === 'number' && v > 0)) throw new RangeError(`gaussianBlur: sigma must be positive, got ${JSON.stringify(sigma)}`);
  const { height: h, width: w } = img;
  const px = kx >> 1;
  const py = ky >> 1;
  if (px >= w || py >= h) throw new RangeError(`gaussianBlur: kernel ${kx} x ${ky} needs reflect padding (${px}, ${py}) smaller than the image (${h} x ${w})`);
  const wx = gaussianKernel1d(kx, sg[0]);
  const wy = gaussianKernel1d(ky, sg[1]);
  // torch.mm of a column and a row: each 2-D weight is one float32 product.
  const kernel = new Float64Array(kx * ky);
  for (let i = 0; i < ky; i++) for (let j = 0; j < kx; j++) kernel[i * kx + j] = f32(wy[i] * wx[j]);
  const padded = pad(img, [px, py], { paddingMode: 'reflect' });
  const pw = padded.width;
  const ph = padded.height;
  const d = padded.data;
  const n = img.channels * h * w;
  const bytes = isUint8(img);
  const out = bytes ? allocBytes(n) : allocFloats(n);
  // ConvParams::use_mkldnn in libtorch 1.13: oneDNN for grouped convolutions (more than one
  // channel), kernels larger than 3 on both axes, or inputs of more than 20480 values; else the
  // native path.
  const fused = img.channels > 1 || (kx > 3 && ky > 3) || ph * pw > 20480;
  let o = 0;
  for (let c = 0; c < img.channels; c++) {
    const base = c * ph * pw;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let acc = 0;
        for (let i = 0; i < ky; i++) {
          const row = base + (y + i) * pw + x;
          const k = i * kx;
          if (fused) for (let j = 0; j < kx; j++) acc = fmaf(kernel[k + j], d[row + j], acc);
          else for (let j = 0; j < kx; j++) acc = f32(acc + f32(kernel[k + j] * d[row + j]));
        }
        out[o++] = bytes ? roundHalfEven(acc) : acc;
      }
    }
  }
  return { data: out, channels: img.channels, height: h, width: w } as Image as I;
}
