// Fused kernels where ATen runs several passes over memory. BatchNorm in training mode on channels-last
// and contiguous tensors, with the ReLU that follows it: two passes forward and two backward instead
// of six and eight (fused/batch_norm_training.h, fused/batch_norm.h), equal to ATen's within float
// rounding (sums in double, not ATen's order).
//
// Fused optimizer steps: one pass over each parameter that reads p, grad and the state once and
// writes p and the state once, instead of the ten or so passes of the op-by-op update (PyTorch's
// fused=True idea). Each element gets exactly the float operations of the op-by-op update as
// libtorch 1.13's AVX2 kernels perform them, FMAs included (add_ with alpha is fmadd(b, alpha, a),
// addcmul_ is fma(value * t1, t2, self): measured on this libtorch), so the results agree bit for
// bit with the unfused optimizers, whatever the vector width or the split across threads.
// Where that cannot be promised (no AVX2+FMA, not a dense float32 CPU tensor) a step returns
// false and the caller runs the op-by-op update instead.
#define SMOOTHLAB_UNIT_FUSED  // this unit compiles the [fused] wrappers of bindings.gen.h
#include "bindings.gen.h"

#include <ATen/Parallel.h>

#include "fused/batch_norm_training.h"
#include "fused/kernels.h"

namespace smoothlab {
namespace {

// A kernel walks the elements in memory order, so every operand must be dense (a channels-last
// parameter is) and laid out as the parameter: then element i of each is the same element.
bool fusable(const at::Tensor& t, const at::Tensor& like) {
  return t.defined() && t.device().is_cpu() && t.scalar_type() == at::kFloat && t.layout() == at::kStrided &&
         t.is_non_overlapping_and_dense() && t.sizes() == like.sizes() && t.strides() == like.strides() && !t.is_neg() && !t.is_conj();
}

using fused::AdamScalars, fused::SgdScalars, fused::adamRange, fused::sgdRange, fused::hasAvx2Fma, fused::kGrain;

}  // namespace

at::Tensor impl::batchNormTraining(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                                   const at::Tensor& runningMean, const at::Tensor& runningVar, double momentum, double eps, bool relu) {
  return fused::batchNormTraining(input, weight, bias, runningMean, runningVar, momentum, eps, relu);
}

bool impl::fusedAdamStep_(const at::Tensor& param, const at::Tensor& grad, const at::Tensor& expAvg, const at::Tensor& expAvgSq,
                          const at::Tensor& maxExpAvgSq, double decay, double beta1, double oneMinusBeta1, double beta2,
                          double oneMinusBeta2, double weightDecay, double biasCorrection2Sqrt, double eps, double negStepSize,
                          bool decoupled, bool maximize) {
  const bool amsgrad = maxExpAvgSq.defined();
  if (!hasAvx2Fma() || !fusable(param, param) || !fusable(grad, param) || !fusable(expAvg, param) || !fusable(expAvgSq, param) ||
      (amsgrad && !fusable(maxExpAvgSq, param)) || (param.requires_grad() && at::GradMode::is_enabled())) {
    return false;
  }
  // Each double becomes a float as ATen's kernels cast a Python-number operand (static_cast).
  const AdamScalars s{static_cast<float>(decay), static_cast<float>(beta1), static_cast<float>(oneMinusBeta1),
                      static_cast<float>(beta2), static_cast<float>(oneMinusBeta2), static_cast<float>(weightDecay),
                      static_cast<float>(biasCorrection2Sqrt), static_cast<float>(eps), static_cast<float>(negStepSize),
                      decoupled, maximize, amsgrad, !decoupled && weightDecay != 0.0};  // l2: as the caller tests it, in double
  float* p = param.data_ptr<float>();
  const float* g = grad.data_ptr<float>();
  float* m = expAvg.data_ptr<float>();
  float* v = expAvgSq.data_ptr<float>();
  float* mx = amsgrad ? maxExpAvgSq.data_ptr<float>() : nullptr;
  at::parallel_for(0, param.numel(), kGrain, [&](int64_t begin, int64_t end) { adamRange(p, g, m, v, mx, s, begin, end); });
  param.unsafeGetTensorImpl()->bump_version();  // autograd's in-place bookkeeping, as p.add_ would do
  return true;
}

bool impl::fusedSgdStep_(const at::Tensor& param, const at::Tensor& grad, const at::Tensor& momentumBuffer, double momentum,
                         double oneMinusDampening, double weightDecay, double negLr, bool nesterov, bool maximize, bool initBuffer) {
  const bool withBuffer = momentumBuffer.defined();
  if (!hasAvx2Fma() || !fusable(param, param) || !fusable(grad, param) || (withBuffer && !fusable(momentumBuffer, param)) ||
      (param.requires_grad() && at::GradMode::is_enabled())) {
    return false;
  }
  const SgdScalars s{static_cast<float>(momentum), static_cast<float>(oneMinusDampening), static_cast<float>(weightDecay),
                     static_cast<float>(negLr), maximize, nesterov, initBuffer, weightDecay != 0.0};
  float* p = param.data_ptr<float>();
  const float* g = grad.data_ptr<float>();
  float* buf = withBuffer ? momentumBuffer.data_ptr<float>() : nullptr;
  at::parallel_for(0, param.numel(), kGrain, [&](int64_t begin, int64_t end) { sgdRange(p, g, buf, s, begin, end); });
  param.unsafeGetTensorImpl()->bump_version();
  return true;
}

}  // namespace smoothlab
