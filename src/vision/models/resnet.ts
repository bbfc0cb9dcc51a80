// ResNets as torchvision 0.14 builds them (torchvision/models/resnet.py): same helpers, blocks,
// attribute names (hence state-dict keys), construction order and initialization, so that after the
// same manualSeed the weights are torchvision's, and torchvision checkpoints load without renaming.
import { BatchNorm2d } from '../../nn/batchnorm.js';
import { ReLU } from '../../nn/activation.js';
import { Conv2d } from '../../nn/conv.js';
import { convBatchNorm } from '../../nn/conv_batchnorm.js';
import { Identity } from '../../nn/flatten.js';
import { constant_, kaimingNormal_ } from '../../nn/init.js';
import { Linear } from '../../nn/linear.js';
import { type AnyModule, Module, isPlainLayer } from '../../nn/module.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../../nn/pooling.js';
import { Sequential } from '../../nn/container.js';
import type { Tensor } from '../../torch/tensor.js';
import { loadWeightsInto } from './weights.js';

/** 3x3 convolution with padding, no bias. */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation });
}

/** 1x1 convolution, no bias. */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false });
}

/** Arguments every block constructor takes (torchvision's positional block arguments). */
export interface BlockOptions {
  stride?: number;
  downsample?: AnyModule | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
}

/** A residual block class, with its channel expansion. */
export interface BlockType {
  new (inplanes: number, planes: number, options?: BlockOptions): Module;
  readonly expansion: number;
}

/**
 * The block's shortcut: x, or the projection. A two-layer Sequential (makeLayer's conv1x1 and
 * BatchNorm2d) runs through convBatchNorm, which calls the two layers as they are unless they are
 * exactly those; any other downsample module (or one with hooks) is called as it is.
 */
function shortcut(downsample: AnyModule | null, x: Tensor): Tensor {
  if (downsample === null) return x;
  if (isPlainLayer(downsample, Sequential) && downsample.length === 2) return convBatchNorm(downsample.at(0), downsample.at(1), null, x);
  return downsample.call(x) as Tensor;
}

/** Two 3x3 convolutions with a shortcut (ResNet-18/34). */
export class BasicBlock extends Module {
  static readonly expansion = 1;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  downsample: AnyModule | null;
  readonly stride: number;

  constructor(inplanes: number, planes: number, { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1 }: BlockOptions = {}) {
    super();
    if (groups !== 1 || baseWidth !== 64) throw new TypeError('BasicBlock only supports groups=1 and base_width=64');
    if (dilation > 1) throw new TypeError('Dilation > 1 not supported in BasicBlock');
    this.conv1 = conv3x3(inplanes, planes, stride);
    this.bn1 = new BatchNorm2d(planes);
    this.relu = new ReLU({ inplace: true });
    this.conv2 = conv3x3(planes, planes);
    this.bn2 = new BatchNorm2d(planes);
    this.downsample = downsample;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    // conv, bn and relu through convBatchNorm: the same values, fewer passes (one folded
    // convolution in eval mode, bn and relu as one kernel in training).
    let out = convBatchNorm(this.conv1, this.bn1, this.relu, x);
    out = convBatchNorm(this.conv2, this.bn2, null, out);
    const identity = shortcut(this.downsample, x);
    return this.relu.call(out.add_(identity));
  }
}

/** 1x1, 3x3, 1x1 convolutions with a shortcut and 4x expansion (ResNet-50 and deeper; stride on the 3x3, as torchvision's V1.5). */
export class Bottleneck extends Module {
  static readonly expansion = 4;
  conv1: Conv2d;
  bn1: BatchNorm2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  conv3: Conv2d;
  bn3: BatchNorm2d;
  relu: ReLU;
  downsample: AnyModule | null;
  readonly stride: number;

  constructor(inplanes: number, planes: number, { stride = 1, downsample = null, groups = 1, baseWidth = 64, dilation = 1 }: BlockOptions = {}) {
    super();
    const width = Math.trunc(planes * (baseWidth / 64.0)) * groups;
    this.conv1 = conv1x1(inplanes, width);
    this.bn1 = new BatchNorm2d(width);
    this.conv2 = conv3x3(width, width, stride, groups, dilation);
    this.bn2 = new BatchNorm2d(width);
    this.conv3 = conv1x1(width, planes * Bottleneck.expansion);
    this.bn3 = new BatchNorm2d(planes * Bottleneck.expansion);
    this.relu = new ReLU({ inplace: true });
    this.downsample = downsample;
    this.stride = stride;
  }

  override forward(x: Tensor): Tensor {
    let out = convBatchNorm(this.conv1, this.bn1, this.relu, x);
    out = convBatchNorm(this.conv2, this.bn2, this.relu, out);
    out = convBatchNorm(this.conv3, this.bn3, null, out);
    const identity = shortcut(this.downsample, x);
    return this.relu.call(out.add_(identity));
  }
}

/** Options of ResNet and the factories (torchvision's keywords in camelCase, plus inChannels and stem). */
export interface ResNetOptions {
  numClasses?: number;
  /** Start each residual branch's last BatchNorm at zero, so that every block starts as the identity. */
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  replaceStrideWithDilation?: [boolean, boolean, boolean];
  /** Image channels: 3 for RGB, 1 for (Fashion-)MNIST. */
  inChannels?: number;
  /**
   * 'imagenet': torchvision's 7x7 stride-2 convolution and 3x3 max-pool (for 224x224 inputs).
   * 'cifar': a 3x3 stride-1 convolution and no max-pool (Identity), the usual adaptation for 32x32
   * inputs; state-dict keys stay the same, only conv1.weight's shape changes.
   */
  stem?: 'imagenet' | 'cifar';
}

/** The ResNet body of torchvision: stem, four stages of blocks, global average pooling, fc. */
export class ResNet extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  maxpool: AnyModule;
  layer1: Sequential;
  layer2: Sequential;
  layer3: Sequential;
  layer4: Sequential;
  avgpool: AdaptiveAvgPool2d;
  /** The classifier head; replace it (e.g. by a Sequential) for transfer learning. */
  fc: AnyModule;
  // Construction state of makeLayer, as torchvision's self.inplanes / self.dilation.
  inplanes = 64;
  dilation = 1;
  readonly groups: number;
  readonly baseWidth: number;

  constructor(block: BlockType, layers: [number, number, number, number], {
    numClasses = 1000, zeroInitResidual = false, groups = 1, widthPerGroup = 64,
    replaceStrideWithDilation = [false, false, false], inChannels = 3, stem = 'imagenet',
  }: ResNetOptions = {}) {
    super();
    if (replaceStrideWithDilation.length !== 3) {
      throw new TypeError(`replace_stride_with_dilation should be null or a 3-element tuple, got ${JSON.stringify(replaceStrideWithDilation)}`);
    }
    if (stem !== 'imagenet' && stem !== 'cifar') throw new TypeError(`ResNet: stem must be 'imagenet' or 'cifar', got ${JSON.stringify(stem)}`);
    this.groups = groups;
    this.baseWidth = widthPerGroup;
    this.conv1 = stem === 'cifar'
      ? new Conv2d(inChannels, this.inplanes, 3, { stride: 1, padding: 1, bias: false })
      : new Conv2d(inChannels, this.inplanes, 7, { stride: 2, padding: 3, bias: false });
    this.bn1 = new BatchNorm2d(this.inplanes);
    this.relu = new ReLU({ inplace: true });
    this.maxpool = stem === 'cifar' ? new Identity() : new MaxPool2d(3, { stride: 2, padding: 1 });
    this.layer1 = this.makeLayer(block, 64, layers[0]);
    this.layer2 = this.makeLayer(block, 128, layers[1], 2, replaceStrideWithDilation[0]);
    this.layer3 = this.makeLayer(block, 256, layers[2], 2, replaceStrideWithDilation[1]);
    this.layer4 = this.makeLayer(block, 512, layers[3], 2, replaceStrideWithDilation[2]);
    this.avgpool = new AdaptiveAvgPool2d([1, 1]);
    this.fc = new Linear(512 * block.expansion, numClasses);

    // torchvision re-initializes every convolution and BatchNorm in module order (the fc keeps
    // Linear's default); the draws above still happened, so the generator advances identically.
    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) {
        if (m.weight) constant_(m.weight, 1);
        if (m.bias) constant_(m.bias, 0);
      }
    }
    if (zeroInitResidual) {
      for (const m of this.modules()) {
        if (m instanceof Bottleneck && m.bn3.weight) constant_(m.bn3.weight, 0);
        else if (m instanceof BasicBlock && m.bn2.weight) constant_(m.bn2.weight, 0);
      }
    }
  }

  /** One stage: `blocks` blocks of `planes`, the first with `stride` and a projection shortcut when shapes change. */
  makeLayer(block: BlockType, planes: number, blocks: number, stride = 1, dilate = false): Sequential {
    let downsample: AnyModule | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    // Built before the block, as in torchvision: its initialization draws come first.
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new Sequential(conv1x1(this.inplanes, planes * block.expansion, stride), new BatchNorm2d(planes * block.expansion));
    }
    const layers: Module[] = [
      new block(this.inplanes, planes, { stride, downsample, groups: this.groups, baseWidth: this.baseWidth, dilation: previousDilation }),
    ];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) {
      layers.push(new block(this.inplanes, planes, { groups: this.groups, baseWidth: this.baseWidth, dilation: this.dilation }));
    }
    return new Sequential(...layers);
  }

  /** The pooled 512 (or 2048) features before fc: the penultimate layer. */
  features(x: Tensor): Tensor {
    x = this.maxpool.call(convBatchNorm(this.conv1, this.bn1, this.relu, x)) as Tensor;
    x = this.layer4.call(this.layer3.call(this.layer2.call(this.layer1.call(x))));
    return this.avgpool.call(x).flatten(1);
  }

  override forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x)) as Tensor;
  }
}

/** Options of the resnet18 / resnet34 / resnet50 factories. */
export interface ResNetFactoryOptions extends ResNetOptions {
  /**
   * Pretrained weights: a torchvision name ('IMAGENET1K_V1', 'DEFAULT') found in torchvision's cache
   * folder, or a path to a .pth / safetensors file. They imply 1000 classes, 3 channels, the ImageNet stem.
   */
  weights?: string | null;
}

function resnet(arch: string, block: BlockType, layers: [number, number, number, number], { weights = null, ...options }: ResNetFactoryOptions): ResNet {
  if (weights !== null) {
    // As torchvision: pretrained weights fix the head; replace fc afterwards (see transferResnet).
    if (options.numClasses !== undefined && options.numClasses !== 1000) {
      throw new TypeError(`${arch}: the parameter 'numClasses' expected value 1000 with pretrained weights but got ${options.numClasses}; replace model.fc afterwards (transferResnet does)`);
    }
    if ((options.stem ?? 'imagenet') !== 'imagenet' || (options.inChannels ?? 3) !== 3) {
      throw new TypeError(`${arch}: pretrained weights need the ImageNet stem and 3 input channels`);
    }
  }
  const model = new ResNet(block, layers, options);
  if (weights !== null) {
    try {
      loadWeightsInto(model, arch, weights);
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  return model;
}

/** ResNet-18 (BasicBlock, [2, 2, 2, 2]), torchvision's resnet18: 11,689,512 parameters with 1000 classes. */
export function resnet18(options: ResNetFactoryOptions = {}): ResNet {
  return resnet('resnet18', BasicBlock, [2, 2, 2, 2], options);
}

/** ResNet-34 (BasicBlock, [3, 4, 6, 3]), torchvision's resnet34. */
export function resnet34(options: ResNetFactoryOptions = {}): ResNet {
  return resnet('resnet34', BasicBlock, [3, 4, 6, 3], options);
}

/** ResNet-50 (Bottleneck, [3, 4, 6, 3]), torchvision's resnet50. */
export function resnet50(options: ResNetFactoryOptions = {}): ResNet {
  return resnet('resnet50', Bottleneck, [3, 4, 6, 3], options);
}
