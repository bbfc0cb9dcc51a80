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

inline bool denseVector(const at::Tensor& t, int64_t size) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.dim() == 1 && t.size(0) == size && t.is_contiguous();
}

// Contiguous NCHW maps of at least this many values go plane by plane; smaller ones (ResNet-18's
// 4x4 and 2x2 stages on 32x32 images) as one [N, C*H*W] matrix, whose rows are long enough to
// vectorize well, up to kMaxColumns (past that the per-thread per-column sums outgrow the cache).
// Measured forward and backward with the ReLU, batch 256: 8x8 maps 2.1x ATen by plane, 1.5x as a
// matrix; 4x4 maps 2.0x as a matrix, 1.5x by plane.
constexpr int64_t kMinPlane = 64;
constexpr int64_t kMaxColumns = 1 << 16;

// How the kernels see a 4-D float32 CPU tensor (fused/batch_norm.h). As a [rows, columns] matrix:
// channels-last is [N*H*W, C], one column per channel; contiguous NCHW with small maps is
// [N, C*H*W], `plane` (H*W) columns per channel (an NCHW [N, C, 1, 1] is both, with plane 1). Or,
// `byPlane`, contiguous NCHW as N*C planes of `plane` values, plane p in channel p % C.
struct Layout {
  int64_t channels, rows, columns, plane;
  bool byPlane;
  at::MemoryFormat format;
};

inline std::optional<Layout> layoutOf(const at::Tensor& input) {
  if (!input.defined() || !input.device().is_cpu() || input.scalar_type() != at::kFloat || input.layout() != at::kStrided ||
      input.dim() != 4 || input.is_neg() || input.is_conj()) {
    return std::nullopt;
  }
  const int64_t n = input.size(0), channels = input.size(1), plane = input.size(2) * input.size(3);
  if (channels == 0 || plane == 0) return std::nullopt;
  const at::MemoryFormat format = input.suggest_memory_format();
  if (format == at::MemoryFormat::ChannelsLast && input.is_contiguous(at::MemoryFormat::ChannelsLast)) {
    return Layout{channels, n * plane, channels, 1, false, format};
  }
  if (format != at::MemoryFormat::Contiguous || !input.is_contiguous()) return std::nullopt;
  if (plane >= kMinPlane || channels * plane > kMaxColumns) return Layout{channels, n * channels, plane, plane, true, format};
  return Layout{channels, n, channels * plane, plane, false, format};
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

// One entry per column from one per channel (matrix layouts).
template <typename T>
std::vector<T> perColumn(const Layout& layout, const T* perChannel) {
  std::vector<T> out(static_cast<size_t>(layout.columns));
  for (int64_t c = 0; c < layout.channels; c++) std::fill_n(out.begin() + c * layout.plane, layout.plane, perChannel[c]);
  return out;
}

// Splits the rows (or planes) across threads.
template <typename Rows>
void forRows(const Layout& layout, const Rows& rows) {
  at::parallel_for(0, layout.rows, std::max<int64_t>(1, kGrain / layout.columns), rows);
}

// Runs a pass split across threads: rows(begin, end) over a matrix layout's rows, or plane(p) for
// each plane of a layout by plane.
template <typename Rows, typename Plane>
void forRowsOrPlanes(const Layout& layout, const Rows& rows, const Plane& plane) {
  if (!layout.byPlane) {
    forRows(layout, rows);
    return;
  }
  forRows(layout, [&](int64_t begin, int64_t end) {
    for (int64_t p = begin; p < end; p++) plane(p);
  });
}

// Per-channel pairs of sums, in an order fixed by the thread count. A matrix layout: each thread
// adds its rows into its own pair of per-column vectors (addRows(begin, end, first, second)), which
// are added in thread order and folded per channel. By plane: planeSums(p, first, second) sums plane
// p, and the planes of each channel are added in batch order.
template <typename AddRows, typename PlaneSums>
std::vector<double> channelSums(const Layout& layout, const AddRows& addRows, const PlaneSums& planeSums) {
  const int64_t channels = layout.channels;
  std::vector<double> total(static_cast<size_t>(2 * channels), 0.0);
  if (layout.byPlane) {
    std::vector<double> perPlane(static_cast<size_t>(2 * layout.rows));
    forRows(layout, [&](int64_t begin, int64_t end) {
      for (int64_t p = begin; p < end; p++) planeSums(p, perPlane[2 * p], perPlane[2 * p + 1]);
    });
    for (int64_t p = 0; p < layout.rows; p++) {
      total[p % channels] += perPlane[2 * p];
      total[channels + p % channels] += perPlane[2 * p + 1];
    }
    return total;
  }
  const int64_t threads = at::get_num_threads(), columns = layout.columns;
  std::vector<double> partial(static_cast<size_t>(2 * columns * threads), 0.0);
  forRows(layout, [&](int64_t begin, int64_t end) {
    double* mine = partial.data() + 2 * columns * at::get_thread_num();
    addRows(begin, end, mine, mine + columns);
  });
  for (int64_t t = 0; t < threads; t++) {
    for (int64_t half = 0; half < 2; half++) {
      const double* sums = partial.data() + (2 * t + half) * columns;
      for (int64_t j = 0; j < columns; j++) total[half * channels + j / layout.plane] += sums[j];
    }
  }
  return total;
}

// The per-channel affine map of the normalization, y = x * scale + shift, from the batch mean and
// inverse standard deviation (ATen's alpha and beta), and its per-column copies in a matrix layout.
struct Affine {
  std::vector<float> scale, shift;
  std::vector<float> scaleColumns, shiftColumns;
};

inline Affine affineOf(const Layout& layout, const at::Tensor& stats, const at::Tensor& weight, const at::Tensor& bias) {
  const int64_t channels = layout.channels;
  const double* mean = stats.data_ptr<double>();
  const double* invstd = mean + channels;
  const float* w = weight.data_ptr<float>();
  const float* b = bias.data_ptr<float>();
  Affine a{std::vector<float>(channels), std::vector<float>(channels), {}, {}};
  for (int64_t c = 0; c < channels; c++) {
    a.scale[c] = static_cast<float>(invstd[c] * w[c]);
    a.shift[c] = static_cast<float>(b[c] - mean[c] * invstd[c] * w[c]);
  }
  if (!layout.byPlane) {
    a.scaleColumns = perColumn(layout, a.scale.data());
    a.shiftColumns = perColumn(layout, a.shift.data());
  }
  return a;
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
  const int64_t columns = layout.columns, channels = layout.channels;
  withRelu(relu, [&](auto r) {
    constexpr bool Relu = decltype(r)::value;
    forRowsOrPlanes(
        layout,
        [&](int64_t begin, int64_t end) {
          fused::batchNormApply<Relu>(x, y, columns, affine.scaleColumns.data(), affine.shiftColumns.data(), begin, end);
        },
        [&](int64_t p) { fused::planeApply<Relu>(x + p * columns, y + p * columns, columns, affine.scale[p % channels], affine.shift[p % channels]); });
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
    const std::vector<double> meanColumns = layout.byPlane ? std::vector<double>() : perColumn(layout, mean);
    const std::vector<double> sums = channelSums(
        layout,
        [&](int64_t begin, int64_t end, double* sumDy, double* sumDyXmu) {
          withRelu(relu, [&](auto r) {
            fused::batchNormGradSums<decltype(r)::value>(x, dy, columns, affine.scaleColumns.data(), affine.shiftColumns.data(),
                                                         meanColumns.data(), begin, end, sumDy, sumDyXmu);
          });
        },
        [&](int64_t p, double& sumDy, double& sumDyXmu) {
          const int64_t c = p % channels;
          withRelu(relu, [&](auto r) {
            fused::planeGradSums<decltype(r)::value>(x + p * columns, dy + p * columns, columns, affine.scale[c], affine.shift[c], mean[c],
                                                     sumDy, sumDyXmu);
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
      gradInput = at::empty_like(input, layout.format);
      float* dx = gradInput.data_ptr<float>();
      // Per-column copies for a matrix layout; a layout by plane takes each channel's scalars.
      const bool matrix = !layout.byPlane;
      const std::vector<float> meanCol = matrix ? perColumn(layout, meanF.data()) : std::vector<float>(),
                               meanDyCol = matrix ? perColumn(layout, meanDy.data()) : std::vector<float>(),
                               kCol = matrix ? perColumn(layout, k.data()) : std::vector<float>();
      withRelu(relu, [&](auto r) {
        constexpr bool Relu = decltype(r)::value;
        forRowsOrPlanes(
            layout,
            [&](int64_t begin, int64_t end) {
              fused::batchNormInputGrad<Relu>(x, dy, dx, columns, affine.scaleColumns.data(), affine.shiftColumns.data(), meanCol.data(),
                                              meanDyCol.data(), kCol.data(), begin, end);
            },
            [&](int64_t p) {
              const int64_t c = p % channels;
              fused::planeInputGrad<Relu>(x + p * columns, dy + p * columns, dx + p * columns, columns, affine.scale[c], affine.shift[c],
                                          meanF[c], meanDy[c], k[c]);
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
inline at::Tensor batchNormTraining(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                             const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum, double eps, bool relu) {
  const std::optional<Layout> layout = batchNormLayout(input, weight, bias, runningMean, runningVar);
  if (!layout) return at::Tensor();
  const int64_t channels = layout->channels, count = input.numel() / channels;  // values per channel
  const float* x = input.data_ptr<float>();
  const int64_t columns = layout->columns;
  const std::vector<double> sums = channelSums(
      *layout, [&](int64_t begin, int64_t end, double* sum, double* sumSq) { fused::batchNormSums(x, columns, begin, end, sum, sumSq); },
      [&](int64_t p, double& sum, double& sumSq) { fused::planeSums(x + p * columns, columns, sum, sumSq); });
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
