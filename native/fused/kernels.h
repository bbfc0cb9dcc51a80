// The fused optimizer kernels of native/fused.cc, in a header of their own so that the C++
// reference step (bench/reference/) updates its parameters with the same code as smoothlab.
// Each element gets exactly the float operations of the op-by-op update as libtorch 1.13's AVX2
// kernels perform them (see native/fused.cc); compile with -ffp-contract=off.
#pragma once

#include <immintrin.h>

#include <cmath>
#include <cstdint>

namespace smoothlab::fused {

// Elements per parallel task of a fused pass (an optimizer update, a BatchNorm pass): below this a
// tensor is handled on the calling thread (a BatchNorm vector is not worth waking the pool for);
// above, the two cores split a memory-bound pass.
constexpr int64_t kGrain = 1 << 15;

/** True where the kernels below may run (they are compiled for AVX2 with FMA). */
inline bool hasAvx2Fma() {
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
}

/** The float operands of an Adam / AdamW step, each rounded from the double the caller computed. */
struct AdamScalars {
  float decay, beta1, oneMinusBeta1, beta2, oneMinusBeta2, weightDecay, biasCorrection2Sqrt, eps, negStepSize;
  bool decoupled, maximize, amsgrad, l2;
};

// ATen's vectorized maximum: NaN when either operand is NaN.
__attribute__((target("avx2,fma"))) inline __m256 maximumNaN(__m256 a, __m256 b) {
  return _mm256_or_ps(_mm256_max_ps(a, b), _mm256_cmp_ps(a, b, _CMP_UNORD_Q));
}

/** Updates elements [begin, end) of one Adam / AdamW parameter and its state in place. */
__attribute__((target("avx2,fma"))) inline void adamRange(float* p, const float* g, float* m, float* v, float* mx,
                                                   const AdamScalars& s, int64_t begin, int64_t end) {
  const __m256 decay = _mm256_set1_ps(s.decay), b1 = _mm256_set1_ps(s.beta1), omb1 = _mm256_set1_ps(s.oneMinusBeta1);
  const __m256 b2 = _mm256_set1_ps(s.beta2), omb2 = _mm256_set1_ps(s.oneMinusBeta2), wd = _mm256_set1_ps(s.weightDecay);
  const __m256 bc2 = _mm256_set1_ps(s.biasCorrection2Sqrt), eps = _mm256_set1_ps(s.eps), nss = _mm256_set1_ps(s.negStepSize);
  const __m256 sign = _mm256_set1_ps(-0.0f);
  const bool scale = s.decoupled && s.decay != 1.0f, l2 = s.l2;
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    __m256 P = _mm256_loadu_ps(p + i), G = _mm256_loadu_ps(g + i);
    if (scale) P = _mm256_mul_ps(P, decay);
    if (s.maximize) G = _mm256_xor_ps(G, sign);
    if (l2) G = _mm256_fmadd_ps(P, wd, G);
    const __m256 M = _mm256_fmadd_ps(G, omb1, _mm256_mul_ps(_mm256_loadu_ps(m + i), b1));
    const __m256 V = _mm256_fmadd_ps(_mm256_mul_ps(omb2, G), G, _mm256_mul_ps(_mm256_loadu_ps(v + i), b2));
    _mm256_storeu_ps(m + i, M);
    _mm256_storeu_ps(v + i, V);
    __m256 second = V;
    if (s.amsgrad) {
      second = maximumNaN(_mm256_loadu_ps(mx + i), V);
      _mm256_storeu_ps(mx + i, second);
    }
    const __m256 denom = _mm256_add_ps(_mm256_div_ps(_mm256_sqrt_ps(second), bc2), eps);
    _mm256_storeu_ps(p + i, _mm256_add_ps(P, _mm256_div_ps(_mm256_mul_ps(nss, M), denom)));
  }
  for (; i < end; i++) {  // the same operations one element at a time (fp-contract is off: no hidden FMAs)
    float P = p[i], G = g[i];
    if (scale) P = P * s.decay;
    if (s.maximize) G = -G;
    if (l2) G = std::fma(P, s.weightDecay, G);
    m[i] = std::fma(G, s.oneMinusBeta1, m[i] * s.beta1);
    v[i] = std::fma(s.oneMinusBeta2 * G, G, v[i] * s.beta2);
    float second = v[i];
    if (s.amsgrad) {
      const float a = mx[i];
      mx[i] = second = (std::isnan(a) || std::isnan(second)) ? NAN : (a > second ? a : second);
    }
    p[i] = P + (s.negStepSize * m[i]) / (std::sqrt(second) / s.biasCorrection2Sqrt + s.eps);
  }
}

/** The float operands of an SGD step. */
struct SgdScalars {
  float momentum, oneMinusDampening, weightDecay, negLr;
  bool maximize, nesterov, initBuffer, l2;
};

/** Updates elements [begin, end) of one SGD parameter and its momentum buffer (null: none) in place. */
__attribute__((target("avx2,fma"))) inline void sgdRange(float* p, const float* g, float* buf, const SgdScalars& s,
                                                  int64_t begin, int64_t end) {
  const __m256 mom = _mm256_set1_ps(s.momentum), omd = _mm256_set1_ps(s.oneMinusDampening);
  const __m256 wd = _mm256_set1_ps(s.weightDecay), negLr = _mm256_set1_ps(s.negLr), sign = _mm256_set1_ps(-0.0f);
  const bool l2 = s.l2;
  int64_t i = begin;
  for (; i + 8 <= end; i += 8) {
    const __m256 P = _mm256_loadu_ps(p + i);
    __m256 D = _mm256_loadu_ps(g + i);
    if (s.maximize) D = _mm256_xor_ps(D, sign);
    if (l2) D = _mm256_fmadd_ps(P, wd, D);
    if (buf != nullptr) {
      const __m256 B = s.initBuffer ? D : _mm256_fmadd_ps(D, omd, _mm256_mul_ps(_mm256_loadu_ps(buf + i), mom));
      _mm256_storeu_ps(buf + i, B);
      D = s.nesterov ? _mm256_fmadd_ps(B, mom, D) : B;
    }
    _mm256_storeu_ps(p + i, _mm256_fmadd_ps(D, negLr, P));
  }
  for (; i < end; i++) {
    float D = g[i];
    if (s.maximize) D = -D;
    if (l2) D = std::fma(p[i], s.weightDecay, D);
    if (buf != nullptr) {
      const float B = s.initBuffer ? D : std::fma(D, s.oneMinusDampening, buf[i] * s.momentum);
      buf[i] = B;
      D = s.nesterov ? std::fma(B, s.momentum, D) : B;
    }
    p[i] = std::fma(D, s.negLr, p[i]);
  }
}

}  // namespace smoothlab::fused
