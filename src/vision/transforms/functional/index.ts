// smoothlab.vision.transforms.functional: stateless image kernels with torchvision 0.14's semantics.
export { rgbToGrayscale, blend, adjustBrightness, adjustSaturation, adjustContrast, adjustSharpness } from './color.js';
export { invert, posterize, solarize, autocontrast, equalize } from './tone.js';
export { hflip, vflip, crop, centerCrop, pad, parsePadding, type PaddingMode } from './geometry.js';
export { resize, resizedCrop, resizedOutputSize, type ResizeOptions, type ResizeSize } from './resize.js';
export { interpolate, nearestIndices, linearAxis, type LinearAxis, type ResizeInterpolation } from './interpolate.js';
export { adjustHue, rgbToHsvPixel, hsvToRgbPixel } from './hsv.js';
export { gaussianBlur, gaussianKernel1d, type KernelSize } from './blur.js';
export { affine, rotate, getInverseAffineMatrix, degrees, radians, type AffineOptions, type RotateOptions, type Interpolation, type Fill } from './affine.js';
export { toImage, toHWC, toDtype, normalize, scaleNormalize, denormalize, erase } from './convert.js';
export { f32, roundHalfEven, fmaf, expf, sumF32 } from './numeric.js';
