// Training-mode BatchNorm, optionally followed by ReLU, on a channels-last float32 tensor seen as a
// [rows, C] matrix (rows = N*H*W, channels innermost). Forward: one pass for the batch statistics
// (sum and sum of squares in double) and one that normalizes, scales, shifts and clamps; backward:
// one pass for the two per-channel sums and one that writes the input gradient, with the ReLU mask
// recomputed from the input instead of read from the output. ATen runs BatchNorm then ReLU as six
// passes forward and eight backward. Per-row loops over contiguous channels vectorize across
// channels; the callers split the rows across threads and add the per-thread sums in thread order.
// Shared by native/fused.cc and the C++ reference step (bench/reference/).
#pragma once

#include <cstdint>

namespace smoothlab::fused {

/** The most channels the backward's per-row buffer holds; callers take another path above it. */
constexpr int64_t kMaxChannelsOnStack = 4096;

/** Adds the rows [begin, end) of x into per-channel sums and sums of squares. */
__attribute__((target("avx2,fma"))) inline void batchNormSums(const float* x, int64_t channels, int64_t begin, int64_t end,
                                                            double* sum, double* sumSq) {
  for (int64_t r = begin; r < end; r++) {
    const float* row = x + r * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; c++) {
      const double v = row[c];
      sum[c] += v;
      sumSq[c] += v * v;
    }
  }
}

// ReLU's output, NaN staying NaN as in clamp_min(0); and its gradient, zero where the output is
// <= 0, which lets NaN through as threshold_backward does (NaN <= 0 is false). Both are selects,
// which the loops below vectorize.
inline float reluOf(float v) { return v < 0.0f ? 0.0f : v; }
inline float reluGrad(float v, float dy) { return v <= 0.0f ? 0.0f : dy; }

/** y = x * scale + shift per channel, then ReLU when Relu, for rows [begin, end). */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormApply(const float* x, float* y, int64_t channels, const float* scale,
                                                             const float* shift, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; r++) {
    const float* in = x + r * channels;
    float* out = y + r * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; c++) {
      const float v = in[c] * scale[c] + shift[c];
      out[c] = Relu ? reluOf(v) : v;
    }
  }
}

/**
 * Adds, over rows [begin, end), the per-channel sum of the gradient reaching the BatchNorm (dy, or
 * zero where the ReLU clamped) and of that gradient times (x - mean).
 */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormGradSums(const float* x, const float* dy, int64_t channels,
                                                                const float* scale, const float* shift, const double* mean,
                                                                int64_t begin, int64_t end, double* sumDy, double* sumDyXmu) {
  float masked[kMaxChannelsOnStack];  // the row's gradient after the ReLU (a select GCC vectorizes alone, not with the sums)
  for (int64_t r = begin; r < end; r++) {
    const float* in = x + r * channels;
    const float* d = dy + r * channels;
    if (Relu) {
#pragma omp simd
      for (int64_t c = 0; c < channels; c++) masked[c] = reluGrad(in[c] * scale[c] + shift[c], d[c]);
      d = masked;
    }
#pragma omp simd
    for (int64_t c = 0; c < channels; c++) {
      sumDy[c] += d[c];
      sumDyXmu[c] += static_cast<double>(d[c]) * (static_cast<double>(in[c]) - mean[c]);
    }
  }
}

/**
 * dx = (d - meanDy - (x - mean) * k) * scale per channel, d being the gradient reaching the
 * BatchNorm: the batch-statistics backward with meanDy = sum(d) / rows, k = sum(d (x - mean))
 * invstd^2 / rows and scale = invstd * weight (the forward's), for rows [begin, end).
 */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormInputGrad(const float* x, const float* dy, float* dx, int64_t channels,
                                                                 const float* scale, const float* shift, const float* mean,
                                                                 const float* meanDy, const float* k, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; r++) {
    const float* in = x + r * channels;
    const float* g = dy + r * channels;
    float* out = dx + r * channels;
#pragma omp simd
    for (int64_t c = 0; c < channels; c++) {
      const float d = Relu ? reluGrad(in[c] * scale[c] + shift[c], g[c]) : g[c];
      out[c] = (d - meanDy[c] - (in[c] - mean[c]) * k[c]) * scale[c];
    }
  }
}

}  // namespace smoothlab::fused
