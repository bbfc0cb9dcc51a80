// A small conv net for 28x28 grayscale images, written with nn.functional and bare parameter
// tensors: the stand-in for nn.Module layers until they land.
import { nn, torch } from '../../src/index.js';

type Tensor = torch.Tensor;
const F = nn.functional;

/** The net's learnable tensors and BatchNorm running statistics. */
export interface ConvNet {
  conv1Weight: Tensor;
  conv1Bias: Tensor;
  conv2Weight: Tensor;
  bnWeight: Tensor;
  bnBias: Tensor;
  bnRunningMean: Tensor;
  bnRunningVar: Tensor;
  fcWeight: Tensor;
  fcBias: Tensor;
}

// N(0, std^2) with std = sqrt(gain / fanIn): He et al. 2015 ("Kaiming") keeps activations' scale
// through ReLUs (gain 2); the last layer feeds softmax, not a ReLU, so gain 1 there.
function kaiming(shape: number[], gain: number): Tensor {
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return torch.randn(shape).mul_(Math.sqrt(gain / fanIn)).requiresGrad_(true);
}

/** conv 1->16 3x3, relu, maxpool 2, conv 16->32 3x3, BatchNorm, relu, maxpool 2, linear 1568->10, freshly initialized. */
export function createConvNet(): ConvNet {
  return {
    conv1Weight: kaiming([16, 1, 3, 3], 2),
    conv1Bias: torch.zeros([16], { requiresGrad: true }),
    // No bias: the BatchNorm right after it would subtract it again.
    conv2Weight: kaiming([32, 16, 3, 3], 2),
    bnWeight: torch.ones([32], { requiresGrad: true }),
    bnBias: torch.zeros([32], { requiresGrad: true }),
    bnRunningMean: torch.zeros([32]),
    bnRunningVar: torch.ones([32]),
    fcWeight: kaiming([10, 32 * 7 * 7], 1),
    fcBias: torch.zeros([10], { requiresGrad: true }),
  };
}

/** The tensors that training updates (all but the running statistics). */
export function parameters(net: ConvNet): Tensor[] {
  return [net.conv1Weight, net.conv1Bias, net.conv2Weight, net.bnWeight, net.bnBias, net.fcWeight, net.fcBias];
}

/**
 * Logits (N, 10) of normalized images (N, 1, 28, 28). `training` picks BatchNorm's batch statistics
 * (and updates the running ones) or the running statistics, as model.train() / model.eval() do.
 */
export function forward(net: ConvNet, x: Tensor, training: boolean): Tensor {
  let h = F.maxPool2d(F.relu(F.conv2d(x, net.conv1Weight, net.conv1Bias, { padding: 1 })), 2);
  h = F.conv2d(h, net.conv2Weight, null, { padding: 1 });
  h = F.batchNorm(h, net.bnRunningMean, net.bnRunningVar, { weight: net.bnWeight, bias: net.bnBias, training });
  h = F.maxPool2d(F.relu(h), 2);
  return F.linear(h.flatten(1), net.fcWeight, net.fcBias);
}
