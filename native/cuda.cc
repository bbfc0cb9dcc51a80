// torch.cuda and torch.backends.cudnn. Everything here compiles against a CPU-only libtorch: the
// device queries go through ATen's runtime-dispatched CUDA hooks (torch::cuda::*, at::globalContext()),
// which answer "no CUDA" there; only the caching allocator's statistics and the device properties
// need the c10::cuda / ATen::cuda headers (and CUDA's runtime headers), so they compile in with
// SMOOTHLAB_WITH_CUDA alone.
#define SMOOTHLAB_UNIT_CUDA  // this unit compiles the [cuda] wrappers of bindings.gen.h
#include "bindings.gen.h"

#include <torch/cuda.h>

#ifdef SMOOTHLAB_WITH_CUDA
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace smoothlab {

#ifdef SMOOTHLAB_WITH_CUDA
namespace {

namespace allocator = c10::cuda::CUDACachingAllocator;

// The device a memory query names (-1: the current one), or -1 when nothing was ever allocated: then
// PyTorch answers 0 without initialising CUDA, and so does this.
int64_t statsDevice(int64_t device) {
  if (!torch::cuda::is_available() || !allocator::get()->initialized()) return -1;
  const int64_t count = static_cast<int64_t>(torch::cuda::device_count());
  if (device < -1 || device >= count) throw BadArgument{0, "a CUDA device index below " + std::to_string(count) + " (or -1 for the current one)"};
  return device == -1 ? static_cast<int64_t>(c10::cuda::current_device()) : device;
}

// Index 0 of each statistic array is StatType::AGGREGATE (small and large pools together), the
// number torch.cuda.memory_allocated() reports; the enum's namespace moved between versions.
constexpr size_t kAggregate = 0;

}  // namespace
#endif

// Like torch.cuda.manual_seed(_all): silently nothing without CUDA.
void impl::cudaManualSeed(const at::Scalar& seed) { torch::cuda::manual_seed(static_cast<uint64_t>(seed.toLong())); }
void impl::cudaManualSeedAll(const at::Scalar& seed) { torch::cuda::manual_seed_all(static_cast<uint64_t>(seed.toLong())); }
// Throws "No CUDA GPUs are available" without a device (src/torch/cuda.ts names the fix first).
void impl::cudaSynchronize(int64_t device) { torch::cuda::synchronize(device); }

#ifdef SMOOTHLAB_WITH_CUDA
int64_t impl::cudaMemoryAllocated(int64_t device) {
  const int64_t d = statsDevice(device);
  return d < 0 ? 0 : allocator::getDeviceStats(static_cast<int>(d)).allocated_bytes[kAggregate].current;
}
int64_t impl::cudaMaxMemoryAllocated(int64_t device) {
  const int64_t d = statsDevice(device);
  return d < 0 ? 0 : allocator::getDeviceStats(static_cast<int>(d)).allocated_bytes[kAggregate].peak;
}
void impl::cudaResetPeakMemoryStats(int64_t device) {
  const int64_t d = statsDevice(device);
  if (d >= 0) allocator::resetPeakStats(static_cast<int>(d));
}
void impl::cudaEmptyCache() {
  if (torch::cuda::is_available() && allocator::get()->initialized()) allocator::emptyCache();
}
// torch.cuda.is_bf16_supported() as PyTorch 1.13 answers it: compute capability 8.0 (Ampere) or
// later and CUDA 11 or later. PyTorch 2.3+ also says true by default where bfloat16 is only
// emulated (slower than float32); the study asks for the native kind.
bool impl::cudaIsBf16Supported(int64_t device) {
  if (!torch::cuda::is_available()) return false;
  const int64_t count = static_cast<int64_t>(torch::cuda::device_count());
  if (device < -1 || device >= count) throw BadArgument{0, "a CUDA device index below " + std::to_string(count) + " (or -1 for the current one)"};
  const auto index = device == -1 ? c10::cuda::current_device() : static_cast<c10::DeviceIndex>(device);
  return CUDART_VERSION >= 11000 && at::cuda::getDeviceProperties(index)->major >= 8;
}
#else
int64_t impl::cudaMemoryAllocated(int64_t device) { return 0; }
int64_t impl::cudaMaxMemoryAllocated(int64_t device) { return 0; }
void impl::cudaResetPeakMemoryStats(int64_t device) {}
void impl::cudaEmptyCache() {}
bool impl::cudaIsBf16Supported(int64_t device) { return false; }
#endif

bool impl::cudnnIsAvailable() { return at::globalContext().hasCuDNN(); }
// 0 without cuDNN: its hooks throw when asked for a version they do not have.
int64_t impl::cudnnVersion() { return at::globalContext().hasCuDNN() ? at::globalContext().versionCuDNN() : 0; }
bool impl::getCudnnBenchmark() { return at::globalContext().benchmarkCuDNN(); }
void impl::setCudnnBenchmark(bool enabled) { at::globalContext().setBenchmarkCuDNN(enabled); }
bool impl::getCudnnDeterministic() { return at::globalContext().deterministicCuDNN(); }
void impl::setCudnnDeterministic(bool enabled) { at::globalContext().setDeterministicCuDNN(enabled); }
bool impl::getCudnnEnabled() { return at::globalContext().userEnabledCuDNN(); }
void impl::setCudnnEnabled(bool enabled) { at::globalContext().setUserEnabledCuDNN(enabled); }

}  // namespace smoothlab
