// A residual network whose blocks call one ReLU module twice, for summary()'s shared-module rows
// (torchinfo prints such a module once per call). scripts/goldens/nn.py's shared_relu_net() is its
// PyTorch twin, whose torchinfo table is test/fixtures/nn_summary.json's shared_relu_net_all_columns;
// the classes keep the names that table prints (CourseNet, ResidualBlock).
import { ReLU } from '../../src/nn/activation.js';
import { BatchNorm2d } from '../../src/nn/batchnorm.js';
import { Sequential } from '../../src/nn/container.js';
import { Conv2d } from '../../src/nn/conv.js';
import { Dropout2d } from '../../src/nn/dropout.js';
import { constant_, kaimingNormal_ } from '../../src/nn/init.js';
import { Linear } from '../../src/nn/linear.js';
import { Module } from '../../src/nn/module.js';
import { AdaptiveAvgPool2d } from '../../src/nn/pooling.js';
import type { Tensor } from '../../src/torch/tensor.js';

/** conv-bn-relu-dropout-conv-bn plus a shortcut, then the same ReLU again. */
export class ResidualBlock extends Module {
  conv1: Conv2d;
  bn1: BatchNorm2d;
  relu: ReLU;
  dropout: Dropout2d;
  conv2: Conv2d;
  bn2: BatchNorm2d;
  /** Empty (the identity) unless the stride or channel count changes. */
  shortcut: Sequential;

  constructor(inChannels: number, outChannels: number, { stride = 1, dropout = 0.2 } = {}) {
    super();
    this.conv1 = new Conv2d(inChannels, outChannels, 3, { stride, padding: 1, bias: false });
    this.bn1 = new BatchNorm2d(outChannels);
    this.relu = new ReLU({ inplace: true });
    this.dropout = new Dropout2d(dropout);
    this.conv2 = new Conv2d(outChannels, outChannels, 3, { padding: 1, bias: false });
    this.bn2 = new BatchNorm2d(outChannels);
    this.shortcut = stride !== 1 || inChannels !== outChannels
      ? new Sequential(new Conv2d(inChannels, outChannels, 1, { stride, bias: false }), new BatchNorm2d(outChannels))
      : new Sequential();
  }

  override forward(x: Tensor): Tensor {
    let out = this.dropout.call(this.relu.call(this.bn1.call(this.conv1.call(x))));
    out = this.bn2.call(this.conv2.call(out));
    return this.relu.call(out.add_(this.shortcut.call(x)));
  }
}

/** Options of SharedReluNet. */
export interface CourseNetOptions {
  numClasses?: number;
  inChannels?: number;
  /** Channel-dropout probability inside each block. */
  dropout?: number;
}

/** stem(32) -> blocks 32, 64/2, 64, 128/2, 128 -> pool -> fc. */
export class CourseNet extends Module {
  stem: Sequential;
  blocks: Sequential;
  pool: AdaptiveAvgPool2d;
  fc: Linear;

  constructor({ numClasses = 10, inChannels = 3, dropout = 0.2 }: CourseNetOptions = {}) {
    super();
    this.stem = new Sequential(new Conv2d(inChannels, 32, 3, { padding: 1, bias: false }), new BatchNorm2d(32), new ReLU({ inplace: true }));
    this.blocks = new Sequential(
      new ResidualBlock(32, 32, { dropout }),
      new ResidualBlock(32, 64, { stride: 2, dropout }),
      new ResidualBlock(64, 64, { dropout }),
      new ResidualBlock(64, 128, { stride: 2, dropout }),
      new ResidualBlock(128, 128, { dropout }),
    );
    this.pool = new AdaptiveAvgPool2d(1);
    this.fc = new Linear(128, numClasses);
    for (const m of this.modules()) {
      if (m instanceof Conv2d) kaimingNormal_(m.weight, { mode: 'fan_out', nonlinearity: 'relu' });
      else if (m instanceof BatchNorm2d) {
        if (m.weight) constant_(m.weight, 1);
        if (m.bias) constant_(m.bias, 0);
      }
    }
  }

  /** The pooled 128 features before fc (the penultimate layer). */
  features(x: Tensor): Tensor {
    return this.pool.call(this.blocks.call(this.stem.call(x))).flatten(1);
  }

  override forward(x: Tensor): Tensor {
    return this.fc.call(this.features(x));
  }
}
