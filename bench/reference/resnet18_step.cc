// The C++ reference step: smoothlab's ResNet-18 training step (torchvision's layout, batch of
// 3x32x32 images, cross-entropy with label smoothing 0.1, BatchNorm+ReLU and AdamW with the fused
// kernels smoothlab uses, gradients set to none) through ATen and libtorch's autograd with no JS in
// between: the floor that smoothlab's binding overhead is measured against (bench/reference.ts).
// Protocol, as bench/engine.py's: argv[1] is the batch size; a ready line, then each request line
// {"case": "resnet18Step", "iters": N} is answered with {"seconds": S}.
#include <ATen/Parallel.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "../../native/fused/batch_norm_training.h"
#include "../../native/fused/kernels.h"
#include "../../native/runtime/cpu_heap.h"

namespace {

std::vector<at::Tensor> params;

at::Tensor param(at::IntArrayRef shape, double stddev, double fill = 0) {
  at::Tensor t = stddev > 0 ? at::randn(shape).mul_(stddev) : at::full(shape, fill);
  params.push_back(t.requires_grad_(true));
  return t;
}

struct BatchNorm {
  at::Tensor weight, bias, runningMean, runningVar;
  explicit BatchNorm(int64_t c) : weight(param({c}, 0, 1)), bias(param({c}, 0, 0)), runningMean(at::zeros({c})), runningVar(at::ones({c})) {}
  // Training mode, then ReLU when `relu`: smoothlab's fused kernel, or ATen's where it does not apply.
  at::Tensor operator()(const at::Tensor& x, bool relu = false) const {
    at::Tensor out = smoothlab::fused::batchNormTraining(x, weight, bias, runningMean, runningVar, 0.1, 1e-5, relu);
    if (out.defined()) return out;
    out = at::batch_norm(x, weight, bias, runningMean, runningVar, true, 0.1, 1e-5, true);
    return relu ? out.relu_() : out;
  }
};

// kaiming_normal_(mode='fan_out', nonlinearity='relu'), as torchvision initializes convolutions.
at::Tensor convWeight(int64_t out, int64_t in, int64_t k) {
  return param({out, in, k, k}, std::sqrt(2.0 / static_cast<double>(out * k * k)));
}

struct Block {
  at::Tensor conv1, conv2, downConv;
  BatchNorm bn1, bn2, downBn;
  int64_t stride;
  Block(int64_t in, int64_t planes, int64_t s)
      : conv1(convWeight(planes, in, 3)), conv2(convWeight(planes, planes, 3)),
        downConv(s != 1 || in != planes ? convWeight(planes, in, 1) : at::Tensor()), bn1(planes), bn2(planes),
        downBn(downConv.defined() ? planes : 1), stride(s) {}
  at::Tensor operator()(const at::Tensor& x) const {
    at::Tensor out = bn1(at::conv2d(x, conv1, {}, stride, 1), true);
    out = bn2(at::conv2d(out, conv2, {}, 1, 1));
    const at::Tensor identity = downConv.defined() ? downBn(at::conv2d(x, downConv, {}, stride)) : x;
    return out.add_(identity).relu_();
  }
};

struct ResNet18 {
  at::Tensor conv1 = convWeight(64, 3, 7);
  BatchNorm bn1{64};
  std::vector<Block> blocks;
  at::Tensor fcWeight, fcBias;
  ResNet18() {
    int64_t in = 64;
    for (int64_t planes : {64, 128, 256, 512}) {
      blocks.emplace_back(in, planes, planes == 64 ? 1 : 2);
      blocks.emplace_back(planes, planes, 1);
      in = planes;
    }
    fcWeight = param({10, 512}, 1.0 / std::sqrt(512.0));
    fcBias = param({10}, 1.0 / std::sqrt(512.0));
  }
  at::Tensor operator()(const at::Tensor& x) const {
    at::Tensor y = at::max_pool2d(bn1(at::conv2d(x, conv1, {}, 2, 3), true), 3, 2, 1);
    for (const Block& b : blocks) y = b(y);
    return at::linear(at::flatten(at::adaptive_avg_pool2d(y, {1, 1}), 1), fcWeight, fcBias);
  }
};

// AdamW(lr 1e-3, betas (0.9, 0.99), weight decay 1e-2) with smoothlab's fused kernel and its scalars.
struct AdamW {
  double lr = 1e-3, beta1 = 0.9, beta2 = 0.99, eps = 1e-8, weightDecay = 1e-2;
  std::vector<at::Tensor> expAvg, expAvgSq;
  int64_t step = 0;
  void update() {
    at::NoGradGuard noGrad;
    if (expAvg.empty()) {
      for (const at::Tensor& p : params) expAvg.push_back(at::zeros_like(p)), expAvgSq.push_back(at::zeros_like(p));
    }
    step += 1;
    const double stepSize = lr / (1 - std::pow(beta1, static_cast<double>(step)));
    const smoothlab::fused::AdamScalars s{
        static_cast<float>(1 - lr * weightDecay), static_cast<float>(beta1), static_cast<float>(1 - beta1), static_cast<float>(beta2),
        static_cast<float>(1 - beta2), static_cast<float>(weightDecay), static_cast<float>(std::sqrt(1 - std::pow(beta2, static_cast<double>(step)))),
        static_cast<float>(eps), static_cast<float>(-stepSize), true, false, false, false};
    for (size_t i = 0; i < params.size(); i++) {
      const at::Tensor& g = params[i].grad();
      if (!g.defined()) continue;
      float* p = params[i].data_ptr<float>();
      const float* gp = g.data_ptr<float>();
      float* m = expAvg[i].data_ptr<float>();
      float* v = expAvgSq[i].data_ptr<float>();
      at::parallel_for(0, params[i].numel(), smoothlab::fused::kGrain, [&](int64_t b, int64_t e) { smoothlab::fused::adamRange(p, gp, m, v, nullptr, s, b, e); });
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  // The addon's heap policy, so that the two sides differ only in the binding.
  const bool heapKept = smoothlab::keepFreedMemoryInHeap();
  const int64_t batch = argc > 1 ? std::stoll(argv[1]) : 256;
  const int threads = argc > 2 ? std::stoi(argv[2]) : 2;
  at::set_num_threads(threads);
  at::manual_seed(0);
  if (!smoothlab::fused::hasAvx2Fma()) {
    std::fprintf(stderr, "resnet18_step: this CPU lacks AVX2/FMA, which the fused AdamW kernel needs\n");
    return 1;
  }
  ResNet18 model;
  AdamW optimizer;
  const at::Tensor x = at::randn({batch, 3, 32, 32});
  const at::Tensor y = at::randint(0, 10, {batch});
  auto trainStep = [&] {
    for (at::Tensor& p : params) p.mutable_grad().reset();  // zero_grad(set_to_none=True)
    at::cross_entropy_loss(model(x), y, {}, at::Reduction::Mean, -100, 0.1).backward();
    optimizer.update();
  };
  std::printf("{\"version\": \"%s\", \"threads\": %d, \"cpuHeapKept\": %s}\n", TORCH_VERSION, at::get_num_threads(), heapKept ? "true" : "false");
  std::fflush(stdout);
  for (std::string line; std::getline(std::cin, line);) {
    const size_t at = line.find("\"iters\"");
    const long iters = at == std::string::npos ? 0 : std::stol(line.substr(line.find(':', at) + 1));
    const auto start = std::chrono::steady_clock::now();
    for (long i = 0; i < iters; i++) trainStep();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("{\"seconds\": %.9f}\n", seconds);
    std::fflush(stdout);
  }
  return 0;
}
