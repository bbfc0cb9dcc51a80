// smoothlab.vision.transforms: torchvision-style image transforms. Kernels live in `functional`;
// the classes here draw their randomness from one seeded Generator (see manualSeed).
export * as functional from './functional/index.js';
export { type Image, type HWCImage, type ImageDType, type ImageData, checkImage, imageDType } from './image.js';
export { type Transform, type TransformSpec, Compose, Lambda, transformFromSpec, defaultGenerator, manualSeed } from './transform.js';
export { ToImage, ToDtype, Normalize, type ToDtypeOptions } from './convert.js';
export { RandomHorizontalFlip, RandomVerticalFlip, RandomCrop, type RandomCropOptions } from './flip_crop.js';
export { Resize, RandomResizedCrop, type RandomResizedCropOptions } from './resize.js';
export { CenterCrop, Pad, type PadOptions } from './pad_crop.js';
export { ColorJitter, type ColorJitterOptions, type JitterArg } from './color_jitter.js';
export { GaussianBlur, type GaussianBlurOptions } from './blur.js';
export { type SizeArg } from './args.js';
export { RandomErasing, type RandomErasingOptions } from './erasing.js';
export { AutoAugment, RandAugment, TrivialAugmentWide, type AutoAugmentOptions, type RandAugmentOptions, type TrivialAugmentWideOptions, type AugmentSamplingOptions } from './auto_augment.js';
export { AutoAugmentPolicy, POLICIES, type AutoAugmentPolicyName, type SubPolicy, type PolicyStep } from './auto_augment_policies.js';
export { applyOp, autoAugmentSpace, randAugmentSpace, trivialAugmentSpace, linspaceF32, type AugmentOp, type OpMagnitudes } from './auto_augment_ops.js';
export { denormalize } from './functional/convert.js';
export { Generator } from '../../data/generator.js';
