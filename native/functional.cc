// nn.functional kernels and the _foreach_ updates optimizers use (src/nn/functional.ts and
// src/torch/foreach.ts are their JS faces). Argument order follows PyTorch's Python signatures.
#include "common.h"

namespace smoothlab {
namespace {

// PyTorch's at::Reduction enum from the JS names.
int64_t reduction(const Args& a, size_t i) {
  if (a.isNullish(i)) return at::Reduction::Mean;
  std::string name = a.string(i);
  if (name == "mean") return at::Reduction::Mean;
  if (name == "sum") return at::Reduction::Sum;
  if (name == "none") return at::Reduction::None;
  a.fail(i, "'mean', 'sum' or 'none', got '" + name + "'");
}

// (x, weight, bias?, stride, padding, dilation, groups)
SMOOTHLAB_OP(conv2d) {
  return wrap(env, at::conv2d(a.tensor(0), a.tensor(1), a.optTensor(2), a.intList(3), a.intList(4), a.intList(5), a.integer(6, 1)));
}
// (x, weight, bias?)
SMOOTHLAB_OP(linear) { return wrap(env, at::linear(a.tensor(0), a.tensor(1), a.optTensor(2))); }
// (x, runningMean?, runningVar?, weight?, bias?, training, momentum, eps): running stats update
// in place when training, with the unbiased batch variance, as torch.nn.functional.batch_norm.
SMOOTHLAB_OP(batchNorm) {
  return wrap(env, at::batch_norm(a.tensor(0), a.optTensor(3), a.optTensor(4), a.optTensor(1), a.optTensor(2),
                                  a.boolean(5, false), a.number(6, 0.1), a.number(7, 1e-5), at::globalContext().userEnabledCuDNN()));
}
// (x, kernel, stride, padding, dilation, ceilMode)
SMOOTHLAB_OP(maxPool2d) {
  return wrap(env, at::max_pool2d(a.tensor(0), a.intList(1), a.intList(2), a.intList(3), a.intList(4), a.boolean(5, false)));
}
// (x, kernel, stride, padding, ceilMode, countIncludePad, divisorOverride?)
SMOOTHLAB_OP(avgPool2d) {
  return wrap(env, at::avg_pool2d(a.tensor(0), a.intList(1), a.intList(2), a.intList(3), a.boolean(4, false),
                                  a.boolean(5, true), a.optInteger(6)));
}
SMOOTHLAB_OP(adaptiveAvgPool2d) { return wrap(env, at::adaptive_avg_pool2d(a.tensor(0), a.intList(1))); }
// (x, p, training)
SMOOTHLAB_OP(dropout) { return wrap(env, at::dropout(a.tensor(0), a.number(1), a.boolean(2, true))); }
// Dropout2d zeroes whole channels: ATen's feature_dropout, as torch.nn.functional.dropout2d.
SMOOTHLAB_OP(dropout2d) { return wrap(env, at::feature_dropout(a.tensor(0), a.number(1), a.boolean(2, true))); }
// (logits, target, weight?, reduction, ignoreIndex, labelSmoothing): class-index or probability targets.
SMOOTHLAB_OP(crossEntropy) {
  return wrap(env, at::cross_entropy_loss(a.tensor(0), a.tensor(1), a.optTensor(2), reduction(a, 3),
                                          a.integer(4, -100), a.number(5, 0.0)));
}
// (logProbs, target, weight?, reduction, ignoreIndex)
SMOOTHLAB_OP(nllLoss) {
  return wrap(env, at::nll_loss_nd(a.tensor(0), a.tensor(1), a.optTensor(2), reduction(a, 3), a.integer(4, -100)));
}
SMOOTHLAB_OP(oneHot) { return wrap(env, at::one_hot(a.tensor(0), a.integer(1, -1))); }

// ---- _foreach_: one call updates a whole parameter list ----
// (self[], other[] | scalar, alpha)
SMOOTHLAB_OP(foreachAdd_) {
  auto self = a.tensorList(0);
  if (a.raw(1).IsArray()) at::_foreach_add_(self, a.tensorList(1), a.scalar(2));
  else at::_foreach_add_(self, a.scalar(1));
  return env.Undefined();
}
SMOOTHLAB_OP(foreachMul_) {
  auto self = a.tensorList(0);
  if (a.raw(1).IsArray()) at::_foreach_mul_(self, a.tensorList(1));
  else at::_foreach_mul_(self, a.scalar(1));
  return env.Undefined();
}
SMOOTHLAB_OP(foreachDiv_) {
  auto self = a.tensorList(0);
  if (a.raw(1).IsArray()) at::_foreach_div_(self, a.tensorList(1));
  else at::_foreach_div_(self, a.scalar(1));
  return env.Undefined();
}
SMOOTHLAB_OP(foreachAddcmul_) {
  auto self = a.tensorList(0);
  at::_foreach_addcmul_(self, a.tensorList(1), a.tensorList(2), a.scalar(3));
  return env.Undefined();
}
// (self[], t1[], t2[], value | values[])
SMOOTHLAB_OP(foreachAddcdiv_) {
  auto self = a.tensorList(0);
  if (a.raw(3).IsArray()) at::_foreach_addcdiv_(self, a.tensorList(1), a.tensorList(2), a.scalarList(3));
  else at::_foreach_addcdiv_(self, a.tensorList(1), a.tensorList(2), a.scalar(3));
  return env.Undefined();
}
SMOOTHLAB_OP(foreachZero_) {
  auto self = a.tensorList(0);
  at::_foreach_zero_(self);
  return env.Undefined();
}
SMOOTHLAB_OP(foreachSqrt) { return wrapList(env, at::_foreach_sqrt(a.tensorList(0))); }
SMOOTHLAB_OP(foreachMaximum_) {
  auto self = a.tensorList(0);
  at::_foreach_maximum_(self, a.tensorList(1));
  return env.Undefined();
}

}  // namespace

void registerFunctional(Napi::Env env, Napi::Object exports) {
#define X(name) SMOOTHLAB_EXPORT(exports, name);
  X(conv2d) X(linear) X(batchNorm) X(maxPool2d) X(avgPool2d) X(adaptiveAvgPool2d) X(dropout)
  X(dropout2d) X(crossEntropy) X(nllLoss) X(oneHot)
  X(foreachAdd_) X(foreachMul_) X(foreachDiv_) X(foreachAddcmul_) X(foreachAddcdiv_) X(foreachZero_)
  X(foreachSqrt) X(foreachMaximum_)
#undef X
}

}  // namespace smoothlab
