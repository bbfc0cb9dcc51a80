// The addon's core: handles and their accounting, argument conversion, errors, tensor
// creation and copy-out, metadata, autograd state, random state, threads and versions.
#include "common.h"

#include <ATen/ScalarOps.h>

#include <cmath>
#include <cstring>
#include <deque>

#ifndef SMOOTHLAB_LIBTORCH_VERSION
#define SMOOTHLAB_LIBTORCH_VERSION "unknown"
#endif

namespace smoothlab {

namespace {

struct AddonData {
  Napi::FunctionReference errorClass;  // TorchError, handed over by src/torch/native.ts
};

// Bytes a tensor addresses; views count their own extent, which over-reports shared storage
// but keeps the number cheap and monotone in what JS holds.
int64_t addressedBytes(const at::Tensor& t) {
  return t.defined() ? static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size()) : 0;
}

struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;
  uint32_t generation = 0;
};

// A deque keeps references to slots valid while new tensors are added during a call.
std::deque<Slot>& slots() {
  static std::deque<Slot> table;
  return table;
}
std::vector<uint32_t>& freeSlots() {
  static std::vector<uint32_t> list;
  return list;
}

// A handle is generation << kIndexBits | index, below 2^30 so that V8 keeps it a Smi on every build
// (31-bit Smis with pointer compression). That allows 2^20 live tensors, far beyond any sane program:
// a leak hits a clear error long before memory runs out of metadata.
constexpr int kIndexBits = 20;
constexpr uint32_t kMaxSlots = 1u << kIndexBits;
constexpr uint32_t kGenerationMask = (1u << (30 - kIndexBits)) - 1;

int32_t encode(uint32_t index, uint32_t generation) {
  return static_cast<int32_t>(((generation & kGenerationMask) << kIndexBits) | index);
}

// The slot index of a live handle's code, or -1 for a stale code or one that is no handle.
int64_t slotIndex(int32_t code) {
  if (code < 0) return -1;
  uint32_t index = static_cast<uint32_t>(code) & (kMaxSlots - 1);
  uint32_t generation = static_cast<uint32_t>(code) >> kIndexBits;
  if (index >= slots().size()) return -1;
  const Slot& slot = slots()[index];
  return (slot.generation & kGenerationMask) == generation && slot.tensor.defined() ? index : -1;
}

// The slot index of a live handle, or -1 for a stale handle or a value that is no handle.
int64_t slotIndex(Napi::Value handle) {
  // One N-API call: napi_get_value_int32 fails on anything that is not a number, so no separate
  // type check is needed on this path, which every tensor argument takes.
  int32_t code = -1;
  if (handle.IsEmpty() || napi_get_value_int32(handle.Env(), handle, &code) != napi_ok) return -1;
  return slotIndex(code);
}

const std::pair<const char*, at::ScalarType> kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf},
    {"bfloat16", at::kBFloat16}, {"int64", at::kLong}, {"int32", at::kInt},
    {"int16", at::kShort}, {"int8", at::kChar}, {"uint8", at::kByte}, {"bool", at::kBool},
};

}  // namespace

LiveStats& liveStats() {
  static LiveStats stats;
  return stats;
}

namespace {
// V8 hears about external memory in steps of 1 MiB: telling it about every small tensor costs more
// than the op, and GC heuristics only care about large amounts anyway.
void reportExternal(Napi::Env env, int64_t delta) {
  static int64_t pending = 0;
  pending += delta;
  if (pending >= (1 << 20) || pending <= -(1 << 20)) {
    Napi::MemoryManagement::AdjustExternalMemory(env, pending);
    pending = 0;
  }
}
}  // namespace

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  uint32_t index;
  if (freeSlots().empty()) {
    if (slots().size() >= kMaxSlots) {
      throw Napi::Error::New(env, "more than " + std::to_string(kMaxSlots) +
                                      " tensors are alive at once, which looks like a leak: dispose() them or work inside tidy()");
    }
    index = static_cast<uint32_t>(slots().size());
    slots().emplace_back();
  } else {
    index = freeSlots().back();
    freeSlots().pop_back();
  }
  Slot& slot = slots()[index];
  slot.generation += 1;  // a new generation invalidates any handle left from the slot's last use
  slot.bytes = addressedBytes(tensor);
  slot.tensor = std::move(tensor);
  liveStats().tensors += 1;
  liveStats().bytes += slot.bytes;
  reportExternal(env, slot.bytes);
  napi_value handle;
  NAPI_THROW_IF_FAILED(env, napi_create_int32(env, encode(index, slot.generation), &handle), Napi::Value());
  return Napi::Value(env, handle);
}

Napi::Value wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto out = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) out.Set(static_cast<uint32_t>(i), wrap(env, tensors[i]));
  return out;
}

at::Tensor* lookup(Napi::Value handle) {
  int64_t index = slotIndex(handle);
  return index < 0 ? nullptr : &slots()[index].tensor;
}

namespace {
bool releaseSlot(Napi::Env env, int64_t index) {
  if (index < 0) return false;
  Slot& slot = slots()[index];
  liveStats().tensors -= 1;
  liveStats().bytes -= slot.bytes;
  reportExternal(env, -slot.bytes);
  slot.tensor.reset();
  slot.bytes = 0;
  freeSlots().push_back(static_cast<uint32_t>(index));
  return true;
}
}  // namespace

bool release(Napi::Env env, Napi::Value handle) { return releaseSlot(env, slotIndex(handle)); }

namespace {
// The op a user called, for messages: a Scalar overload's binding (`addScalar`, `mulScalar_`,
// `whereScalarOther`) reports the op's own name (`add`, `mul_`, `where`); users never see overloads.
std::string userOpName(const char* binding) {
  std::string name(binding);
  size_t at = name.rfind("Scalar");
  if (at == std::string::npos || at == 0) return name;
  return name.substr(0, at) + (name.back() == '_' ? "_" : "");
}
}  // namespace

Napi::Error torchError(Napi::Env env, const char* binding, const std::string& message) {
  const std::string op = userOpName(binding);
  auto* data = env.GetInstanceData<AddonData>();
  if (data != nullptr && !data->errorClass.IsEmpty()) {
    Napi::Object error = data->errorClass.New({Napi::String::New(env, message), Napi::String::New(env, op)});
    return Napi::Error(env, error);
  }
  return Napi::Error::New(env, op + ": " + message);
}

const char* dtypeName(at::ScalarType type) {
  for (const auto& [name, t] : kDtypes)
    if (t == type) return name;
  return c10::toString(type);
}

std::string deviceName(const at::Device& device) {
  if (device.is_cpu()) return "cpu";
  return device.str();
}

// ---- Args -------------------------------------------------------------------------------

void Args::fail(size_t i, const std::string& expected) const {
  throw Napi::TypeError::New(env(), userOpName(op_) + ": argument " + std::to_string(i) + " must be " + expected);
}

at::Tensor& Args::tensor(size_t i) const {
  if (i >= info_.Length()) fail(i, "a Tensor");
  at::Tensor* t = lookup(info_[i]);
  if (t == nullptr) fail(i, info_[i].IsNumber() ? "a live Tensor (this one was disposed)" : "a Tensor");
  return *t;
}

at::Tensor Args::optTensor(size_t i) const { return isNullish(i) ? at::Tensor() : tensor(i); }

std::vector<at::Tensor> Args::tensorList(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of Tensors");
  auto array = info_[i].As<Napi::Array>();
  std::vector<at::Tensor> out;
  out.reserve(array.Length());
  for (uint32_t k = 0; k < array.Length(); ++k) {
    Napi::Value v = array.Get(k);
    at::Tensor* t = lookup(v);
    if (t == nullptr) fail(i, v.IsNumber() ? "an array of live Tensors (one was disposed)" : "an array of Tensors");
    out.push_back(*t);
  }
  return out;
}

at::Scalar Args::scalar(size_t i) const { return scalar(i, "a number, boolean or bigint"); }

at::Scalar Args::scalar(size_t i, const char* expected) const {
  if (i >= info_.Length()) fail(i, expected);
  Napi::Value v = info_[i];
  if (v.IsNumber()) {
    double x = v.As<Napi::Number>().DoubleValue();
    // A JS number with an integral value acts as a Python int (so int tensors stay int);
    // any other number acts as a Python float.
    if (std::isfinite(x) && x == std::trunc(x) && std::fabs(x) <= 9007199254740992.0)
      return at::Scalar(static_cast<int64_t>(x));
    return at::Scalar(x);
  }
  if (v.IsBoolean()) return at::Scalar(v.As<Napi::Boolean>().Value());
  if (v.IsBigInt()) {
    bool lossless = true;
    int64_t x = v.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless) fail(i, "a bigint within int64");
    return at::Scalar(x);
  }
  fail(i, expected);
}

std::vector<at::Scalar> Args::scalarList(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of numbers");
  auto array = info_[i].As<Napi::Array>();
  std::vector<at::Scalar> out;
  for (uint32_t k = 0; k < array.Length(); ++k) {
    Napi::Value v = array.Get(k);
    if (!v.IsNumber()) fail(i, "an array of numbers");
    out.emplace_back(v.As<Napi::Number>().DoubleValue());
  }
  return out;
}

at::Tensor Args::wrappedScalar(size_t i) const {
  at::Tensor t = c10::scalar_to_tensor(scalar(i, kTensorLike));
  t.unsafeGetTensorImpl()->set_wrapped_number(true);
  return t;
}

double Args::number(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsNumber()) fail(i, "a number");
  return info_[i].As<Napi::Number>().DoubleValue();
}

int64_t Args::integer(size_t i) const {
  double x = number(i);
  if (x != std::trunc(x)) fail(i, "an integer");
  return static_cast<int64_t>(x);
}

c10::optional<int64_t> Args::optInteger(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return integer(i);
}

bool Args::boolean(size_t i, bool fallback) const {
  if (isNullish(i)) return fallback;
  if (!info_[i].IsBoolean()) fail(i, "a boolean");
  return info_[i].As<Napi::Boolean>().Value();
}

std::vector<int64_t> Args::intList(size_t i) const {
  if (i < info_.Length() && info_[i].IsNumber()) return {integer(i)};
  if (i >= info_.Length() || !info_[i].IsArray()) fail(i, "an array of integers");
  auto array = info_[i].As<Napi::Array>();
  std::vector<int64_t> out(array.Length());
  for (uint32_t k = 0; k < array.Length(); ++k) {
    Napi::Value v = array.Get(k);
    if (!v.IsNumber()) fail(i, "an array of integers");
    double x = v.As<Napi::Number>().DoubleValue();
    if (x != std::trunc(x)) fail(i, "an array of integers");
    out[k] = static_cast<int64_t>(x);
  }
  return out;
}

c10::optional<std::vector<int64_t>> Args::optIntList(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return intList(i);
}

std::string Args::string(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsString()) fail(i, "a string");
  return info_[i].As<Napi::String>().Utf8Value();
}

at::ScalarType Args::dtype(size_t i) const {
  std::string name = string(i);
  for (const auto& [n, t] : kDtypes)
    if (name == n) return t;
  fail(i, "a dtype (float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool), got '" + name + "'");
}

c10::optional<at::ScalarType> Args::optDtype(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return dtype(i);
}

at::Device Args::device(size_t i) const {
  if (isNullish(i)) return at::Device(at::kCPU);
  std::string name = string(i);
  try {
    return at::Device(name);
  } catch (const c10::Error&) {
    fail(i, "a device such as 'cpu' or 'cuda:0', got '" + name + "'");
  }
}

at::TensorOptions Args::options(size_t dtypeIndex, size_t deviceIndex) const {
  at::TensorOptions opts = at::TensorOptions().device(device(deviceIndex));
  if (!isNullish(dtypeIndex)) opts = opts.dtype(dtype(dtypeIndex));
  return opts;
}

// ---- creation and copy-out ---------------------------------------------------------------

// (data: ArrayBuffer | TypedArray, dtype, shape, device?) -> a copy in libtorch memory.
SMOOTHLAB_OP(fromBuffer) {
  Napi::Value data = a.raw(0);
  const uint8_t* bytes = nullptr;
  size_t length = 0;
  if (data.IsArrayBuffer()) {
    auto buffer = data.As<Napi::ArrayBuffer>();
    bytes = static_cast<const uint8_t*>(buffer.Data());
    length = buffer.ByteLength();
  } else if (data.IsTypedArray()) {
    auto view = data.As<Napi::TypedArray>();
    bytes = static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset();
    length = view.ByteLength();
  } else {
    a.fail(0, "an ArrayBuffer or TypedArray");
  }
  at::ScalarType type = a.dtype(1);
  std::vector<int64_t> shape = a.intList(2);
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) a.fail(2, "a shape of non-negative sizes");
    numel *= d;
  }
  size_t expected = static_cast<size_t>(numel) * c10::elementSize(type);
  if (length != expected)
    a.fail(0, std::to_string(expected) + " bytes for shape and dtype " + dtypeName(type) + ", got " + std::to_string(length));
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(type));
  if (expected > 0) std::memcpy(out.data_ptr(), bytes, expected);
  at::Device dev = a.device(3);
  if (!dev.is_cpu()) out = out.to(dev);
  return wrap(env, out);
}

SMOOTHLAB_OP(toBuffer) {
  at::Tensor t = a.tensor(0).detach();
  if (auto asType = a.optDtype(1)) t = t.to(*asType);
  t = t.to(at::kCPU).contiguous();
  size_t n = t.numel() * t.element_size();
  auto buffer = Napi::ArrayBuffer::New(env, n);
  if (n > 0) std::memcpy(buffer.Data(), t.data_ptr(), n);
  return buffer;
}

SMOOTHLAB_OP(item) {
  const at::Tensor& t = a.tensor(0);
  if (t.numel() != 1) a.fail(0, "a tensor with one element (it has " + std::to_string(t.numel()) + ")");
  at::Scalar s = t.item();
  if (s.isBoolean()) return Napi::Boolean::New(env, s.toBool());
  if (s.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(s.toLong()));
  return Napi::Number::New(env, s.toDouble());
}

SMOOTHLAB_OP(zeros) { return wrap(env, at::zeros(a.intList(0), a.options(1, 2))); }
SMOOTHLAB_OP(ones) { return wrap(env, at::ones(a.intList(0), a.options(1, 2))); }
SMOOTHLAB_OP(empty) { return wrap(env, at::empty(a.intList(0), a.options(1, 2))); }
SMOOTHLAB_OP(full) { return wrap(env, at::full(a.intList(0), a.scalar(1), a.options(2, 3))); }
SMOOTHLAB_OP(arange) { return wrap(env, at::arange(a.scalar(0), a.scalar(1), a.scalar(2), a.options(3, 4))); }
SMOOTHLAB_OP(linspace) {
  return wrap(env, at::linspace(a.scalar(0), a.scalar(1), a.integer(2), a.options(3, 4)));
}
SMOOTHLAB_OP(eye) { return wrap(env, at::eye(a.integer(0), a.integer(1), a.options(2, 3))); }
SMOOTHLAB_OP(randn) { return wrap(env, at::randn(a.intList(0), a.options(1, 2))); }
SMOOTHLAB_OP(rand) { return wrap(env, at::rand(a.intList(0), a.options(1, 2))); }
SMOOTHLAB_OP(randint) {
  return wrap(env, at::randint(a.integer(0), a.integer(1), a.intList(2), a.options(3, 4)));
}
SMOOTHLAB_OP(randperm) { return wrap(env, at::randperm(a.integer(0), a.options(1, 2))); }

// ---- metadata ----------------------------------------------------------------------------

SMOOTHLAB_OP(shape) {
  auto sizes = a.tensor(0).sizes();
  auto out = Napi::Array::New(env, sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, sizes[i]));
  return out;
}
SMOOTHLAB_OP(dtype) { return Napi::String::New(env, dtypeName(a.tensor(0).scalar_type())); }
SMOOTHLAB_OP(device) { return Napi::String::New(env, deviceName(a.tensor(0).device())); }
SMOOTHLAB_OP(isContiguous) { return Napi::Boolean::New(env, a.tensor(0).is_contiguous()); }
SMOOTHLAB_OP(sameStorage) {
  return Napi::Boolean::New(env, a.tensor(0).storage().is_alias_of(a.tensor(1).storage()));
}

// ---- memory --------------------------------------------------------------------------------

SMOOTHLAB_OP(dispose) {
  if (!a.raw(0).IsNumber()) a.fail(0, "a Tensor handle");
  return Napi::Boolean::New(env, release(env, a.raw(0)));
}

// (handles, count): releases the first `count` handles of an Int32Array in one call (tidy() ends a
// scope with it). The codes are read straight from the array's memory, not element by element
// through N-API, and JS reuses the array from scope to scope.
SMOOTHLAB_OP(disposeAll) {
  Napi::Value v = a.raw(0);
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    a.fail(0, "an Int32Array of Tensor handles");
  auto codes = v.As<Napi::Int32Array>();
  int64_t count = a.integer(1);
  if (count < 0 || static_cast<size_t>(count) > codes.ElementLength()) a.fail(1, "a count within the array");
  for (size_t i = 0; i < static_cast<size_t>(count); ++i) releaseSlot(env, slotIndex(codes[i]));
  return env.Undefined();
}

SMOOTHLAB_OP(memory) {
  auto out = Napi::Object::New(env);
  out.Set("tensors", Napi::Number::New(env, static_cast<double>(liveStats().tensors)));
  out.Set("bytes", Napi::Number::New(env, static_cast<double>(liveStats().bytes)));
  return out;
}

// ---- autograd ------------------------------------------------------------------------------

SMOOTHLAB_OP(requiresGrad) { return Napi::Boolean::New(env, a.tensor(0).requires_grad()); }
SMOOTHLAB_OP(setRequiresGrad) {
  a.tensor(0).requires_grad_(a.boolean(1, true));
  return env.Undefined();
}
SMOOTHLAB_OP(isLeaf) { return Napi::Boolean::New(env, a.tensor(0).is_leaf()); }
SMOOTHLAB_OP(gradFn) {
  const auto& fn = a.tensor(0).grad_fn();
  return fn ? static_cast<Napi::Value>(Napi::String::New(env, fn->name())) : env.Null();
}
SMOOTHLAB_OP(grad) { return wrap(env, a.tensor(0).grad()); }
SMOOTHLAB_OP(setGrad) {
  a.tensor(0).mutable_grad() = a.optTensor(1);
  return env.Undefined();
}
// p.data = src: swaps the tensor's storage and layout, keeping its identity and autograd leaf status.
SMOOTHLAB_OP(setData) {
  a.tensor(0).set_data(a.tensor(1));
  return env.Undefined();
}
SMOOTHLAB_OP(retainGrad) {
  a.tensor(0).retain_grad();
  return env.Undefined();
}
// (tensor, gradient?, retainGraph?, createGraph?)
SMOOTHLAB_OP(backward) {
  bool createGraph = a.boolean(3, false);
  c10::optional<bool> retainGraph;
  if (!a.isNullish(2)) retainGraph = a.boolean(2, false);
  a.tensor(0).backward(a.optTensor(1), retainGraph, createGraph);
  return env.Undefined();
}
SMOOTHLAB_OP(setGradEnabled) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(a.boolean(0, true));
  return Napi::Boolean::New(env, previous);
}
SMOOTHLAB_OP(isGradEnabled) { return Napi::Boolean::New(env, at::GradMode::is_enabled()); }

// ---- random state, threads, versions ---------------------------------------------------------

SMOOTHLAB_OP(manualSeed) {
  at::Scalar seed = a.scalar(0);
  torch::manual_seed(static_cast<uint64_t>(seed.toLong()));
  return env.Undefined();
}
SMOOTHLAB_OP(getRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return wrap(env, gen.get_state());
}
SMOOTHLAB_OP(setRngState) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(a.tensor(0));
  return env.Undefined();
}
SMOOTHLAB_OP(setNumThreads) {
  int64_t n = a.integer(0);
  if (n < 1) a.fail(0, "a positive integer");
  at::set_num_threads(static_cast<int>(n));
  return env.Undefined();
}
SMOOTHLAB_OP(getNumThreads) { return Napi::Number::New(env, at::get_num_threads()); }
SMOOTHLAB_OP(cudaAvailable) { return Napi::Boolean::New(env, torch::cuda::is_available()); }
SMOOTHLAB_OP(cudaDeviceCount) { return Napi::Number::New(env, static_cast<double>(torch::cuda::device_count())); }

// Hands over the JS TorchError class, so that libtorch failures arrive as its instances.
SMOOTHLAB_OP(setErrorClass) {
  if (!a.raw(0).IsFunction()) a.fail(0, "a class");
  env.GetInstanceData<AddonData>()->errorClass = Napi::Persistent(a.raw(0).As<Napi::Function>());
  return env.Undefined();
}

void registerCore(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<AddonData>(new AddonData());
  SMOOTHLAB_EXPORT(exports, fromBuffer);
  SMOOTHLAB_EXPORT(exports, toBuffer);
  SMOOTHLAB_EXPORT(exports, item);
  SMOOTHLAB_EXPORT(exports, zeros);
  SMOOTHLAB_EXPORT(exports, ones);
  SMOOTHLAB_EXPORT(exports, empty);
  SMOOTHLAB_EXPORT(exports, full);
  SMOOTHLAB_EXPORT(exports, arange);
  SMOOTHLAB_EXPORT(exports, linspace);
  SMOOTHLAB_EXPORT(exports, eye);
  SMOOTHLAB_EXPORT(exports, randn);
  SMOOTHLAB_EXPORT(exports, rand);
  SMOOTHLAB_EXPORT(exports, randint);
  SMOOTHLAB_EXPORT(exports, randperm);
  SMOOTHLAB_EXPORT(exports, shape);
  SMOOTHLAB_EXPORT(exports, dtype);
  SMOOTHLAB_EXPORT(exports, device);
  SMOOTHLAB_EXPORT(exports, isContiguous);
  SMOOTHLAB_EXPORT(exports, sameStorage);
  SMOOTHLAB_EXPORT(exports, dispose);
  SMOOTHLAB_EXPORT(exports, disposeAll);
  SMOOTHLAB_EXPORT(exports, memory);
  SMOOTHLAB_EXPORT(exports, requiresGrad);
  SMOOTHLAB_EXPORT(exports, setRequiresGrad);
  SMOOTHLAB_EXPORT(exports, isLeaf);
  SMOOTHLAB_EXPORT(exports, gradFn);
  SMOOTHLAB_EXPORT(exports, grad);
  SMOOTHLAB_EXPORT(exports, setGrad);
  SMOOTHLAB_EXPORT(exports, retainGrad);
  SMOOTHLAB_EXPORT(exports, setData);
  SMOOTHLAB_EXPORT(exports, backward);
  SMOOTHLAB_EXPORT(exports, setGradEnabled);
  SMOOTHLAB_EXPORT(exports, isGradEnabled);
  SMOOTHLAB_EXPORT(exports, manualSeed);
  SMOOTHLAB_EXPORT(exports, getRngState);
  SMOOTHLAB_EXPORT(exports, setRngState);
  SMOOTHLAB_EXPORT(exports, setNumThreads);
  SMOOTHLAB_EXPORT(exports, getNumThreads);
  SMOOTHLAB_EXPORT(exports, cudaAvailable);
  SMOOTHLAB_EXPORT(exports, cudaDeviceCount);
  SMOOTHLAB_EXPORT(exports, setErrorClass);
  exports.Set("version", Napi::String::New(env, SMOOTHLAB_LIBTORCH_VERSION));
#ifdef SMOOTHLAB_WITH_CUDA
  exports.Set("builtWithCuda", Napi::Boolean::New(env, true));
#else
  exports.Set("builtWithCuda", Napi::Boolean::New(env, false));
#endif
}

}  // namespace smoothlab

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  smoothlab::registerCore(env, exports);
  smoothlab::registerOps(env, exports);
  smoothlab::registerFunctional(env, exports);
  return exports;
}

NODE_API_MODULE(smoothlab, Init)
