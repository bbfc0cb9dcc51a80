// smoothlab/vision/models: torchvision-compatible ResNets, the course's residual net, transfer learning.
export {
  ResNet, BasicBlock, Bottleneck, conv1x1, conv3x3, resnet18, resnet34, resnet50,
  type BlockType, type BlockOptions, type ResNetOptions, type ResNetFactoryOptions,
} from './resnet.js';
export { CourseNet, ResidualBlock, courseNet, type CourseNetOptions } from './course_net.js';
export { transferResnet, type TransferOptions } from './transfer.js';
export { TORCHVISION_WEIGHT_FILES, torchHubCheckpointDir, resolveWeights, loadWeightsInto } from './weights.js';
