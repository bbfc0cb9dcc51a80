// The addon's core: handles and their accounting, argument conversion, errors, tensor
// creation and copy-out, metadata, autograd state, random state, threads and versions.
#define SMOOTHLAB_UNIT_CORE  // this unit compiles the [core] wrappers of bindings.gen.h
#include "bindings.gen.h"
#include "runtime/cpu_heap.h"

#include <ATen/ScalarOps.h>
#include <c10/core/InferenceMode.h>

#include <algorithm>
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

// Bytes a tensor holds: its own extent, but never more than its storage, so that an expanded view
// (stride 0: 20000 x 20000 over 8 bytes) counts what it keeps alive, not what it would materialize.
// Several views of one storage each count their extent, which over-reports shared storage but
// keeps the number cheap and monotone in what JS holds.
int64_t addressedBytes(const at::Tensor& t) {
  if (!t.defined()) return 0;
  int64_t logical = static_cast<int64_t>(t.numel()) * static_cast<int64_t>(t.element_size());
  if (!t.has_storage()) return logical;
  return std::min(logical, static_cast<int64_t>(t.storage().nbytes()));
}

struct Slot {
  at::Tensor tensor;
  int64_t bytes = 0;
  uint32_t generation = 0;
  napi_ref owner = nullptr;  // weak reference to the JS Tensor, once watch() was called
};

// A watched slot as it was when watch() ran: a slot reused since has another generation.
struct Watched {
  uint32_t index;
  uint32_t generation;
};

// The handles of one JS thread and the live-handle accounting behind its torch.memory(). Node runs
// each JS environment (the main thread, each worker_thread) on an OS thread of its own and inits the
// addon once per environment, so a thread_local table gives each environment its own handles
// without a lock; libtorch's own threads never touch it. A handle number is therefore meaningful
// only on the thread that made it: posted to another thread, it is stale there or names another
// tensor.
struct HandleTable {
  std::deque<Slot> slots;  // a deque keeps references to slots valid while new tensors are added during a call
  std::vector<uint32_t> freeSlots;
  int64_t liveTensors = 0;
  int64_t liveBytes = 0;
  int64_t pendingExternal = 0;  // see reportExternal
  std::vector<Watched> watched;  // may hold released entries; sweep() and watch() prune them
  int64_t liveWatched = 0;
  napi_ref canary = nullptr;  // weak reference to an otherwise unreachable object: cleared by a GC
};

HandleTable& table() {
  static thread_local HandleTable t;
  return t;
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
int64_t slotIndex(const HandleTable& t, int32_t code) {
  if (code < 0) return -1;
  uint32_t index = static_cast<uint32_t>(code) & (kMaxSlots - 1);
  uint32_t generation = static_cast<uint32_t>(code) >> kIndexBits;
  if (index >= t.slots.size()) return -1;
  const Slot& slot = t.slots[index];
  bool live = (slot.generation & kGenerationMask) == generation && slot.tensor.defined();
  return live ? static_cast<int64_t>(index) : -1;  // not `index : -1`, whose common type is unsigned
}

// The tensor behind a handle, or nullptr for a stale handle or a value that is no handle.
at::Tensor* lookup(Napi::Value handle) {
  // One N-API call: napi_get_value_int32 fails on anything that is not a number, so no separate
  // type check is needed on this path, which every tensor argument takes.
  int32_t code = -1;
  if (handle.IsEmpty() || napi_get_value_int32(handle.Env(), handle, &code) != napi_ok) return nullptr;
  HandleTable& t = table();
  int64_t index = slotIndex(t, code);
  return index < 0 ? nullptr : &t.slots[index].tensor;
}

// V8 hears about the bytes of watched tensors only, the ones whose release waits for a collection
// (see watch()). Reporting every tensor made V8 start a major collection in each training step, as
// a step's activations pass its external-memory limit although tidy() frees them deterministically:
// a pause on the JS thread and a marking thread competing with libtorch's for the cores. The
// reports go in steps of 1 MiB: telling V8 about every small tensor costs more than the op.
void reportExternal(Napi::Env env, HandleTable& t, int64_t delta) {
  t.pendingExternal += delta;
  if (t.pendingExternal >= (1 << 20) || t.pendingExternal <= -(1 << 20)) {
    Napi::MemoryManagement::AdjustExternalMemory(env, t.pendingExternal);
    t.pendingExternal = 0;
  }
}

bool releaseSlot(Napi::Env env, HandleTable& t, int64_t index) {
  if (index < 0) return false;
  Slot& slot = t.slots[index];
  t.liveTensors -= 1;
  t.liveBytes -= slot.bytes;
  if (slot.owner != nullptr) {
    reportExternal(env, t, -slot.bytes);
    napi_delete_reference(env, slot.owner);
    slot.owner = nullptr;
    t.liveWatched -= 1;
  }
  slot.tensor.reset();
  slot.bytes = 0;
  t.freeSlots.push_back(static_cast<uint32_t>(index));
  return true;
}

const std::pair<const char*, at::ScalarType> kDtypes[] = {
    {"float32", at::kFloat}, {"float64", at::kDouble}, {"float16", at::kHalf},
    {"bfloat16", at::kBFloat16}, {"int64", at::kLong}, {"int32", at::kInt},
    {"int16", at::kShort}, {"int8", at::kChar}, {"uint8", at::kByte}, {"bool", at::kBool},
};

}  // namespace

Napi::Value wrap(Napi::Env env, at::Tensor tensor) {
  if (!tensor.defined()) return env.Null();
  HandleTable& t = table();
  uint32_t index;
  if (t.freeSlots.empty()) {
    if (t.slots.size() >= kMaxSlots) {
      throw Napi::Error::New(env, "more than " + std::to_string(kMaxSlots) +
                                      " tensors are alive at once, which looks like a leak: dispose() them or work inside tidy()");
    }
    index = static_cast<uint32_t>(t.slots.size());
    t.slots.emplace_back();
  } else {
    index = t.freeSlots.back();
    t.freeSlots.pop_back();
  }
  Slot& slot = t.slots[index];
  slot.generation += 1;  // a new generation invalidates any handle left from the slot's last use
  slot.bytes = addressedBytes(tensor);
  slot.tensor = std::move(tensor);
  t.liveTensors += 1;
  t.liveBytes += slot.bytes;
  napi_value handle;
  NAPI_THROW_IF_FAILED(env, napi_create_int32(env, encode(index, slot.generation), &handle), Napi::Value());
  return Napi::Value(env, handle);
}

Napi::Value wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors) {
  auto out = Napi::Array::New(env, tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) out.Set(static_cast<uint32_t>(i), wrap(env, tensors[i]));
  return out;
}

Napi::Value wrapPair(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair) {
  auto out = Napi::Array::New(env, 2);
  out.Set(0u, wrap(env, std::get<0>(pair)));
  out.Set(1u, wrap(env, std::get<1>(pair)));
  return out;
}

Napi::Value numberArray(Napi::Env env, at::IntArrayRef values) {
  auto out = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i) out.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(values[i])));
  return out;
}

Napi::Value optionalString(Napi::Env env, const c10::optional<std::string>& value) {
  return value ? static_cast<Napi::Value>(Napi::String::New(env, *value)) : env.Null();
}

Napi::Value bytesOf(Napi::Env env, const at::Tensor& tensor) {
  size_t n = tensor.numel() * tensor.element_size();
  auto buffer = Napi::ArrayBuffer::New(env, n);
  if (n > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), n);
  return buffer;
}

Napi::Value scalarValue(Napi::Env env, const at::Scalar& value) {
  if (value.isBoolean()) return Napi::Boolean::New(env, value.toBool());
  if (value.isIntegral(false)) return Napi::Number::New(env, static_cast<double>(value.toLong()));
  return Napi::Number::New(env, value.toDouble());
}

Napi::Error torchError(Napi::Env env, const std::string& op, const std::string& message) {
  auto* data = env.GetInstanceData<AddonData>();
  if (data != nullptr && !data->errorClass.IsEmpty()) {
    Napi::Object error = data->errorClass.New({Napi::String::New(env, message), Napi::String::New(env, op)});
    return Napi::Error(env, error);
  }
  return Napi::Error::New(env, op + ": " + message);
}

void rethrowAsJs(const Args& a) {
  try {
    throw;
  } catch (const Napi::Error&) {
    throw;
  } catch (const BadArgument& e) {
    a.fail(e.index, e.expected);
  } catch (const c10::Error& e) {
    throw torchError(a.env(), a.op(), e.what_without_backtrace());
  } catch (const std::exception& e) {
    throw torchError(a.env(), a.op(), e.what());
  }
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
  throw Napi::TypeError::New(env(), std::string(op_) + ": argument " + std::to_string(i) + " must be " + expected);
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

c10::optional<at::Scalar> Args::optScalar(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return scalar(i);
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

c10::optional<bool> Args::optBoolean(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return boolean(i, false);
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

c10::optional<std::string> Args::optString(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  return string(i);
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

c10::optional<at::Device> Args::optDevice(size_t i) const {
  if (isNullish(i)) return c10::nullopt;
  std::string name = string(i);
  try {
    return at::Device(name);
  } catch (const c10::Error&) {
    fail(i, "a device such as 'cpu' or 'cuda:0', got '" + name + "'");
  }
}

c10::ArrayRef<uint8_t> Args::bytes(size_t i) const {
  Napi::Value data = info_[i];
  if (data.IsArrayBuffer()) {
    auto buffer = data.As<Napi::ArrayBuffer>();
    return {static_cast<const uint8_t*>(buffer.Data()), buffer.ByteLength()};
  }
  if (data.IsTypedArray()) {
    auto view = data.As<Napi::TypedArray>();
    return {static_cast<const uint8_t*>(view.ArrayBuffer().Data()) + view.ByteOffset(), view.ByteLength()};
  }
  fail(i, "an ArrayBuffer or TypedArray");
}

c10::ArrayRef<int32_t> Args::int32s(size_t i) const {
  Napi::Value v = info_[i];
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_int32_array)
    fail(i, "an Int32Array of Tensor handles");
  auto codes = v.As<Napi::Int32Array>();
  return {codes.Data(), codes.ElementLength()};
}

int32_t Args::handleCode(size_t i) const {
  // Any number is accepted: a stale or foreign code is no error, release just reports false.
  int32_t code = -1;
  if (i >= info_.Length() || napi_get_value_int32(env(), info_[i], &code) != napi_ok) fail(i, "a Tensor handle");
  return code;
}

Napi::Function Args::function(size_t i) const {
  if (!info_[i].IsFunction()) fail(i, "a class");
  return info_[i].As<Napi::Function>();
}

Napi::Object Args::object(size_t i) const {
  if (i >= info_.Length() || !info_[i].IsObject()) fail(i, "an object");
  return info_[i].As<Napi::Object>();
}

// ---- creation and copy-out ---------------------------------------------------------------

namespace {
at::TensorOptions options(c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::TensorOptions().dtype(dtype).device(device);
}
}  // namespace

// A copy in libtorch memory of bytes laid out as `dtype` and `shape`.
at::Tensor impl::fromBuffer(c10::ArrayRef<uint8_t> data, at::ScalarType dtype, at::IntArrayRef shape, c10::optional<at::Device> device) {
  int64_t numel = 1;
  for (int64_t d : shape) {
    if (d < 0) throw BadArgument{2, "a shape of non-negative sizes"};
    numel *= d;
  }
  size_t expected = static_cast<size_t>(numel) * c10::elementSize(dtype);
  if (data.size() != expected)
    throw BadArgument{0, std::to_string(expected) + " bytes for shape and dtype " + dtypeName(dtype) + ", got " + std::to_string(data.size())};
  at::Tensor out = at::empty(shape, at::TensorOptions().dtype(dtype));
  if (expected > 0) std::memcpy(out.data_ptr(), data.data(), expected);
  if (device && !device->is_cpu()) out = out.to(*device);
  return out;
}

// The tensor whose bytes JS receives (the wrapper copies them into an ArrayBuffer).
at::Tensor impl::toBuffer(const at::Tensor& self, c10::optional<at::ScalarType> dtype) {
  at::Tensor t = self.detach();
  if (dtype) t = t.to(*dtype);
  return t.to(at::kCPU).contiguous();
}

at::Scalar impl::item(const at::Tensor& self) {
  if (self.numel() != 1) throw BadArgument{0, "a tensor with one element (it has " + std::to_string(self.numel()) + ")"};
  return self.item();
}

at::Tensor impl::zeros(at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::zeros(size, options(dtype, device));
}
at::Tensor impl::ones(at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::ones(size, options(dtype, device));
}
at::Tensor impl::empty(at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::empty(size, options(dtype, device));
}
// PyTorch's preserve_format: a dense self's strides (a channels-last self gives a channels-last
// result), so that state kept beside a parameter walks memory in the parameter's order.
at::Tensor impl::emptyLike(const at::Tensor& self, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::empty_like(self, self.options().dtype(dtype.value_or(self.scalar_type())).device(device.value_or(self.device())));
}
at::Tensor impl::full(at::IntArrayRef size, const at::Scalar& fillValue, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::full(size, fillValue, options(dtype, device));
}
at::Tensor impl::arange(const at::Scalar& start, const at::Scalar& end, const at::Scalar& step, c10::optional<at::ScalarType> dtype,
                        c10::optional<at::Device> device) {
  return at::arange(start, end, step, options(dtype, device));
}
at::Tensor impl::linspace(const at::Scalar& start, const at::Scalar& end, int64_t steps, c10::optional<at::ScalarType> dtype,
                          c10::optional<at::Device> device) {
  return at::linspace(start, end, steps, options(dtype, device));
}
at::Tensor impl::eye(int64_t n, int64_t m, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::eye(n, m, options(dtype, device));
}
at::Tensor impl::randn(at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::randn(size, options(dtype, device));
}
at::Tensor impl::rand(at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::rand(size, options(dtype, device));
}
at::Tensor impl::randint(int64_t low, int64_t high, at::IntArrayRef size, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::randint(low, high, size, options(dtype, device));
}
at::Tensor impl::randperm(int64_t n, c10::optional<at::ScalarType> dtype, c10::optional<at::Device> device) {
  return at::randperm(n, options(dtype, device));
}

// ---- metadata ----------------------------------------------------------------------------

at::DimVector impl::shape(const at::Tensor& self) { return at::DimVector(self.sizes().begin(), self.sizes().end()); }
at::ScalarType impl::dtype(const at::Tensor& self) { return self.scalar_type(); }
at::Device impl::device(const at::Tensor& self) { return self.device(); }
bool impl::isContiguous(const at::Tensor& self, bool channelsLast) {
  return self.is_contiguous(channelsLast ? at::MemoryFormat::ChannelsLast : at::MemoryFormat::Contiguous);
}
bool impl::sameStorage(const at::Tensor& self, const at::Tensor& other) { return self.storage().is_alias_of(other.storage()); }

// ---- memory --------------------------------------------------------------------------------

bool impl::dispose(Napi::Env env, int32_t handle) {
  HandleTable& t = table();
  return releaseSlot(env, t, slotIndex(t, handle));
}

// Releases the first `count` handles of an Int32Array in one call (tidy() ends a scope with it).
// The codes are read straight from the array's memory, not element by element through N-API, and
// JS reuses the array from scope to scope.
void impl::disposeAll(Napi::Env env, c10::ArrayRef<int32_t> handles, int64_t count) {
  if (count < 0 || static_cast<size_t>(count) > handles.size()) throw BadArgument{1, "a count within the array"};
  HandleTable& t = table();
  for (size_t i = 0; i < static_cast<size_t>(count); ++i) releaseSlot(env, t, slotIndex(t, handles[i]));
}

// The GC safety net. A FinalizationRegistry or a WeakRef only reports a collected Tensor once the
// event loop turns, so a loop that never yields (a plain `for` over tensor ops) would hold every
// forgotten tensor. A weak reference made here is cleared by the collection itself, and sweep()
// sees that synchronously; V8 collects because the watched tensors' bytes are reported to it as
// external memory (and src/torch/memory.ts asks for a collection when they grow fast).
void impl::watch(Napi::Env env, const Napi::Object& owner, int32_t handle) {
  HandleTable& t = table();
  int64_t index = slotIndex(t, handle);
  if (index < 0 || t.slots[index].owner != nullptr) return;
  Slot& slot = t.slots[index];
  NAPI_THROW_IF_FAILED_VOID(env, napi_create_reference(env, owner, 0, &slot.owner));
  reportExternal(env, t, slot.bytes);
  t.liveWatched += 1;
  t.watched.push_back({static_cast<uint32_t>(index), slot.generation});
  // Entries of released tensors stay until pruned; prune when they outnumber the live ones, so
  // that the list stays within a constant factor of what is watched.
  if (t.watched.size() > static_cast<size_t>(2 * t.liveWatched + 1024)) {
    size_t kept = 0;
    for (const Watched& w : t.watched) {
      const Slot& s = t.slots[w.index];
      if (s.generation == w.generation && s.owner != nullptr) t.watched[kept++] = w;
    }
    t.watched.resize(kept);
  }
}

// Releases the watched tensors whose JS Tensor was collected, and returns how many. Unless `always`,
// it returns -1 at once when no collection has happened since the last sweep (the canary lives),
// which makes it cheap enough to call every few dozen tensor creations.
int64_t impl::sweep(Napi::Env env, bool always) {
  HandleTable& t = table();
  if (t.canary != nullptr) {
    napi_value alive = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_get_reference_value(env, t.canary, &alive), 0);
    if (alive != nullptr && !always) return -1;
    napi_delete_reference(env, t.canary);
    t.canary = nullptr;
  }
  napi_value canary;
  NAPI_THROW_IF_FAILED(env, napi_create_object(env, &canary), 0);
  NAPI_THROW_IF_FAILED(env, napi_create_reference(env, canary, 0, &t.canary), 0);
  int64_t released = 0;
  size_t kept = 0;
  for (size_t i = 0; i < t.watched.size(); ++i) {
    const Watched w = t.watched[i];
    Slot& slot = t.slots[w.index];
    if (slot.generation != w.generation || slot.owner == nullptr) continue;
    napi_value owner = nullptr;
    NAPI_THROW_IF_FAILED(env, napi_get_reference_value(env, slot.owner, &owner), released);
    if (owner == nullptr) {
      releaseSlot(env, t, w.index);
      released += 1;
    } else {
      t.watched[kept++] = w;
    }
  }
  t.watched.resize(kept);
  return released;
}

// [tensors, bytes] of the calling JS thread (torch.memory() names them).
at::DimVector impl::memory() {
  const HandleTable& t = table();
  return at::DimVector({t.liveTensors, t.liveBytes});
}

// ---- autograd ------------------------------------------------------------------------------

bool impl::requiresGrad(const at::Tensor& self) { return self.requires_grad(); }
void impl::setRequiresGrad(const at::Tensor& self, bool requiresGrad) { self.requires_grad_(requiresGrad); }
bool impl::isLeaf(const at::Tensor& self) { return self.is_leaf(); }
c10::optional<std::string> impl::gradFn(const at::Tensor& self) {
  const auto& fn = self.grad_fn();
  return fn ? c10::optional<std::string>(fn->name()) : c10::nullopt;
}
at::Tensor impl::grad(const at::Tensor& self) { return self.grad(); }
void impl::setGrad(const at::Tensor& self, const at::Tensor& grad) { self.mutable_grad() = grad; }
void impl::retainGrad(const at::Tensor& self) { self.retain_grad(); }
// p.data = src: swaps the tensor's storage and layout, keeping its identity and autograd leaf status.
void impl::setData(const at::Tensor& self, const at::Tensor& src) { self.set_data(src); }
void impl::backward(const at::Tensor& self, const at::Tensor& gradient, c10::optional<bool> retainGraph, bool createGraph) {
  self.backward(gradient, retainGraph, createGraph);
}
bool impl::setGradEnabled(bool enabled) {
  bool previous = at::GradMode::is_enabled();
  at::GradMode::set_enabled(enabled);
  return previous;
}
bool impl::isGradEnabled() { return at::GradMode::is_enabled(); }

// c10::InferenceMode is an RAII guard; JS enters and leaves it around a synchronous function
// (torch.inferenceMode), so the guards live on a per-thread stack and are destroyed in LIFO order.
namespace {
thread_local std::vector<std::unique_ptr<c10::InferenceMode>> inferenceGuards;
}
void impl::enterInferenceMode(bool enabled) { inferenceGuards.push_back(std::make_unique<c10::InferenceMode>(enabled)); }
void impl::exitInferenceMode() {
  if (inferenceGuards.empty()) throw std::logic_error("exitInferenceMode without a matching enterInferenceMode");
  inferenceGuards.pop_back();
}
bool impl::isInferenceModeEnabled() { return c10::InferenceMode::is_enabled(); }
bool impl::isInference(const at::Tensor& self) { return self.is_inference(); }
int64_t impl::versionCounter(const at::Tensor& self) { return self.is_inference() ? -1 : static_cast<int64_t>(self._version()); }

// ---- random state, threads, versions ---------------------------------------------------------

void impl::manualSeed(const at::Scalar& seed) { torch::manual_seed(static_cast<uint64_t>(seed.toLong())); }
at::Tensor impl::getRngState() {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  return gen.get_state();
}
void impl::setRngState(const at::Tensor& state) {
  auto gen = at::detail::getDefaultCPUGenerator();
  std::lock_guard<std::mutex> lock(gen.mutex());
  gen.set_state(state);
}
void impl::setNumThreads(int64_t n) {
  if (n < 1) throw BadArgument{0, "a positive integer"};
  at::set_num_threads(static_cast<int>(n));
}
int64_t impl::getNumThreads() { return at::get_num_threads(); }
bool impl::cudaAvailable() { return torch::cuda::is_available(); }
int64_t impl::cudaDeviceCount() { return static_cast<int64_t>(torch::cuda::device_count()); }

// Hands over the JS TorchError class, so that libtorch failures arrive as its instances.
void impl::setErrorClass(Napi::Env env, const Napi::Function& errorClass) {
  env.GetInstanceData<AddonData>()->errorClass = Napi::Persistent(errorClass);
}

}  // namespace smoothlab

static Napi::Object Init(Napi::Env env, Napi::Object exports) {
  // Once per process, before the first tensor; a worker thread loading the addon again finds it applied.
  static const bool cpuHeapKept = smoothlab::keepFreedMemoryInHeap();
  env.SetInstanceData<smoothlab::AddonData>(new smoothlab::AddonData());
  smoothlab::bindings::registerAll(env, exports);
  exports.Set("version", Napi::String::New(env, SMOOTHLAB_LIBTORCH_VERSION));
  exports.Set("cpuHeapKept", Napi::Boolean::New(env, cpuHeapKept));
#ifdef SMOOTHLAB_WITH_CUDA
  exports.Set("builtWithCuda", Napi::Boolean::New(env, true));
#else
  exports.Set("builtWithCuda", Napi::Boolean::New(env, false));
#endif
  return exports;
}

NODE_API_MODULE(smoothlab, Init)
