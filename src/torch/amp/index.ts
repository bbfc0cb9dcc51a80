// torch.amp: mixed precision (autocast regions and loss scaling).
export { autocast, isAutocastEnabled, getAutocastDtype, type AutocastOptions, type AutocastDeviceType } from './autocast_mode.js';
export { GradScaler, type GradScalerOptions, type GradScalerStateDict, type ScalableOptimizer } from './grad_scaler.js';
