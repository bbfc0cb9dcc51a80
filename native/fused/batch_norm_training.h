// The training-mode BatchNorm (+ReLU) operator around the kernels of batch_norm.h: which tensors it
// takes (float32 on the CPU, channels-last or contiguous, with AVX2+FMA), the per-channel sums split
// across threads, the running-statistics update and the autograd node. Shared by native/fused.cc
// (the addon's batchNormTraining) and the C++ reference step (bench/reference/), so that both run
// the same kernels.
#pragma once

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <type_traits>
#include <vector>

#include "batch_norm.h"
#include "kernels.h"

namespace smoothlab::fused {

// Elements per parallel task of a BatchNorm pass.
constexpr int64_t kBatchNormGrain = 1 << 15;

inline bool denseVector(const at::Tensor& t, int64_t size) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 1 && t.size(0) == size && t.is_contiguous();
}

// Beyond this many columns an NCHW tensor's per-thread sums (two doubles per column) outgrow the
// cache, and ATen's per-channel path is the better one (ResNet-18 on 32x32 images peaks at 16,384).
constexpr int64_t kMaxColumns = 1 << 16;

// A 4-D float32 CPU tensor as the kernels' [rows, columns] matrix (fused/batch_norm.h): channels-last
// is [N*H*W, C], one column per channel; contiguous NCHW is [N, C*H*W], `plane` (H*W) columns per
// channel. An NCHW [N, C, 1, 1] is both, with plane 1.
struct Layout {
  int64_t channels, rows, columns, plane;
  at::MemoryFormat format;
};

inline std::optional<Layout> layoutOf(const at::Tensor& input) {
  if (!input.defined() || !input.device().is_cpu() || input.scalar_type() != at::kFloat || input.layout() != at::kStrided ||
      input.dim() != 4 || input.is_neg() || input.is_conj()) {
    return std::nullopt;
  }
  const int64_t n = input.size(0), channels = input.size(1), plane = input.size(2) * input.size(3);
  if (channels == 0) return std::nullopt;
  const at::MemoryFormat format = input.suggest_memory_format();
  if (format == at::MemoryFormat::ChannelsLast && input.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return Layout{channels, n * plane, channels, 1, format};
  }
  if (format == at::MemoryFormat::Contiguous && input.is_contiguous() && channels * plane <= kMaxColumns) {
    return Layout{channels, n, channels * plane, plane, format};
  }
  return std::nullopt;
}

inline std::optional<Layout> batchNormLayout(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                      const at::Tensor& runningMean, const at::Tensor& runningVar) {
  if (!hasAvx2Fma()) return std::nullopt;
  const std::optional<Layout> layout = layoutOf(input);
  if (!layout) return std::nullopt;
  const int64_t channels = layout->channels;
  if (input.numel() / channels < 2) return std::nullopt;  // ATen's error for one value per channel
  if (!denseVector(weight, channels) || !denseVector(bias, channels)) return std::nullopt;
  if (runningMean.defined() != runningVar.defined()) return std::nullopt;
  if (runningMean.defined() && !(denseVector(runningMean, channels) && denseVector(runningVar, channels))) return std::nullopt;
  return layout;
}

// One entry per column from one per channel.
template <typename T>
std::vector<T> perColumn(const Layout& layout, const T* perChannel) {
  std::vector<T> out(static_cast<size_t>(layout.columns));
  for (int64_t c = 0; c < layout.channels; c++) std::fill_n(out.begin() + c * layout.plane, layout.plane, perChannel[c]);
  return out;
}

// Splits the rows of the matrix across threads.
template <typename Rows>
void forRows(const Layout& layout, const Rows& rows) {
  at::parallel_for(0, layout.rows, std::max<int64_t>(1, kBatchNormGrain / layout.columns), rows);
}

// Per-channel pairs of sums over the matrix: each thread adds its rows into its own pair of
// per-column vectors, which are then added in thread order and folded per channel, so a given
// thread count always gives the same sums.
template <typename AddRows>
std::vector<double> channelSums(const Layout& layout, const AddRows& addRows) {
  const int64_t threads = at::get_num_threads(), columns = layout.columns;
  std::vector<double> partial(static_cast<size_t>(2 * columns * threads), 0.0);
  forRows(layout, [&](int64_t begin, int64_t end) {
    double* mine = partial.data() + 2 * columns * at::get_thread_num();
    addRows(begin, end, mine, mine + columns);
  });
  std::vector<double> total(static_cast<size_t>(2 * layout.channels), 0.0);
  for (int64_t t = 0; t < threads; t++) {
    for (int64_t half = 0; half < 2; half++) {
      const double* sums = partial.data() + (2 * t + half) * columns;
      for (int64_t j = 0; j < columns; j++) total[half * layout.channels + j / layout.plane] += sums[j];
    }
  }
  return total;
}

// The per-column affine map of the normalization, y = x * scale + shift, from the batch mean and
// inverse standard deviation (ATen's alpha and beta).
struct Affine {
  std::vector<float> scale, shift;
};

inline Affine affineOf(const Layout& layout, const at::Tensor& stats, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t channels = layout.channels;
  const double* mean = stats.data_ptr<double>();
  const double* invstd = mean + channels;
  const float* w = weight.data_ptr<float>();
  const float* b = bias.data_ptr<float>();
  std::vector<float> scale(channels), shift(channels);
  for (int64_t c = 0; c < channels; c++) {
    scale[c] = static_cast<float>(invstd[c] * w[c]);
    shift[c] = static_cast<float>(b[c] - mean[c] * invstd[c] * w[c]);
  }
  return {perColumn(layout, scale.data()), perColumn(layout, shift.data())};
}

// Calls kernel(std::true_type) or kernel(std::false_type): each kernel is compiled with and without
// the ReLU, so the mask costs nothing when there is none.
template <typename Kernel>
void withRelu(bool relu, const Kernel& kernel) {
  if (relu) {
    kernel(std::true_type{});
  } else {
    kernel(std::false_type{});
  }
}

inline at::Tensor batchNormForward(const Layout& layout, const at::Tensor& input, const Affine& affine, bool relu) {
  at::Tensor out = at::empty_like(input, layout.format);
  const float* x = input.data_ptr<float>();
  float* y = out.data_ptr<float>();
  forRows(layout, [&](int64_t begin, int64_t end) {
    withRelu(relu, [&](auto r) { fused::batchNormApply<decltype(r)::value>(x, y, layout.columns, affine.scale.data(), affine.shift.data(), begin, end); });
  });
  return out;
}

// Autograd's node: the inputs are the BatchNorm's input, weight and bias; the batch statistics
// ([2, C] doubles: mean, then 1 / sqrt(var + eps)) come in computed and need no gradient, since the
// backward formula already carries the statistics' dependence on the input.
struct BatchNormReLU : public torch::autograd::Function<BatchNormReLU> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, const at::Tensor& stats, bool relu, double eps) {
    ctx->save_for_backward({input, weight, bias, stats});
    ctx->saved_data["relu"] = relu;
    ctx->saved_data["eps"] = eps;
    const Layout layout = *layoutOf(input);
    return batchNormForward(layout, input, affineOf(layout, stats, weight, bias), relu);
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &input = saved[0], &weight = saved[1], &bias = saved[2], &stats = saved[3];
    const bool relu = ctx->saved_data["relu"].toBool();
    if (!grads[0].defined()) return {at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
    if (at::GradMode::is_enabled()) return differentiableBackward(input, weight, bias, grads[0], relu, ctx->saved_data["eps"].toDouble());

    const Layout layout = *layoutOf(input);
    const int64_t channels = layout.channels, columns = layout.columns;
    const double count = static_cast<double>(input.numel() / channels);
    const at::Tensor dyTensor = grads[0].to(at::kFloat).contiguous(layout.format);
    const float* x = input.data_ptr<float>();
    const float* dy = dyTensor.data_ptr<float>();
    const double* mean = stats.data_ptr<double>();
    const double* invstd = mean + channels;
    const Affine affine = affineOf(layout, stats, weight, bias);
    const float *scale = affine.scale.data(), *shift = affine.shift.data();
    const std::vector<double> meanColumns = perColumn(layout, mean);
    const std::vector<double> sums = channelSums(layout, [&](int64_t begin, int64_t end, double* sumDy, double* sumDyXmu) {
      withRelu(relu, [&](auto r) {
        fused::batchNormGradSums<decltype(r)::value>(x, dy, columns, scale, shift, meanColumns.data(), begin, end, sumDy, sumDyXmu);
      });
    });
    const double* sumDy = sums.data();
    const double* sumDyXmu = sums.data() + channels;

    at::Tensor gradInput, gradWeight, gradBias;
    if (ctx->needs_input_grad(0)) {
      std::vector<float> meanF(channels), meanDy(channels), k(channels);
      for (int64_t c = 0; c < channels; c++) {
        meanF[c] = static_cast<float>(mean[c]);
        meanDy[c] = static_cast<float>(sumDy[c] / count);
        k[c] = static_cast<float>(sumDyXmu[c] * invstd[c] * invstd[c] / count);
      }
      const std::vector<float> meanCol = perColumn(layout, meanF.data()), meanDyCol = perColumn(layout, meanDy.data()),
                               kCol = perColumn(layout, k.data());
      gradInput = at::empty_like(input, layout.format);
      float* dx = gradInput.data_ptr<float>();
      forRows(layout, [&](int64_t begin, int64_t end) {
        withRelu(relu, [&](auto r) {
          fused::batchNormInputGrad<decltype(r)::value>(x, dy, dx, columns, scale, shift, meanCol.data(), meanDyCol.data(), kCol.data(),
                                                        begin, end);
        });
      });
    }
    if (ctx->needs_input_grad(1)) {
      gradWeight = at::empty({channels}, weight.options());
      float* gw = gradWeight.data_ptr<float>();
      for (int64_t c = 0; c < channels; c++) gw[c] = static_cast<float>(sumDyXmu[c] * invstd[c]);
    }
    if (ctx->needs_input_grad(2)) {
      gradBias = at::empty({channels}, bias.options());
      float* gb = gradBias.data_ptr<float>();
      for (int64_t c = 0; c < channels; c++) gb[c] = static_cast<float>(sumDy[c]);
    }
    return {gradInput, gradWeight, gradBias, at::Tensor(), at::Tensor(), at::Tensor()};
  }

  // Under create_graph the gradient must itself be differentiable: it is recomputed through ATen's
  // batch_norm and relu, whose backward autograd can differentiate again.
  static torch::autograd::variable_list differentiableBackward(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                                               const at::Tensor& grad, bool relu, double eps) {
    at::Tensor out = at::batch_norm(input, weight, bias, at::Tensor(), at::Tensor(), true, 0.0, eps, false);
    if (relu) out = at::relu(out);
    std::vector<at::Tensor> wrt;
    std::vector<int> slot;
    const at::Tensor* inputs[] = {&input, &weight, &bias};
    for (int i = 0; i < 3; i++) {
      if (inputs[i]->requires_grad()) {
        wrt.push_back(*inputs[i]);
        slot.push_back(i);
      }
    }
    torch::autograd::variable_list result(6);
    if (wrt.empty()) return result;
    const auto g = torch::autograd::grad({out}, wrt, {grad}, true, true, true);
    for (size_t j = 0; j < slot.size(); j++) result[slot[j]] = g[j];
    return result;
  }
};


/**
 * BatchNorm2d in training mode (batch statistics, running statistics updated as ATen does), then
 * ReLU when `relu`; an undefined tensor, with nothing updated, where the kernels do not apply.
 */
at::Tensor batchNormTraining(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                             const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum, double eps, bool relu) {
  const std::optional<Layout> layout = batchNormLayout(input, weight, bias, runningMean, runningVar);
  if (!layout) return at::Tensor();
  const int64_t channels = layout->channels, count = input.numel() / channels;  // values per channel
  const float* x = input.data_ptr<float>();
  const std::vector<double> sums = channelSums(*layout, [&](int64_t begin, int64_t end, double* sum, double* sumSq) {
    fused::batchNormSums(x, layout->columns, begin, end, sum, sumSq);
  });
  at::Tensor stats = at::empty({2, channels}, at::TensorOptions().dtype(at::kDouble));
  double* mean = stats.data_ptr<double>();
  double* invstd = mean + channels;
  float* rm = runningMean.defined() ? runningMean.data_ptr<float>() : nullptr;
  float* rv = runningVar.defined() ? runningVar.data_ptr<float>() : nullptr;
  for (int64_t c = 0; c < channels; c++) {
    mean[c] = sums[c] / count;
    const double var = std::max(sums[channels + c] / count - mean[c] * mean[c], 0.0);
    invstd[c] = 1.0 / std::sqrt(var + eps);
    if (rm != nullptr) {
      // ATen's update, in double: the running variance takes the unbiased batch variance.
      rm[c] = static_cast<float>(momentum * mean[c] + (1 - momentum) * rm[c]);
      rv[c] = static_cast<float>(momentum * var * count / (count - 1) + (1 - momentum) * rv[c]);
    }
  }
  if (runningMean.defined()) {
    runningMean.unsafeGetTensorImpl()->bump_version();
    runningVar.unsafeGetTensorImpl()->bump_version();
  }
  const bool track = at::GradMode::is_enabled() && (input.requires_grad() || weight.requires_grad() || bias.requires_grad());
  if (track) return BatchNormReLU::apply(input, weight, bias, stats, relu, eps);
  return batchNormForward(*layout, input, affineOf(*layout, stats, weight, bias), relu);
}

}  // namespace smoothlab::fused
