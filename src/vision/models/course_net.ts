// The course notebook's own residual network, its commented-out BuildModel(128), exactly: an
// nn.Sequential of conv-BN-ReLU-Dropout2d, conv-BN-ReLU-MaxPool-Dropout2d, five of the course's
// ResidualBlocks each followed by Dropout2d, global average pooling, Flatten and a linear head,
// with the course's InitWeightsKaiNorm (kaiming_normal_ with PyTorch's defaults on every conv and
// linear weight, biases untouched). Being a Sequential, its state-dict keys are the notebook's
// ('9.oConv2D1.weight', '21.bias'), so its saved weights load as they are.
// scripts/goldens/nn.py holds the same network in PyTorch; the tests compare the two.
import { ReLU } from '../../nn/activation.js';
import { BatchNorm2d } from '../../nn/batchnorm.js';
import { Sequential } from '../../nn/container.js';
import { Conv2d } from '../../nn/conv.js';
import { Dropout2d } from '../../nn/dropout.js';
import { Flatten } from '../../nn/flatten.js';
import { kaimingNormal_ } from '../../nn/init.js';
import { Linear } from '../../nn/linear.js';
import { Module } from '../../nn/module.js';
import { AdaptiveAvgPool2d, MaxPool2d } from '../../nn/pooling.js';
import type { Tensor } from '../../torch/tensor.js';

/** The course's ResidualBlock(numChnl): conv-BN-ReLU, conv-BN, plus the input, then ReLU. */
export class ResidualBlock extends Module {
  oConv2D1: Conv2d;
  oBatchNorm1: BatchNorm2d;
  oReLU1: ReLU;
  oConv2D2: Conv2d;
  oBatchNorm2: BatchNorm2d;
  oReLU2: ReLU;

  constructor(numChannels: number) {
    super();
    this.oConv2D1 = new Conv2d(numChannels, numChannels, 3, { padding: 1, bias: false });
    this.oBatchNorm1 = new BatchNorm2d(numChannels);
    this.oReLU1 = new ReLU({ inplace: true });
    this.oConv2D2 = new Conv2d(numChannels, numChannels, 3, { padding: 1, bias: false });
    this.oBatchNorm2 = new BatchNorm2d(numChannels);
    this.oReLU2 = new ReLU({ inplace: true });
  }

  override forward(x: Tensor): Tensor {
    let y = this.oReLU1.call(this.oBatchNorm1.call(this.oConv2D1.call(x)));
    y = this.oBatchNorm2.call(this.oConv2D2.call(y));
    return this.oReLU2.call(y.add_(x));
  }
}

/** Options of courseNet. */
export interface CourseNetOptions {
  /** BuildModel's numChnl: the width of every layer (128 in the notebook). */
  channels?: number;
  numClasses?: number;
  inChannels?: number;
  /** Dropout2d probability after each stage (0.2 in the notebook). */
  dropout?: number;
}

/** BuildModel(numChnl) of the course notebook: 22 children, the head last. */
export class CourseNet extends Sequential {
  constructor({ channels = 128, numClasses = 10, inChannels = 3, dropout = 0.2 }: CourseNetOptions = {}) {
    const c = channels;
    super(
      new Conv2d(inChannels, c, 3, { padding: 1, bias: false }), new BatchNorm2d(c), new ReLU({ inplace: true }), new Dropout2d(dropout),
      new Conv2d(c, c, 3, { padding: 1, bias: false }), new BatchNorm2d(c), new ReLU({ inplace: true }), new MaxPool2d(2), new Dropout2d(dropout),
      ...Array.from({ length: 5 }, () => [new ResidualBlock(c), new Dropout2d(dropout)]).flat(),
      new AdaptiveAvgPool2d(1), new Flatten(), new Linear(c, numClasses),
    );
    // InitWeightsKaiNorm through Module.apply: children before parents, in registration order.
    this.apply((m) => {
      if (m instanceof Conv2d || m instanceof Linear) kaimingNormal_(m.weight);
    });
  }

  /** The linear head (child 21), whose rows are the class templates. */
  get fc(): Linear {
    return this.at(-1) as Linear;
  }

  /** The pooled features before the head (the penultimate layer). */
  features(x: Tensor): Tensor {
    const layers = this.children();
    return layers.slice(0, -1).reduce((h, layer) => layer.call(h) as Tensor, x);
  }

  override forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x));
  }
}

/** The course's BuildModel(128) network (see CourseNet). */
export function courseNet(options: CourseNetOptions = {}): CourseNet {
  return new CourseNet(options);
}
