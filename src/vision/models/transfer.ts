// The notebook's transfer-learning variant: an ImageNet-pretrained ResNet whose classifier is
// replaced by a small MLP head, Linear(features, 128) -> ReLU -> Linear(128, classes).
import { ReLU } from '../../nn/activation.js';
import { Sequential } from '../../nn/container.js';
import { Linear } from '../../nn/linear.js';
import { type ResNet, resnet18, resnet34, resnet50 } from './resnet.js';

/** Options of transferResnet. */
export interface TransferOptions {
  arch?: 'resnet18' | 'resnet34' | 'resnet50';
  /** torchvision weights name (found in torchvision's cache folder) or a path to a .pth / safetensors file. */
  weights?: string;
  numClasses?: number;
  /** Width of the head's hidden layer. */
  hidden?: number;
  /** Train only the head (requiresGrad false on the pretrained backbone). */
  freezeBackbone?: boolean;
}

/**
 * A pretrained ResNet with `fc` replaced by Sequential(Linear(512, hidden), ReLU, Linear(hidden,
 * numClasses)) (state-dict keys fc.0.* and fc.2.*), built in the order the notebook's Python does,
 * so the same seed gives the same head.
 */
export function transferResnet({ arch = 'resnet18', weights = 'IMAGENET1K_V1', numClasses = 10, hidden = 128, freezeBackbone = false }: TransferOptions = {}): ResNet {
  const factories = { resnet18, resnet34, resnet50 };
  const factory = factories[arch];
  if (factory === undefined) throw new TypeError(`transferResnet: unknown arch ${JSON.stringify(arch)}; expected resnet18, resnet34 or resnet50`);
  const model = factory({ weights });
  if (freezeBackbone) model.requiresGrad_(false);
  const inFeatures = (model.fc as Linear).inFeatures;
  model.fc.dispose();
  model.fc = new Sequential(new Linear(inFeatures, hidden), new ReLU(), new Linear(hidden, numClasses));
  return model;
}
