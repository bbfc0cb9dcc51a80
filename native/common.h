// Shared pieces of the smoothlab addon: the tensor handle, argument conversion,
// error translation and the registration macro. Every translation unit includes
// this header; the libtorch headers it pulls in are what makes each unit slow to
// compile, so the addon keeps its units few and large.
#pragma once

#include <napi.h>
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace smoothlab {

// JS holds each tensor as a handle: a small non-negative integer that encodes a slot of the addon's
// tensor table (index and generation), never a pointer. V8 keeps such a number as a Smi, so making
// and reading a handle allocates nothing; an External would cost a heap object and a weak global
// reference per op, more than the arithmetic of a small tensor. The JS side disposes tensors
// deterministically and uses a FinalizationRegistry only as a safety net. A stale handle (its slot
// reused since) fails the generation check instead of touching another tensor.
//
// Because handles are numbers, a native never guesses whether a JS number is a tensor or a scalar:
// ops that take either come in two overloads, as in ATen (`add` for add.Tensor, `addScalar` for
// add.Scalar), and JS picks one.
//
// Live-handle accounting behind torch.memory(): main-thread only, like the JS side.
struct LiveStats {
  int64_t tensors = 0;
  int64_t bytes = 0;
};
LiveStats& liveStats();

// Wraps a tensor in a new handle (undefined tensors become null).
Napi::Value wrap(Napi::Env env, at::Tensor tensor);
// Wraps a list of tensors as a JS array of handles.
Napi::Value wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
// Releases a handle's tensor now; false when it was already released.
bool release(Napi::Env env, Napi::Value handle);
// The tensor behind a handle, or nullptr when the handle is stale or not a handle at all.
at::Tensor* lookup(Napi::Value handle);

// What the operand of a Scalar overload could have been (the Tensor overload takes a tensor), for
// its error message.
inline constexpr const char* kTensorLike = "a Tensor, number, boolean or bigint";

// Builds the JS error for a libtorch failure inside `op` (a TorchError when JS registered it).
Napi::Error torchError(Napi::Env env, const char* op, const std::string& message);

// Typed access to the arguments of one native call; every failure names the op and argument.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* op) : info_(info), op_(op) {}

  Napi::Env env() const { return info_.Env(); }
  const char* op() const { return op_; }
  size_t size() const { return info_.Length(); }
  Napi::Value raw(size_t i) const { return info_[i]; }
  bool isNullish(size_t i) const {
    if (i >= info_.Length()) return true;
    napi_valuetype type = info_[i].Type();  // one N-API call instead of IsNull() + IsUndefined()
    return type == napi_null || type == napi_undefined;
  }

  at::Tensor& tensor(size_t i) const;
  at::Tensor optTensor(size_t i) const;  // undefined tensor when null
  std::vector<at::Tensor> tensorList(size_t i) const;
  // A JS number / boolean / bigint as a 0-dim "wrapped number" tensor, which takes part in type
  // promotion the way a Python scalar does (the `...Scalar` overloads use it).
  at::Tensor wrappedScalar(size_t i) const;
  at::Scalar scalar(size_t i) const;
  at::Scalar scalar(size_t i, const char* expected) const;  // `expected` names the type in the error
  std::vector<at::Scalar> scalarList(size_t i) const;
  double number(size_t i) const;
  double number(size_t i, double fallback) const { return isNullish(i) ? fallback : number(i); }
  int64_t integer(size_t i) const;
  int64_t integer(size_t i, int64_t fallback) const { return isNullish(i) ? fallback : integer(i); }
  c10::optional<int64_t> optInteger(size_t i) const;
  bool boolean(size_t i, bool fallback) const;
  std::vector<int64_t> intList(size_t i) const;
  c10::optional<std::vector<int64_t>> optIntList(size_t i) const;
  std::string string(size_t i) const;
  at::ScalarType dtype(size_t i) const;
  c10::optional<at::ScalarType> optDtype(size_t i) const;
  at::Device device(size_t i) const;
  at::TensorOptions options(size_t dtypeIndex, size_t deviceIndex) const;

  [[noreturn]] void fail(size_t i, const std::string& expected) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* op_;
};

const char* dtypeName(at::ScalarType type);
std::string deviceName(const at::Device& device);

using Registrar = void (*)(Napi::Env, Napi::Object);
void registerCore(Napi::Env env, Napi::Object exports);
void registerOps(Napi::Env env, Napi::Object exports);
void registerFunctional(Napi::Env env, Napi::Object exports);

}  // namespace smoothlab

// Defines one exported native function. The body sees `a` (Args) and `env`, and returns a
// Napi::Value; libtorch's c10::Error becomes a TorchError naming the op, without the C++ backtrace.
#define SMOOTHLAB_OP(name)                                                         \
  static Napi::Value name##_body(const smoothlab::Args& a, Napi::Env env);         \
  static Napi::Value name(const Napi::CallbackInfo& info) {                        \
    smoothlab::Args a(info, #name);                                                \
    try {                                                                          \
      return name##_body(a, info.Env());                                           \
    } catch (const Napi::Error&) {                                                 \
      throw;                                                                       \
    } catch (const c10::Error& e) {                                                \
      throw smoothlab::torchError(info.Env(), #name, e.what_without_backtrace());  \
    } catch (const std::exception& e) {                                            \
      throw smoothlab::torchError(info.Env(), #name, e.what());                    \
    }                                                                              \
  }                                                                                \
  static Napi::Value name##_body([[maybe_unused]] const smoothlab::Args& a,        \
                                 [[maybe_unused]] Napi::Env env)

#define SMOOTHLAB_EXPORT(exports, name) \
  (exports).Set(#name, Napi::Function::New(env, name, #name))
