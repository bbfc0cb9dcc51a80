// nn.functional kernels and the _foreach_ updates optimizers use (src/nn/functional.ts and
// src/torch/foreach.ts are their JS faces). Argument order follows PyTorch's Python signatures.
#define SMOOTHLAB_UNIT_FUNCTIONAL  // this unit compiles the [functional] wrappers of bindings.gen.h
#include "bindings.gen.h"

namespace smoothlab {
namespace {

// PyTorch's at::Reduction enum from the JS names; `index` is the argument's, for the error.
int64_t reductionEnum(const c10::optional<std::string>& name, size_t index) {
  if (!name || *name == "mean") return at::Reduction::Mean;
  if (*name == "sum") return at::Reduction::Sum;
  if (*name == "none") return at::Reduction::None;
  throw BadArgument{index, "'mean', 'sum' or 'none', got '" + *name + "'"};
}

}  // namespace

at::Tensor impl::conv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
}
at::Tensor impl::linear(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) { return at::linear(input, weight, bias); }
// Running stats update in place when training, with the unbiased batch variance, as
// torch.nn.functional.batch_norm.
at::Tensor impl::batchNorm(const at::Tensor& input, const at::Tensor& runningMean, const at::Tensor& runningVar, const at::Tensor& weight,
                           const at::Tensor& bias, bool training, double momentum, double eps) {
  return at::batch_norm(input, weight, bias, runningMean, runningVar, training, momentum, eps, at::globalContext().userEnabledCuDNN());
}
at::Tensor impl::maxPool2d(const at::Tensor& input, at::IntArrayRef kernelSize, at::IntArrayRef stride, at::IntArrayRef padding,
                           at::IntArrayRef dilation, bool ceilMode) {
  return at::max_pool2d(input, kernelSize, stride, padding, dilation, ceilMode);
}
at::Tensor impl::avgPool2d(const at::Tensor& input, at::IntArrayRef kernelSize, at::IntArrayRef stride, at::IntArrayRef padding,
                           bool ceilMode, bool countIncludePad, c10::optional<int64_t> divisorOverride) {
  return at::avg_pool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);
}
at::Tensor impl::adaptiveAvgPool2d(const at::Tensor& input, at::IntArrayRef outputSize) { return at::adaptive_avg_pool2d(input, outputSize); }
at::Tensor impl::dropout(const at::Tensor& input, double p, bool training) { return at::dropout(input, p, training); }
// Dropout2d zeroes whole channels: ATen's feature_dropout, as torch.nn.functional.dropout2d.
at::Tensor impl::dropout2d(const at::Tensor& input, double p, bool training) { return at::feature_dropout(input, p, training); }
// Class-index or probability targets.
at::Tensor impl::crossEntropy(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight,
                              const c10::optional<std::string>& reduction, int64_t ignoreIndex, double labelSmoothing) {
  return at::cross_entropy_loss(input, target, weight, reductionEnum(reduction, 3), ignoreIndex, labelSmoothing);
}
at::Tensor impl::nllLoss(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight,
                         const c10::optional<std::string>& reduction, int64_t ignoreIndex) {
  return at::nll_loss_nd(input, target, weight, reductionEnum(reduction, 3), ignoreIndex);
}
at::Tensor impl::oneHot(const at::Tensor& self, int64_t numClasses) { return at::one_hot(self, numClasses); }

// ---- _foreach_: one call updates a whole parameter list ----
// A list operand and a scalar operand are separate bindings (the .Scalar / .ScalarList overloads),
// as in ATen; JS picks one by the argument's type.
void impl::foreachAdd_(at::TensorList self, at::TensorList other, const at::Scalar& alpha) { at::_foreach_add_(self, other, alpha); }
void impl::foreachAddScalar_(at::TensorList self, const at::Scalar& scalar) { at::_foreach_add_(self, scalar); }
void impl::foreachMul_(at::TensorList self, at::TensorList other) { at::_foreach_mul_(self, other); }
void impl::foreachMulScalar_(at::TensorList self, const at::Scalar& scalar) { at::_foreach_mul_(self, scalar); }
void impl::foreachDiv_(at::TensorList self, at::TensorList other) { at::_foreach_div_(self, other); }
void impl::foreachDivScalar_(at::TensorList self, const at::Scalar& scalar) { at::_foreach_div_(self, scalar); }
void impl::foreachAddcmul_(at::TensorList self, at::TensorList tensor1, at::TensorList tensor2, const at::Scalar& value) {
  at::_foreach_addcmul_(self, tensor1, tensor2, value);
}
void impl::foreachAddcdiv_(at::TensorList self, at::TensorList tensor1, at::TensorList tensor2, const at::Scalar& value) {
  at::_foreach_addcdiv_(self, tensor1, tensor2, value);
}
void impl::foreachAddcdivScalarList_(at::TensorList self, at::TensorList tensor1, at::TensorList tensor2, at::ArrayRef<at::Scalar> scalars) {
  at::_foreach_addcdiv_(self, tensor1, tensor2, scalars);
}
void impl::foreachZero_(at::TensorList self) { at::_foreach_zero_(self); }
std::vector<at::Tensor> impl::foreachSqrt(at::TensorList self) { return at::_foreach_sqrt(self); }
void impl::foreachMaximum_(at::TensorList self, at::TensorList other) { at::_foreach_maximum_(self, other); }

}  // namespace smoothlab
