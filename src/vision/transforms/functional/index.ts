// smoothlab.vision.transforms.functional: stateless image kernels with torchvision 0.14's semantics.
export { rgbToGrayscale, blend, adjustBrightness, adjustSaturation, adjustContrast, adjustSharpness } from './color.js';
export { invert, posterize, solarize, autocontrast, equalize } from './tone.js';
export { hflip, vflip, crop, pad, parsePadding, type PaddingMode } from './geometry.js';
export { affine, rotate, getInverseAffineMatrix, degrees, radians, type AffineOptions, type RotateOptions, type Interpolation, type Fill } from './affine.js';
export { toImage, toHWC, toDtype, normalize, scaleNormalize, denormalize, erase } from './convert.js';
export { f32, roundHalfEven } from './numeric.js';
