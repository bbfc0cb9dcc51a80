// The study's model: torchvision's ResNets (ImageNet or CIFAR stem) or the course's residual net.
import { courseNet } from '../vision/models/course_net.js';
import { resnet18, resnet34 } from '../vision/models/resnet.js';
import type { StudyConfig } from './config.js';
import type { FeatureModel } from './evaluate_run.js';

function create(config: StudyConfig, numClasses: number, inChannels: number): FeatureModel {
  switch (config.model) {
    case 'resnet18':
      return resnet18({ numClasses, inChannels, stem: config.stem });
    case 'resnet34':
      return resnet34({ numClasses, inChannels, stem: config.stem });
    case 'coursenet':
      return courseNet({ numClasses, inChannels });
  }
}

/**
 * A freshly initialized model for `config` (draws from the default generator: seed first), its
 * weights stored channels-last when the config asks (oneDNN's NHWC convolutions: faster on
 * 3x32x32 CIFAR images here, not on 1x28x28 Fashion-MNIST; see bench/pipeline.ts).
 */
export function buildModel(config: StudyConfig, numClasses: number, inChannels: number): FeatureModel {
  const model = create(config, numClasses, inChannels);
  return config.memoryFormat === 'channels-last' ? model.toChannelsLast() : model;
}
