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

at::Tensor impl::conv1d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  return at::conv1d(input, weight, bias, stride, padding, dilation, groups);
}
at::Tensor impl::conv2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                        at::IntArrayRef padding, at::IntArrayRef dilation, int64_t groups) {
  return at::conv2d(input, weight, bias, stride, padding, dilation, groups);
}
// The weight is (in, out / groups, kH, kW), the transpose of conv2d's layout.
at::Tensor impl::convTranspose2d(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias, at::IntArrayRef stride,
                                 at::IntArrayRef padding, at::IntArrayRef outputPadding, int64_t groups, at::IntArrayRef dilation) {
  return at::conv_transpose2d(input, weight, bias, stride, padding, outputPadding, groups, dilation);
}
at::Tensor impl::linear(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias) { return at::linear(input, weight, bias); }
// Running stats update in place when training, with the unbiased batch variance, as
// torch.nn.functional.batch_norm.
at::Tensor impl::batchNorm(const at::Tensor& input, const at::Tensor& runningMean, const at::Tensor& runningVar, const at::Tensor& weight,
                           const at::Tensor& bias, bool training, double momentum, double eps) {
  return at::batch_norm(input, weight, bias, runningMean, runningVar, training, momentum, eps, at::globalContext().userEnabledCuDNN());
}
// The cuDNN flag is passed as torch.nn.functional passes torch.backends.cudnn.enabled.
at::Tensor impl::layerNorm(const at::Tensor& input, at::IntArrayRef normalizedShape, const at::Tensor& weight, const at::Tensor& bias,
                           double eps) {
  return at::layer_norm(input, normalizedShape, weight, bias, eps, at::globalContext().userEnabledCuDNN());
}
at::Tensor impl::groupNorm(const at::Tensor& input, int64_t numGroups, const at::Tensor& weight, const at::Tensor& bias, double eps) {
  return at::group_norm(input, numGroups, weight, bias, eps, at::globalContext().userEnabledCuDNN());
}
// paddingIdx -1 is none (JS resolves a negative index first); its row gets no gradient.
at::Tensor impl::embedding(const at::Tensor& input, const at::Tensor& weight, int64_t paddingIdx, bool scaleGradByFreq) {
  return at::embedding(weight, input, paddingIdx, scaleGradByFreq, /*sparse=*/false);
}
// Rescales the looked-up rows to norm maxNorm in place, outside autograd, as F.embedding with max_norm.
void impl::embeddingRenorm_(const at::Tensor& weight, const at::Tensor& input, double maxNorm, double normType) {
  at::NoGradGuard noGrad;
  at::embedding_renorm_(const_cast<at::Tensor&>(weight), input.contiguous(), maxNorm, normType);
}

// ---- activations ----
at::Tensor impl::gelu(const at::Tensor& input, const c10::optional<std::string>& approximate) {
  return at::gelu(input, approximate.value_or("none"));
}
at::Tensor impl::silu(const at::Tensor& input) { return at::silu(input); }
void impl::silu_(const at::Tensor& input) { at::silu_(const_cast<at::Tensor&>(input)); }
at::Tensor impl::leakyRelu(const at::Tensor& input, double negativeSlope) { return at::leaky_relu(input, negativeSlope); }
void impl::leakyRelu_(const at::Tensor& input, double negativeSlope) { at::leaky_relu_(const_cast<at::Tensor&>(input), negativeSlope); }

// ---- resampling ----
at::Tensor impl::pad(const at::Tensor& input, at::IntArrayRef pad, const c10::optional<std::string>& mode,
                     const c10::optional<at::Scalar>& value) {
  const c10::optional<double> fill = value ? c10::optional<double>(value->toDouble()) : c10::nullopt;
  return at::pad(input, pad, mode.value_or("constant"), fill);
}
// The .vec overloads torch.nn.functional.interpolate calls: given scale factors (and no size), the
// kernels compute the output size as floor(size * scale) and sample with 1 / scale, as PyTorch does.
at::Tensor impl::interpolate(const at::Tensor& input, at::OptionalIntArrayRef outputSize, at::ArrayRef<at::Scalar> scaleFactors,
                             const std::string& mode, bool alignCorners) {
  std::vector<double> scales;
  for (const at::Scalar& s : scaleFactors) scales.push_back(s.toDouble());
  const c10::optional<at::ArrayRef<double>> sf = scales.empty() ? c10::nullopt : c10::optional<at::ArrayRef<double>>(scales);
  const int64_t spatial = input.dim() - 2;
  if (mode == "nearest") {
    if (spatial == 1) return at::upsample_nearest1d(input, outputSize, sf);
    if (spatial == 2) return at::upsample_nearest2d(input, outputSize, sf);
    if (spatial == 3) return at::upsample_nearest3d(input, outputSize, sf);
  } else if (mode == "nearest-exact") {
    if (spatial == 1) return at::_upsample_nearest_exact1d(input, outputSize, sf);
    if (spatial == 2) return at::_upsample_nearest_exact2d(input, outputSize, sf);
    if (spatial == 3) return at::_upsample_nearest_exact3d(input, outputSize, sf);
  } else if (mode == "linear" && spatial == 1) {
    return at::upsample_linear1d(input, outputSize, alignCorners, sf);
  } else if (mode == "bilinear" && spatial == 2) {
    return at::upsample_bilinear2d(input, outputSize, alignCorners, sf);
  } else if (mode == "bicubic" && spatial == 2) {
    return at::upsample_bicubic2d(input, outputSize, alignCorners, sf);
  } else if (mode == "trilinear" && spatial == 3) {
    return at::upsample_trilinear3d(input, outputSize, alignCorners, sf);
  }
  throw BadArgument{3, "a mode for " + std::to_string(input.dim()) + "-d input, got '" + mode + "'"};
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
// The elementwise losses; JS broadcasts input and target first, as torch.nn.functional does.
at::Tensor impl::mseLoss(const at::Tensor& input, const at::Tensor& target, const c10::optional<std::string>& reduction) {
  return at::mse_loss(input, target, reductionEnum(reduction, 2));
}
at::Tensor impl::l1Loss(const at::Tensor& input, const at::Tensor& target, const c10::optional<std::string>& reduction) {
  return at::l1_loss(input, target, reductionEnum(reduction, 2));
}
at::Tensor impl::smoothL1Loss(const at::Tensor& input, const at::Tensor& target, const c10::optional<std::string>& reduction, double beta) {
  return at::smooth_l1_loss(input, target, reductionEnum(reduction, 2), beta);
}
at::Tensor impl::binaryCrossEntropy(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight,
                                    const c10::optional<std::string>& reduction) {
  return at::binary_cross_entropy(input, target, weight, reductionEnum(reduction, 3));
}
at::Tensor impl::binaryCrossEntropyWithLogits(const at::Tensor& input, const at::Tensor& target, const at::Tensor& weight,
                                              const at::Tensor& posWeight, const c10::optional<std::string>& reduction) {
  return at::binary_cross_entropy_with_logits(input, target, weight, posWeight, reductionEnum(reduction, 4));
}
// 'batchmean' is 'sum' here, divided by the batch size in JS (torch.nn.functional.kl_div does the same).
at::Tensor impl::klDiv(const at::Tensor& input, const at::Tensor& target, const c10::optional<std::string>& reduction, bool logTarget) {
  return at::kl_div(input, target, reductionEnum(reduction, 2), logTarget);
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
