// Tensor operations: the hand-picked list smoothlab exposes (src/torch/tensor.ts is its JS face).
// An op whose operand may be a tensor or a JS scalar has two bindings, as ATen has two overloads:
// `add` (add.Tensor) and `addScalar` (add.Scalar). The scalar arrives as a 0-dim "wrapped number"
// tensor (WrappedScalar in bindings.txt), so `x.add(2)` promotes exactly as PyTorch's `x + 2` does.
#define SMOOTHLAB_UNIT_OPS  // this unit compiles the [ops] wrappers of bindings.gen.h
#include "bindings.gen.h"

namespace smoothlab {

// The families below are written through macros, but each still defines `impl::name` with its
// qualified name, so a family whose parameters drift from bindings.txt fails to compile.
#define UNARY(name, expr) \
  at::Tensor impl::name(const at::Tensor& self) { return expr; }
#define BINARY(name, fn)                                                                                   \
  at::Tensor impl::name(const at::Tensor& self, const at::Tensor& other) { return fn(self, other); }       \
  at::Tensor impl::name##Scalar(const at::Tensor& self, const at::Tensor& other) { return fn(self, other); }

// ---- elementwise ----
UNARY(neg, self.neg())
UNARY(abs, self.abs())
UNARY(exp, self.exp())
UNARY(log, self.log())
UNARY(log2, self.log2())
UNARY(log1p, self.log1p())
UNARY(expm1, self.expm1())
UNARY(sqrt, self.sqrt())
UNARY(rsqrt, self.rsqrt())
UNARY(square, self.square())
UNARY(reciprocal, self.reciprocal())
UNARY(sin, self.sin())
UNARY(cos, self.cos())
UNARY(tanh, self.tanh())
UNARY(sigmoid, self.sigmoid())
UNARY(relu, self.relu())
UNARY(erf, self.erf())
UNARY(floor, self.floor())
UNARY(ceil, self.ceil())
UNARY(round, self.round())
UNARY(trunc, self.trunc())
UNARY(sign, self.sign())
UNARY(logicalNot, self.logical_not())
UNARY(isnan, self.isnan())
UNARY(isinf, self.isinf())
UNARY(isfinite, self.isfinite())
UNARY(contiguous, self.contiguous())
// As PyTorch's t.to(memory_format=torch.channels_last): NHWC strides also where NCHW ones are
// channels-last contiguous too ([N, C, 1, 1]), so that the tensor reads as channels-last; and dense,
// where `to` would keep a sliced channels-last view as it is.
UNARY(channelsLast, self.to(self.options(), false, false, at::MemoryFormat::ChannelsLast).contiguous(at::MemoryFormat::ChannelsLast))
UNARY(clone, self.clone())
UNARY(detach, self.detach())

// JS omits alpha when it is 1, which saves converting it on the common path.
#define WITH_ALPHA(name, fn)                                                                                \
  at::Tensor impl::name(const at::Tensor& self, const at::Tensor& other, const c10::optional<at::Scalar>& alpha) { \
    return alpha ? fn(self, other, *alpha) : fn(self, other);                                               \
  }
WITH_ALPHA(add, at::add)
WITH_ALPHA(addScalar, at::add)
WITH_ALPHA(sub, at::sub)
WITH_ALPHA(subScalar, at::sub)
BINARY(mul, at::mul)
#define DIV(name)                                                                                          \
  at::Tensor impl::name(const at::Tensor& self, const at::Tensor& other, const c10::optional<std::string>& roundingMode) { \
    return roundingMode ? at::div(self, other, *roundingMode) : at::div(self, other);                      \
  }
DIV(div)
DIV(divScalar)
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
at::Tensor impl::clamp(const at::Tensor& self, const c10::optional<at::Scalar>& min, const c10::optional<at::Scalar>& max) {
  return at::clamp(self, min, max);
}
// where.self and its overloads for a scalar self (ScalarSelf), other (ScalarOther) or both.
at::Tensor impl::where(const at::Tensor& condition, const at::Tensor& self, const at::Tensor& other) {
  return at::where(condition, self, other);
}
at::Tensor impl::whereScalarSelf(const at::Tensor& condition, const at::Scalar& self, const at::Tensor& other) {
  return at::where(condition, self, other);
}
at::Tensor impl::whereScalarOther(const at::Tensor& condition, const at::Tensor& self, const at::Scalar& other) {
  return at::where(condition, self, other);
}
at::Tensor impl::whereScalar(const at::Tensor& condition, const at::Scalar& self, const at::Scalar& other) {
  return at::where(condition, self, other);
}
// lerp takes its weight as a tensor of the same dtype (lerp.Tensor) or as a Scalar (lerp.Scalar),
// not as a wrapped number.
at::Tensor impl::lerp(const at::Tensor& self, const at::Tensor& end, const at::Tensor& weight) { return at::lerp(self, end, weight); }
at::Tensor impl::lerpScalar(const at::Tensor& self, const at::Tensor& end, const at::Scalar& weight) { return at::lerp(self, end, weight); }
bool impl::allclose(const at::Tensor& self, const at::Tensor& other, double rtol, double atol, bool equalNan) {
  return at::allclose(self, other, rtol, atol, equalNan);
}

// ---- in place (optimizers, init) ----
void impl::add_(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) { self.add_(other, alpha); }
void impl::addScalar_(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) { self.add_(other, alpha); }
void impl::sub_(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) { self.sub_(other, alpha); }
void impl::subScalar_(const at::Tensor& self, const at::Tensor& other, const at::Scalar& alpha) { self.sub_(other, alpha); }
void impl::mul_(const at::Tensor& self, const at::Tensor& other) { self.mul_(other); }
void impl::mulScalar_(const at::Tensor& self, const at::Tensor& other) { self.mul_(other); }
void impl::div_(const at::Tensor& self, const at::Tensor& other) { self.div_(other); }
void impl::divScalar_(const at::Tensor& self, const at::Tensor& other) { self.div_(other); }
void impl::addcmul_(const at::Tensor& self, const at::Tensor& tensor1, const at::Tensor& tensor2, const at::Scalar& value) {
  self.addcmul_(tensor1, tensor2, value);
}
void impl::addcdiv_(const at::Tensor& self, const at::Tensor& tensor1, const at::Tensor& tensor2, const at::Scalar& value) {
  self.addcdiv_(tensor1, tensor2, value);
}
void impl::lerp_(const at::Tensor& self, const at::Tensor& end, const at::Tensor& weight) { self.lerp_(end, weight); }
void impl::lerpScalar_(const at::Tensor& self, const at::Tensor& end, const at::Scalar& weight) { self.lerp_(end, weight); }
void impl::copy_(const at::Tensor& self, const at::Tensor& src) { self.copy_(src); }
void impl::zero_(const at::Tensor& self) { self.zero_(); }
void impl::fill_(const at::Tensor& self, const at::Scalar& value) { self.fill_(value); }
void impl::sqrt_(const at::Tensor& self) { self.sqrt_(); }
void impl::relu_(const at::Tensor& self) { self.relu_(); }
void impl::clampMin_(const at::Tensor& self, const at::Scalar& min) { self.clamp_min_(min); }
void impl::clamp_(const at::Tensor& self, const c10::optional<at::Scalar>& min, const c10::optional<at::Scalar>& max) {
  self.clamp_(min, max);
}
void impl::maskedFill_(const at::Tensor& self, const at::Tensor& mask, const at::Scalar& value) { self.masked_fill_(mask, value); }
void impl::uniform_(const at::Tensor& self, double low, double high) { self.uniform_(low, high); }
void impl::normal_(const at::Tensor& self, double mean, double stdDev) { self.normal_(mean, stdDev); }
void impl::bernoulli_(const at::Tensor& self, double p) { self.bernoulli_(p); }

// ---- shape and views ----
at::Tensor impl::reshape(const at::Tensor& self, at::IntArrayRef shape) { return self.reshape(shape); }
at::Tensor impl::view(const at::Tensor& self, at::IntArrayRef size) { return self.view(size); }
at::Tensor impl::permute(const at::Tensor& self, at::IntArrayRef dims) { return self.permute(dims); }
at::Tensor impl::transpose(const at::Tensor& self, int64_t dim0, int64_t dim1) { return self.transpose(dim0, dim1); }
at::Tensor impl::t(const at::Tensor& self) { return self.t(); }
at::Tensor impl::flatten(const at::Tensor& self, int64_t startDim, int64_t endDim) { return self.flatten(startDim, endDim); }
at::Tensor impl::squeeze(const at::Tensor& self, c10::optional<int64_t> dim) { return dim ? self.squeeze(*dim) : self.squeeze(); }
at::Tensor impl::unsqueeze(const at::Tensor& self, int64_t dim) { return self.unsqueeze(dim); }
at::Tensor impl::expand(const at::Tensor& self, at::IntArrayRef size) { return self.expand(size); }
at::Tensor impl::repeat(const at::Tensor& self, at::IntArrayRef repeats) { return self.repeat(repeats); }
at::Tensor impl::tile(const at::Tensor& self, at::IntArrayRef dims) { return self.tile(dims); }
// No dims: roll the flattened tensor and restore the shape, as torch.roll(x, shifts).
at::Tensor impl::roll(const at::Tensor& self, at::IntArrayRef shifts, at::IntArrayRef dims) { return self.roll(shifts, dims); }
at::Tensor impl::flip(const at::Tensor& self, at::IntArrayRef dims) { return self.flip(dims); }
at::Tensor impl::narrow(const at::Tensor& self, int64_t dim, int64_t start, int64_t length) { return self.narrow(dim, start, length); }
at::Tensor impl::select(const at::Tensor& self, int64_t dim, int64_t index) { return self.select(dim, index); }
at::Tensor impl::slice(const at::Tensor& self, int64_t dim, c10::optional<int64_t> start, c10::optional<int64_t> end, int64_t step) {
  return self.slice(dim, start, end, step);
}
at::Tensor impl::cat(at::TensorList tensors, int64_t dim) { return at::cat(tensors, dim); }
at::Tensor impl::stack(at::TensorList tensors, int64_t dim) { return at::stack(tensors, dim); }
// split.Tensor takes one part size, split_with_sizes a list; JS picks by the argument's type.
std::vector<at::Tensor> impl::split(const at::Tensor& self, int64_t splitSize, int64_t dim) { return self.split(splitSize, dim); }
std::vector<at::Tensor> impl::splitWithSizes(const at::Tensor& self, at::IntArrayRef splitSizes, int64_t dim) {
  return self.split_with_sizes(splitSizes, dim);
}
std::vector<at::Tensor> impl::chunk(const at::Tensor& self, int64_t chunks, int64_t dim) { return self.chunk(chunks, dim); }
at::Tensor impl::indexSelect(const at::Tensor& self, int64_t dim, const at::Tensor& index) { return self.index_select(dim, index); }
at::Tensor impl::gather(const at::Tensor& self, int64_t dim, const at::Tensor& index) { return self.gather(dim, index); }
// scatter.src and scatter.value.
at::Tensor impl::scatter(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& src) {
  return self.scatter(dim, index, src);
}
at::Tensor impl::scatterValue(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Scalar& value) {
  return self.scatter(dim, index, value);
}
at::Tensor impl::scatterAdd(const at::Tensor& self, int64_t dim, const at::Tensor& index, const at::Tensor& src) {
  return self.scatter_add(dim, index, src);
}
at::Tensor impl::maskedFill(const at::Tensor& self, const at::Tensor& mask, const at::Scalar& value) { return self.masked_fill(mask, value); }
at::Tensor impl::maskedSelect(const at::Tensor& self, const at::Tensor& mask) { return self.masked_select(mask); }
at::Tensor impl::tril(const at::Tensor& self, int64_t diagonal) { return self.tril(diagonal); }
at::Tensor impl::triu(const at::Tensor& self, int64_t diagonal) { return self.triu(diagonal); }

// ---- reductions: without dims, over all elements (keepdim then has no say, as in PyTorch 1.13) ----
at::Tensor impl::sum(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, c10::optional<at::ScalarType> dtype) {
  return dim ? self.sum(*dim, keepdim, dtype) : self.sum(dtype);
}
at::Tensor impl::mean(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim) {
  return dim ? self.mean(*dim, keepdim) : self.mean();
}
at::Tensor impl::prod(const at::Tensor& self, c10::optional<int64_t> dim, bool keepdim) {
  return dim ? self.prod(*dim, keepdim) : self.prod();
}
// The std.dim / var.dim overloads exist in libtorch 1.13 and 2.x alike.
at::Tensor impl::stdDev(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, bool unbiased) {
  return at::std(self, dim, unbiased, keepdim);
}
at::Tensor impl::variance(const at::Tensor& self, at::OptionalIntArrayRef dim, bool keepdim, bool unbiased) {
  return at::var(self, dim, unbiased, keepdim);
}
at::Tensor impl::logsumexp(const at::Tensor& self, at::IntArrayRef dim, bool keepdim) { return self.logsumexp(dim, keepdim); }
at::Tensor impl::norm(const at::Tensor& self, const at::Scalar& p, at::OptionalIntArrayRef dim, bool keepdim) {
  return dim ? at::norm(self, p, *dim, keepdim) : at::norm(self, p);
}
// max / min of all elements, and max.dim / min.dim: [values, indices] along dim.
at::Tensor impl::max(const at::Tensor& self) { return self.max(); }
std::tuple<at::Tensor, at::Tensor> impl::maxDim(const at::Tensor& self, int64_t dim, bool keepdim) { return self.max(dim, keepdim); }
at::Tensor impl::min(const at::Tensor& self) { return self.min(); }
std::tuple<at::Tensor, at::Tensor> impl::minDim(const at::Tensor& self, int64_t dim, bool keepdim) { return self.min(dim, keepdim); }
at::Tensor impl::argmax(const at::Tensor& self, c10::optional<int64_t> dim, bool keepdim) { return self.argmax(dim, keepdim); }
at::Tensor impl::argmin(const at::Tensor& self, c10::optional<int64_t> dim, bool keepdim) { return self.argmin(dim, keepdim); }
at::Tensor impl::all(const at::Tensor& self) { return self.all(); }
at::Tensor impl::any(const at::Tensor& self) { return self.any(); }
// A dtype casts the input before summing, so an int64 running sum of uint8 data cannot overflow.
at::Tensor impl::cumsum(const at::Tensor& self, int64_t dim, c10::optional<at::ScalarType> dtype) { return self.cumsum(dim, dtype); }
std::tuple<at::Tensor, at::Tensor> impl::topk(const at::Tensor& self, int64_t k, int64_t dim, bool largest, bool sorted) {
  return self.topk(k, dim, largest, sorted);
}
// sort.stable, which plain sort calls with stable = false; stable keeps equal elements in input order.
std::tuple<at::Tensor, at::Tensor> impl::sort(const at::Tensor& self, int64_t dim, bool descending, bool stable) {
  return at::sort(self, stable, dim, descending);
}
at::Tensor impl::argsort(const at::Tensor& self, int64_t dim, bool descending, bool stable) { return at::argsort(self, stable, dim, descending); }
at::Tensor impl::bincount(const at::Tensor& self, const at::Tensor& weights, int64_t minlength) { return self.bincount(weights, minlength); }

// ---- linear algebra, normalizers, conversion ----
at::Tensor impl::matmul(const at::Tensor& self, const at::Tensor& other) { return at::matmul(self, other); }
// mm and bmm do not broadcast (2-d by 2-d, batch by batch), unlike matmul.
at::Tensor impl::mm(const at::Tensor& self, const at::Tensor& mat2) { return at::mm(self, mat2); }
at::Tensor impl::bmm(const at::Tensor& self, const at::Tensor& mat2) { return at::bmm(self, mat2); }
at::Tensor impl::einsum(const std::string& equation, at::TensorList tensors) { return at::einsum(equation, tensors); }
at::Tensor impl::softmax(const at::Tensor& self, int64_t dim, c10::optional<at::ScalarType> dtype) { return at::softmax(self, dim, dtype); }
at::Tensor impl::logSoftmax(const at::Tensor& self, int64_t dim, c10::optional<at::ScalarType> dtype) {
  return at::log_softmax(self, dim, dtype);
}
// A null dtype or device keeps the tensor's own. nonBlocking only changes a copy between pinned
// host memory and a CUDA device: it is queued on the current stream instead of waited for.
at::Tensor impl::to(const at::Tensor& self, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device, bool copy, bool nonBlocking) {
  return self.to(device.value_or(self.device()), dtype.value_or(self.scalar_type()), nonBlocking, copy);
}
// libtorch throws without CUDA (no pinned-memory allocator); src/torch/tensor.ts says so first.
at::Tensor impl::pinMemory(const at::Tensor& self) { return self.pin_memory(); }
bool impl::isPinned(const at::Tensor& self) { return self.is_pinned(); }

}  // namespace smoothlab
