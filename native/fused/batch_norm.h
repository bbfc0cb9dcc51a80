// Training-mode BatchNorm, optionally followed by ReLU, on a float32 tensor seen either as a
// [rows, columns] matrix whose every column belongs to one channel (channels-last is [N*H*W, C],
// column j being channel j; contiguous NCHW with small maps is [N, C*H*W], column j being channel
// j / (H*W)), the per-channel vectors coming in expanded to one entry per column; or, for
// contiguous NCHW with larger maps, as N*C planes of H*W values, each with its channel's scalars.
// Both forms vectorize across contiguous memory. Forward: one pass for the batch statistics (sum and sum
// of squares in double) and one that normalizes, scales, shifts and clamps; backward: one pass for
// the two sums and one that writes the input gradient, with the ReLU mask recomputed from the input
// instead of read from the output. ATen runs BatchNorm then ReLU as six passes forward and eight
// backward. The callers split the rows (or planes) across threads, and add the per-thread sums in
// thread order (or the per-plane sums in plane order), so a thread count always gives the same sums.
#pragma once

#include <cstdint>

namespace smoothlab::fused {

/** Columns per block of the backward's masked-gradient buffer (on the stack, 16 KiB). */
constexpr int64_t kColumnBlock = 4096;

/** Adds the rows [begin, end) of x into per-column sums and sums of squares. */
__attribute__((target("avx2,fma"))) inline void batchNormSums(const float* x, int64_t columns, int64_t begin, int64_t end,
                                                            double* sum, double* sumSq) {
  for (int64_t r = begin; r < end; r++) {
    const float* row = x + r * columns;
#pragma omp simd
    for (int64_t c = 0; c < columns; c++) {
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

/** y = x * scale + shift per column, then ReLU when Relu, for rows [begin, end). */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormApply(const float* x, float* y, int64_t columns, const float* scale,
                                                             const float* shift, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; r++) {
    const float* in = x + r * columns;
    float* out = y + r * columns;
#pragma omp simd
    for (int64_t c = 0; c < columns; c++) {
      const float v = in[c] * scale[c] + shift[c];
      out[c] = Relu ? reluOf(v) : v;
    }
  }
}

/**
 * Adds, over rows [begin, end), the per-column sum of the gradient reaching the BatchNorm (dy, or
 * zero where the ReLU clamped) and of that gradient times (x - mean).
 */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormGradSums(const float* x, const float* dy, int64_t columns,
                                                                const float* scale, const float* shift, const double* mean,
                                                                int64_t begin, int64_t end, double* sumDy, double* sumDyXmu) {
  float masked[kColumnBlock];  // a block of the row's gradient after the ReLU (a select GCC vectorizes alone, not with the sums)
  for (int64_t r = begin; r < end; r++) {
    for (int64_t c0 = 0; c0 < columns; c0 += kColumnBlock) {
      const int64_t width = columns - c0 < kColumnBlock ? columns - c0 : kColumnBlock;
      const float* in = x + r * columns + c0;
      const float* d = dy + r * columns + c0;
      if (Relu) {
#pragma omp simd
        for (int64_t c = 0; c < width; c++) masked[c] = reluGrad(in[c] * scale[c0 + c] + shift[c0 + c], d[c]);
        d = masked;
      }
      double* sd = sumDy + c0;
      double* sdx = sumDyXmu + c0;
      const double* mu = mean + c0;
#pragma omp simd
      for (int64_t c = 0; c < width; c++) {
        sd[c] += d[c];
        sdx[c] += static_cast<double>(d[c]) * (static_cast<double>(in[c]) - mu[c]);
      }
    }
  }
}

/**
 * dx = (d - meanDy - (x - mean) * k) * scale per column, d being the gradient reaching the
 * BatchNorm: the batch-statistics backward with meanDy = sum(d) / n, k = sum(d (x - mean)) invstd^2 / n
 * (sums over the channel's n values) and scale = invstd * weight (the forward's), for rows [begin, end).
 */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void batchNormInputGrad(const float* x, const float* dy, float* dx, int64_t columns,
                                                                 const float* scale, const float* shift, const float* mean,
                                                                 const float* meanDy, const float* k, int64_t begin, int64_t end) {
  for (int64_t r = begin; r < end; r++) {
    const float* in = x + r * columns;
    const float* g = dy + r * columns;
    float* out = dx + r * columns;
#pragma omp simd
    for (int64_t c = 0; c < columns; c++) {
      const float d = Relu ? reluGrad(in[c] * scale[c] + shift[c], g[c]) : g[c];
      out[c] = (d - meanDy[c] - (in[c] - mean[c]) * k[c]) * scale[c];
    }
  }
}

// ---- one plane of a contiguous NCHW tensor, with its channel's scalars ----

/** The sum and sum of squares of a plane's n values. */
__attribute__((target("avx2,fma"))) inline void planeSums(const float* x, int64_t n, double& sum, double& sumSq) {
  double s = 0.0, q = 0.0;
#pragma omp simd reduction(+ : s, q)
  for (int64_t i = 0; i < n; i++) {
    const double v = x[i];
    s += v;
    q += v * v;
  }
  sum = s;
  sumSq = q;
}

/** y = x * scale + shift over a plane, then ReLU when Relu. */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void planeApply(const float* x, float* y, int64_t n, float scale, float shift) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float v = x[i] * scale + shift;
    y[i] = Relu ? reluOf(v) : v;
  }
}

/** batchNormGradSums over one plane: the sums of d and of d * (x - mean), d the gradient reaching the BatchNorm. */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void planeGradSums(const float* x, const float* dy, int64_t n, float scale, float shift,
                                                            double mean, double& sumDy, double& sumDyXmu) {
  float masked[kColumnBlock];
  double s = 0.0, q = 0.0;
  for (int64_t i0 = 0; i0 < n; i0 += kColumnBlock) {
    const int64_t width = n - i0 < kColumnBlock ? n - i0 : kColumnBlock;
    const float* in = x + i0;
    const float* d = dy + i0;
    if (Relu) {
#pragma omp simd
      for (int64_t i = 0; i < width; i++) masked[i] = reluGrad(in[i] * scale + shift, d[i]);
      d = masked;
    }
#pragma omp simd reduction(+ : s, q)
    for (int64_t i = 0; i < width; i++) {
      s += d[i];
      q += static_cast<double>(d[i]) * (static_cast<double>(in[i]) - mean);
    }
  }
  sumDy = s;
  sumDyXmu = q;
}

/** batchNormInputGrad over one plane, with its channel's scalars. */
template <bool Relu>
__attribute__((target("avx2,fma"))) inline void planeInputGrad(const float* x, const float* dy, float* dx, int64_t n, float scale,
                                                             float shift, float mean, float meanDy, float k) {
#pragma omp simd
  for (int64_t i = 0; i < n; i++) {
    const float d = Relu ? reluGrad(x[i] * scale + shift, dy[i]) : dy[i];
    dx[i] = (d - meanDy - (x[i] - mean) * k) * scale;
  }
}

}  // namespace smoothlab::fused
