// Shared pieces of the smoothlab addon: the tensor handle, argument conversion, error translation
// and the conversions of results to JS. Every translation unit includes this header (through the
// generated bindings.gen.h); the libtorch headers it pulls in are what makes each unit slow to
// compile, so the addon keeps its units few and large.
#pragma once

#include <napi.h>
#include <torch/torch.h>

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace smoothlab {

// JS holds each tensor as a handle: a small non-negative integer that encodes a slot of the addon's
// tensor table (index and generation), never a pointer. V8 keeps such a number as a Smi, so making
// and reading a handle allocates nothing; an External would cost a heap object and a weak global
// reference per op, more than the arithmetic of a small tensor. The JS side disposes tensors
// deterministically; the safety net for forgotten tensors is a weak reference to the owning JS
// Tensor, made only for tensors that outlive their first moments (watch() in core.cc). A stale
// handle (its slot reused since) fails the generation check instead of touching another tensor.
//
// Each JS thread (the main thread, each worker_thread) has its own table, so a handle number is
// meaningful only on the thread that made it.
//
// Because handles are numbers, a native never guesses whether a JS number is a tensor or a scalar:
// ops that take either come in two overloads, as in ATen (`add` for add.Tensor, `addScalar` for
// add.Scalar), and JS picks one.

// Wraps a tensor in a new handle (undefined tensors become null).
Napi::Value wrap(Napi::Env env, at::Tensor tensor);
// Wraps a list of tensors as a JS array of handles.
Napi::Value wrapList(Napi::Env env, const std::vector<at::Tensor>& tensors);
// Wraps a (values, indices) pair as a JS array of two handles.
Napi::Value wrapPair(Napi::Env env, const std::tuple<at::Tensor, at::Tensor>& pair);

// Conversions of the other result types of bindings.txt.
Napi::Value numberArray(Napi::Env env, at::IntArrayRef values);
Napi::Value optionalString(Napi::Env env, const c10::optional<std::string>& value);
// A new ArrayBuffer holding a copy of a CPU contiguous tensor's bytes.
Napi::Value bytesOf(Napi::Env env, const at::Tensor& tensor);
// A number, or a boolean for a boolean Scalar.
Napi::Value scalarValue(Napi::Env env, const at::Scalar& value);

// What the operand of a Scalar overload could have been (the Tensor overload takes a tensor), for
// its error message.
inline constexpr const char* kTensorLike = "a Tensor, number, boolean or bigint";

// Thrown by an implementation whose argument has the right type but a wrong value (a tensor with
// two elements for item()): its wrapper reports "op: argument <index> must be <expected>" as a
// TypeError, like a type mismatch. `index` counts JS arguments (an Env parameter is none).
struct BadArgument {
  size_t index;
  std::string expected;
};

// Builds the JS error for a libtorch failure inside `op` (a TorchError when JS registered it).
Napi::Error torchError(Napi::Env env, const std::string& op, const std::string& message);

// Typed access to the arguments of one native call; every failure names the op and argument.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* op) : info_(info), op_(op) {}

  Napi::Env env() const { return info_.Env(); }
  const char* op() const { return op_; }
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
  c10::optional<at::Scalar> optScalar(size_t i) const;
  std::vector<at::Scalar> scalarList(size_t i) const;
  double number(size_t i) const;
  double number(size_t i, double fallback) const { return isNullish(i) ? fallback : number(i); }
  int64_t integer(size_t i) const;
  int64_t integer(size_t i, int64_t fallback) const { return isNullish(i) ? fallback : integer(i); }
  c10::optional<int64_t> optInteger(size_t i) const;
  bool boolean(size_t i, bool fallback) const;
  c10::optional<bool> optBoolean(size_t i) const;
  std::vector<int64_t> intList(size_t i) const;
  c10::optional<std::vector<int64_t>> optIntList(size_t i) const;
  std::string string(size_t i) const;
  c10::optional<std::string> optString(size_t i) const;
  at::ScalarType dtype(size_t i) const;
  c10::optional<at::ScalarType> optDtype(size_t i) const;
  c10::optional<at::Device> optDevice(size_t i) const;
  // The bytes of an ArrayBuffer or TypedArray, and the elements of an Int32Array, in place: valid
  // while the call runs.
  c10::ArrayRef<uint8_t> bytes(size_t i) const;
  c10::ArrayRef<int32_t> int32s(size_t i) const;
  int32_t handleCode(size_t i) const;
  Napi::Function function(size_t i) const;
  Napi::Object object(size_t i) const;

  [[noreturn]] void fail(size_t i, const std::string& expected) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* op_;
};

// Called from a wrapper's catch (...): rethrows what an implementation threw as the JS error the
// user sees. A JS error passes through; a BadArgument becomes a TypeError; libtorch's c10::Error
// becomes a TorchError naming the op, without the C++ backtrace.
[[noreturn]] void rethrowAsJs(const Args& a);

const char* dtypeName(at::ScalarType type);
std::string deviceName(const at::Device& device);

}  // namespace smoothlab
