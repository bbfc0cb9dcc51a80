// Tensor operations: the hand-picked list smoothlab exposes (src/torch/tensor.ts is its JS face).
// An op whose operand may be a tensor or a JS scalar has two bindings, as ATen has two overloads:
// `add` (add.Tensor) and `addScalar` (add.Scalar). The scalar arrives as a 0-dim "wrapped number"
// tensor (Args::wrappedScalar), so `x.add(2)` promotes exactly as PyTorch's `x + 2` does.
#include "common.h"

namespace smoothlab {
namespace {

#define UNARY(name, expr) \
  SMOOTHLAB_OP(name) {    \
    const at::Tensor& x = a.tensor(0); \
    return wrap(env, expr);          \
  }
#define BINARY(name, fn)                                                                      \
  SMOOTHLAB_OP(name) { return wrap(env, fn(a.tensor(0), a.tensor(1))); }                      \
  SMOOTHLAB_OP(name##Scalar) { return wrap(env, fn(a.tensor(0), a.wrappedScalar(1))); }
// In-place ops return nothing: the JS side returns `this`.
#define INPLACE(name, stmt)          \
  SMOOTHLAB_OP(name) {               \
    at::Tensor& x = a.tensor(0);     \
    stmt;                            \
    return env.Undefined();          \
  }

// ---- elementwise ----
UNARY(neg, x.neg())
UNARY(abs, x.abs())
UNARY(exp, x.exp())
UNARY(log, x.log())
UNARY(log2, x.log2())
UNARY(log1p, x.log1p())
UNARY(expm1, x.expm1())
UNARY(sqrt, x.sqrt())
UNARY(rsqrt, x.rsqrt())
UNARY(square, x.square())
UNARY(reciprocal, x.reciprocal())
UNARY(sin, x.sin())
UNARY(cos, x.cos())
UNARY(tanh, x.tanh())
UNARY(sigmoid, x.sigmoid())
UNARY(relu, x.relu())
UNARY(erf, x.erf())
UNARY(floor, x.floor())
UNARY(ceil, x.ceil())
UNARY(round, x.round())
UNARY(trunc, x.trunc())
UNARY(sign, x.sign())
UNARY(logicalNot, x.logical_not())
UNARY(isnan, x.isnan())
UNARY(isinf, x.isinf())
UNARY(isfinite, x.isfinite())
UNARY(contiguous, x.contiguous())
UNARY(channelsLast, x.contiguous(at::MemoryFormat::ChannelsLast))
UNARY(clone, x.clone())
UNARY(detach, x.detach())

// (x, other, alpha?): JS omits alpha when it is 1, which saves converting it on the common path.
#define WITH_ALPHA(name, fn, operand)                                     \
  SMOOTHLAB_OP(name) {                                                   \
    if (a.size() < 3) return wrap(env, fn(a.tensor(0), a.operand(1)));   \
    return wrap(env, fn(a.tensor(0), a.operand(1), a.scalar(2)));        \
  }
WITH_ALPHA(add, at::add, tensor)
WITH_ALPHA(addScalar, at::add, wrappedScalar)
WITH_ALPHA(sub, at::sub, tensor)
WITH_ALPHA(subScalar, at::sub, wrappedScalar)
BINARY(mul, at::mul)
// (x, other, roundingMode?)
#define DIV(name, operand)                                                        \
  SMOOTHLAB_OP(name) {                                                          \
    if (a.isNullish(2)) return wrap(env, at::div(a.tensor(0), a.operand(1)));   \
    return wrap(env, at::div(a.tensor(0), a.operand(1), a.string(2)));          \
  }
DIV(div, tensor)
DIV(divScalar, wrappedScalar)
BINARY(pow, at::pow)
BINARY(remainder, at::remainder)
BINARY(fmod, at::fmod)
BINARY(maximum, at::maximum)
BINARY(minimum, at::minimum)
BINARY(atan2, at::atan2)
BINARY(eq, at::eq)
BINARY(ne, at::ne)
BINARY(lt, at::lt)
BINARY(le, at::le)
BINARY(gt, at::gt)
BINARY(ge, at::ge)
BINARY(logicalAnd, at::logical_and)
BINARY(logicalOr, at::logical_or)
BINARY(logicalXor, at::logical_xor)
SMOOTHLAB_OP(clamp) {
  c10::optional<at::Scalar> lo, hi;
  if (!a.isNullish(1)) lo = a.scalar(1);
  if (!a.isNullish(2)) hi = a.scalar(2);
  return wrap(env, at::clamp(a.tensor(0), lo, hi));
}
// (condition, x, y): where.self and its overloads for a scalar x (ScalarSelf), y (ScalarOther) or both.
SMOOTHLAB_OP(where) { return wrap(env, at::where(a.tensor(0), a.tensor(1), a.tensor(2))); }
SMOOTHLAB_OP(whereScalarSelf) { return wrap(env, at::where(a.tensor(0), a.scalar(1, kTensorLike), a.tensor(2))); }
SMOOTHLAB_OP(whereScalarOther) { return wrap(env, at::where(a.tensor(0), a.tensor(1), a.scalar(2, kTensorLike))); }
SMOOTHLAB_OP(whereScalar) { return wrap(env, at::where(a.tensor(0), a.scalar(1, kTensorLike), a.scalar(2, kTensorLike))); }
// lerp takes its weight as a tensor of the same dtype (lerp.Tensor) or as a Scalar (lerp.Scalar),
// not as a wrapped number.
SMOOTHLAB_OP(lerp) { return wrap(env, at::lerp(a.tensor(0), a.tensor(1), a.tensor(2))); }
SMOOTHLAB_OP(lerpScalar) { return wrap(env, at::lerp(a.tensor(0), a.tensor(1), a.scalar(2))); }
SMOOTHLAB_OP(allclose) {
  return Napi::Boolean::New(env, at::allclose(a.tensor(0), a.tensor(1), a.number(2, 1e-5), a.number(3, 1e-8), a.boolean(4, false)));
}

// ---- in place (optimizers, init) ----
INPLACE(add_, x.add_(a.tensor(1), a.scalar(2)))
INPLACE(addScalar_, x.add_(a.wrappedScalar(1), a.scalar(2)))
INPLACE(sub_, x.sub_(a.tensor(1), a.scalar(2)))
INPLACE(subScalar_, x.sub_(a.wrappedScalar(1), a.scalar(2)))
INPLACE(mul_, x.mul_(a.tensor(1)))
INPLACE(mulScalar_, x.mul_(a.wrappedScalar(1)))
INPLACE(div_, x.div_(a.tensor(1)))
INPLACE(divScalar_, x.div_(a.wrappedScalar(1)))
INPLACE(addcmul_, x.addcmul_(a.tensor(1), a.tensor(2), a.scalar(3)))
INPLACE(addcdiv_, x.addcdiv_(a.tensor(1), a.tensor(2), a.scalar(3)))
INPLACE(lerp_, x.lerp_(a.tensor(1), a.tensor(2)))
INPLACE(lerpScalar_, x.lerp_(a.tensor(1), a.scalar(2)))
INPLACE(copy_, x.copy_(a.tensor(1)))
INPLACE(zero_, x.zero_())
INPLACE(fill_, x.fill_(a.scalar(1)))
INPLACE(sqrt_, x.sqrt_())
INPLACE(relu_, x.relu_())
INPLACE(clampMin_, x.clamp_min_(a.scalar(1)))
INPLACE(maskedFill_, x.masked_fill_(a.tensor(1), a.scalar(2)))
INPLACE(uniform_, x.uniform_(a.number(1), a.number(2)))
INPLACE(normal_, x.normal_(a.number(1), a.number(2)))
INPLACE(bernoulli_, x.bernoulli_(a.number(1)))

// ---- shape and views ----
SMOOTHLAB_OP(reshape) { return wrap(env, a.tensor(0).reshape(a.intList(1))); }
SMOOTHLAB_OP(view) { return wrap(env, a.tensor(0).view(a.intList(1))); }
SMOOTHLAB_OP(permute) { return wrap(env, a.tensor(0).permute(a.intList(1))); }
SMOOTHLAB_OP(transpose) { return wrap(env, a.tensor(0).transpose(a.integer(1), a.integer(2))); }
SMOOTHLAB_OP(flatten) { return wrap(env, a.tensor(0).flatten(a.integer(1, 0), a.integer(2, -1))); }
SMOOTHLAB_OP(squeeze) {
  auto dim = a.optInteger(1);
  return wrap(env, dim ? a.tensor(0).squeeze(*dim) : a.tensor(0).squeeze());
}
SMOOTHLAB_OP(unsqueeze) { return wrap(env, a.tensor(0).unsqueeze(a.integer(1))); }
SMOOTHLAB_OP(expand) { return wrap(env, a.tensor(0).expand(a.intList(1))); }
SMOOTHLAB_OP(repeat) { return wrap(env, a.tensor(0).repeat(a.intList(1))); }
SMOOTHLAB_OP(flip) { return wrap(env, a.tensor(0).flip(a.intList(1))); }
SMOOTHLAB_OP(narrow) { return wrap(env, a.tensor(0).narrow(a.integer(1), a.integer(2), a.integer(3))); }
SMOOTHLAB_OP(select) { return wrap(env, a.tensor(0).select(a.integer(1), a.integer(2))); }
SMOOTHLAB_OP(slice) {
  return wrap(env, a.tensor(0).slice(a.integer(1), a.optInteger(2), a.optInteger(3), a.integer(4, 1)));
}
SMOOTHLAB_OP(cat) { return wrap(env, at::cat(a.tensorList(0), a.integer(1, 0))); }
SMOOTHLAB_OP(stack) { return wrap(env, at::stack(a.tensorList(0), a.integer(1, 0))); }
// (x, sizeOrSizes, dim): a number splits into equal parts, an array into those sizes.
SMOOTHLAB_OP(split) {
  int64_t dim = a.integer(2, 0);
  if (a.raw(1).IsArray()) return wrapList(env, a.tensor(0).split_with_sizes(a.intList(1), dim));
  return wrapList(env, a.tensor(0).split(a.integer(1), dim));
}
SMOOTHLAB_OP(chunk) { return wrapList(env, a.tensor(0).chunk(a.integer(1), a.integer(2, 0))); }
SMOOTHLAB_OP(indexSelect) { return wrap(env, a.tensor(0).index_select(a.integer(1), a.tensor(2))); }
SMOOTHLAB_OP(gather) { return wrap(env, a.tensor(0).gather(a.integer(1), a.tensor(2))); }
// (x, dim, index, src) and (x, dim, index, value): scatter.src and scatter.value.
SMOOTHLAB_OP(scatter) { return wrap(env, a.tensor(0).scatter(a.integer(1), a.tensor(2), a.tensor(3))); }
SMOOTHLAB_OP(scatterValue) { return wrap(env, a.tensor(0).scatter(a.integer(1), a.tensor(2), a.scalar(3))); }
SMOOTHLAB_OP(scatterAdd) { return wrap(env, a.tensor(0).scatter_add(a.integer(1), a.tensor(2), a.tensor(3))); }
SMOOTHLAB_OP(maskedFill) { return wrap(env, a.tensor(0).masked_fill(a.tensor(1), a.scalar(2))); }
SMOOTHLAB_OP(maskedSelect) { return wrap(env, a.tensor(0).masked_select(a.tensor(1))); }
SMOOTHLAB_OP(tril) { return wrap(env, a.tensor(0).tril(a.integer(1, 0))); }
SMOOTHLAB_OP(triu) { return wrap(env, a.tensor(0).triu(a.integer(1, 0))); }

// ---- reductions: (x, dims?, keepdim?, ...) ----
SMOOTHLAB_OP(sum) {
  auto dims = a.optIntList(1);
  auto dtype = a.optDtype(3);
  if (!dims) return wrap(env, a.tensor(0).sum(dtype));
  return wrap(env, a.tensor(0).sum(*dims, a.boolean(2, false), dtype));
}
SMOOTHLAB_OP(mean) {
  auto dims = a.optIntList(1);
  if (!dims) return wrap(env, a.tensor(0).mean());
  return wrap(env, a.tensor(0).mean(*dims, a.boolean(2, false)));
}
SMOOTHLAB_OP(prod) {
  auto dim = a.optInteger(1);
  if (!dim) return wrap(env, a.tensor(0).prod());
  return wrap(env, a.tensor(0).prod(*dim, a.boolean(2, false)));
}
// (x, dims?, keepdim?, unbiased): the std.dim / var.dim overloads exist in libtorch 1.13 and 2.x alike.
SMOOTHLAB_OP(stdDev) {
  auto dims = a.optIntList(1);
  at::OptionalIntArrayRef ref = dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt;
  return wrap(env, at::std(a.tensor(0), ref, a.boolean(3, true), a.boolean(2, false)));
}
SMOOTHLAB_OP(variance) {
  auto dims = a.optIntList(1);
  at::OptionalIntArrayRef ref = dims ? at::OptionalIntArrayRef(*dims) : c10::nullopt;
  return wrap(env, at::var(a.tensor(0), ref, a.boolean(3, true), a.boolean(2, false)));
}
SMOOTHLAB_OP(logsumexp) { return wrap(env, a.tensor(0).logsumexp(a.intList(1), a.boolean(2, false))); }
// (x, p, dims?, keepdim?)
SMOOTHLAB_OP(norm) {
  at::Scalar p = a.scalar(1);
  auto dims = a.optIntList(2);
  if (!dims) return wrap(env, at::norm(a.tensor(0), p));
  return wrap(env, at::norm(a.tensor(0), p, *dims, a.boolean(3, false)));
}
// (x, dim?, keepdim?): without dim the max of all elements; with dim [values, indices].
SMOOTHLAB_OP(max) {
  auto dim = a.optInteger(1);
  if (!dim) return wrap(env, a.tensor(0).max());
  auto [values, indices] = a.tensor(0).max(*dim, a.boolean(2, false));
  return wrapList(env, {values, indices});
}
SMOOTHLAB_OP(min) {
  auto dim = a.optInteger(1);
  if (!dim) return wrap(env, a.tensor(0).min());
  auto [values, indices] = a.tensor(0).min(*dim, a.boolean(2, false));
  return wrapList(env, {values, indices});
}
SMOOTHLAB_OP(argmax) { return wrap(env, a.tensor(0).argmax(a.optInteger(1), a.boolean(2, false))); }
SMOOTHLAB_OP(argmin) { return wrap(env, a.tensor(0).argmin(a.optInteger(1), a.boolean(2, false))); }
SMOOTHLAB_OP(all) { return wrap(env, a.tensor(0).all()); }
SMOOTHLAB_OP(any) { return wrap(env, a.tensor(0).any()); }
SMOOTHLAB_OP(cumsum) { return wrap(env, a.tensor(0).cumsum(a.integer(1))); }
// (x, k, dim, largest, sorted) -> [values, indices]
SMOOTHLAB_OP(topk) {
  auto [values, indices] = a.tensor(0).topk(a.integer(1), a.integer(2, -1), a.boolean(3, true), a.boolean(4, true));
  return wrapList(env, {values, indices});
}
SMOOTHLAB_OP(sort) {
  auto [values, indices] = a.tensor(0).sort(a.integer(1, -1), a.boolean(2, false));
  return wrapList(env, {values, indices});
}
SMOOTHLAB_OP(bincount) { return wrap(env, a.tensor(0).bincount(a.optTensor(1), a.integer(2, 0))); }

// ---- linear algebra and normalizers ----
SMOOTHLAB_OP(matmul) { return wrap(env, at::matmul(a.tensor(0), a.tensor(1))); }
SMOOTHLAB_OP(softmax) { return wrap(env, at::softmax(a.tensor(0), a.integer(1), a.optDtype(2))); }
SMOOTHLAB_OP(logSoftmax) { return wrap(env, at::log_softmax(a.tensor(0), a.integer(1), a.optDtype(2))); }

// ---- conversion: (x, dtype?, device?, copy?) ----
SMOOTHLAB_OP(to) {
  const at::Tensor& x = a.tensor(0);
  at::ScalarType dtype = a.optDtype(1).value_or(x.scalar_type());
  at::Device device = a.isNullish(2) ? x.device() : a.device(2);
  return wrap(env, x.to(device, dtype, /*non_blocking=*/false, a.boolean(3, false)));
}

}  // namespace

void registerOps(Napi::Env env, Napi::Object exports) {
#define X(name) SMOOTHLAB_EXPORT(exports, name);
  X(neg) X(abs) X(exp) X(log) X(log2) X(log1p) X(expm1) X(sqrt) X(rsqrt) X(square) X(reciprocal)
  X(sin) X(cos) X(tanh) X(sigmoid) X(relu) X(erf) X(floor) X(ceil) X(round) X(trunc) X(sign)
  X(logicalNot) X(isnan) X(isinf) X(isfinite) X(contiguous) X(channelsLast) X(clone) X(detach)
#define XS(name) X(name) X(name##Scalar)
  XS(add) XS(sub) XS(mul) XS(div) XS(pow) XS(remainder) XS(fmod) XS(maximum) XS(minimum) XS(atan2)
  XS(eq) XS(ne) XS(lt) XS(le) XS(gt) XS(ge) XS(logicalAnd) XS(logicalOr) XS(logicalXor) X(clamp) X(where) X(whereScalarSelf) X(whereScalarOther) X(whereScalar)
  XS(lerp) X(allclose)
  X(add_) X(addScalar_) X(sub_) X(subScalar_) X(mul_) X(mulScalar_) X(div_) X(divScalar_)
  X(addcmul_) X(addcdiv_) X(lerp_) X(lerpScalar_) X(copy_) X(zero_) X(fill_)
  X(sqrt_) X(relu_) X(clampMin_) X(maskedFill_) X(uniform_) X(normal_) X(bernoulli_)
  X(reshape) X(view) X(permute) X(transpose) X(flatten) X(squeeze) X(unsqueeze) X(expand) X(repeat)
  X(flip) X(narrow) X(select) X(slice) X(cat) X(stack) X(split) X(chunk) X(indexSelect) X(gather)
  X(scatter) X(scatterValue) X(scatterAdd) X(maskedFill) X(maskedSelect) X(tril) X(triu)
  X(sum) X(mean) X(prod) X(stdDev) X(variance) X(logsumexp) X(norm) X(max) X(min) X(argmax) X(argmin)
  X(all) X(any) X(cumsum) X(topk) X(sort) X(bincount)
  X(matmul) X(softmax) X(logSoftmax) X(to)
#undef XS
#undef X
}

}  // namespace smoothlab
