// smoothlab/nn utils: gradient clipping and flat parameter vectors, as torch.nn.utils.
export { clipGradNorm_, clipGradValue_, type ClipGradNormOptions } from './clip_grad.js';
export { parametersToVector, vectorToParameters } from './convert_parameters.js';
