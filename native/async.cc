// Promise-returning bindings: their blocking part (a collective's wait, a rendezvous) runs on a libuv
// worker thread, so that the JS thread and its event loop stay free while it blocks.
#include "bindings.gen.h"

#include <exception>
#include <string>
#include <utility>

namespace smoothlab {
namespace {

// Napi::AsyncWorker runs Execute on the libuv pool and OnOK / OnError back on the JS thread.
class JobWorker : public Napi::AsyncWorker {
 public:
  JobWorker(Napi::Env env, const char* op, AsyncJob job)
      : Napi::AsyncWorker(env, op), op_(op), job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise promise() const { return deferred_.Promise(); }

  void Execute() override {
    try {
      result_ = job_();
    } catch (const c10::Error& e) {
      SetError(e.what_without_backtrace());
    } catch (const std::exception& e) {
      SetError(e.what());
    } catch (...) {
      SetError("unknown native exception");
    }
  }

  void OnOK() override { deferred_.Resolve(Napi::Number::New(Env(), result_)); }

  // A TorchError naming the op, the way a synchronous binding reports a libtorch failure.
  void OnError(const Napi::Error& error) override {
    deferred_.Reject(torchError(Env(), op_, error.Message()).Value());
  }

 private:
  std::string op_;
  AsyncJob job_;
  Napi::Promise::Deferred deferred_;
  double result_ = 0;
};

}  // namespace

Napi::Value runAsync(Napi::Env env, const char* op, AsyncJob job) {
  auto* worker = new JobWorker(env, op, std::move(job));  // deletes itself after OnOK / OnError
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace smoothlab
