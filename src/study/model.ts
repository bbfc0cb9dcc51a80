// The study's model: torchvision's ResNets (ImageNet or CIFAR stem) or the course's BuildModel(128),
// optionally started from saved weights with everything but the head frozen (the notebook's
// transfer variant: pretrained ResNet-18, a new 10-class fc).
import { Linear } from '../nn/linear.js';
import { tidy } from '../torch/memory.js';
import { load } from '../torch/serialization.js';
import type { Tensor } from '../torch/tensor.js';
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

// The state-dict keys of the head (the fc layer) of `model`.
function headKeys(model: FeatureModel): Set<string> {
  const head = new Set(model.fc.parameters());
  return new Set(model.namedParameters().filter(([, p]) => head.has(p)).map(([k]) => k));
}

/**
 * Loads `file` (.pth or .safetensors state dict) into `model`: every key must be there with its
 * shape, except the head's, which is kept freshly initialized when its shape differs (another
 * number of classes); keys the model lacks are refused. Returns the head keys that were replaced.
 */
export function loadPretrained(model: FeatureModel, file: string): string[] {
  const saved = load(file);
  try {
    const head = headKeys(model);
    const replaced: string[] = [];
    const problems: string[] = [];
    const use: Record<string, Tensor> = {};
    tidy(() => {
      const own = model.stateDict();
      for (const [key, t] of Object.entries(own)) {
        const s = saved[key];
        if (s === undefined) {
          if (head.has(key)) replaced.push(key);
          else problems.push(`${key} is missing`);
        } else if (s.shape.join() !== t.shape.join()) {
          if (head.has(key)) replaced.push(key);
          else problems.push(`${key} has shape [${s.shape}], the model [${t.shape}]`);
        } else use[key] = s;
      }
      for (const key of Object.keys(saved)) if (!(key in own)) problems.push(`${key} is not in the model`);
    });
    if (problems.length > 0) {
      const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
      throw new Error(`pretrained ${file} does not fit the ${model.constructor.name}: ${problems.slice(0, 5).join('; ')}${more}`);
    }
    model.loadStateDict(use, { strict: false });
    return replaced;
  } finally {
    for (const t of Object.values(saved)) t.dispose();
  }
}

/** Turns off gradients of every parameter but the head's; returns the parameters left to train. */
export function freezeBackbone(model: FeatureModel): Tensor[] {
  const head = new Set(model.fc.parameters());
  for (const p of model.parameters()) if (!head.has(p)) p.requiresGrad_(false);
  return model.parameters().filter((p) => p.requiresGrad);
}

/**
 * A freshly initialized model for `config` (draws from the default generator: seed first), started
 * from config.pretrained when given, its weights stored channels-last when the config asks (oneDNN's
 * NHWC convolutions: faster on 3x32x32 CIFAR images here, not on 1x28x28 Fashion-MNIST; see
 * bench/pipeline.ts). Freezing is the caller's (a clone keeps requiresGrad; see freezeBackbone).
 */
export function buildModel(config: StudyConfig, numClasses: number, inChannels: number): FeatureModel {
  const model = create(config, numClasses, inChannels);
  try {
    if (config.pretrained !== undefined) loadPretrained(model, config.pretrained);
  } catch (error) {
    model.dispose();
    throw error;
  }
  if (!(model.fc instanceof Linear)) throw new TypeError(`buildModel: ${config.model}'s head must be a Linear layer`);
  return config.memoryFormat === 'channels-last' ? model.toChannelsLast() : model;
}
