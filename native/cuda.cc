// torch.cuda and torch.backends.cudnn. Everything here compiles against a CPU-only libtorch: the
// device queries go through ATen's runtime-dispatched CUDA hooks (torch::cuda::*, at::globalContext()),
// which answer "no CUDA" there; only the caching allocator's statistics and the compute capability
// need the c10::cuda headers and CUDA's runtime API, so they compile in with SMOOTHLAB_WITH_CUDA
// alone. No at::cuda header: CUDAContext.h pulls in cuBLAS, cuSPARSE and cuSOLVER headers, which a
// pip torch's include paths lack.
#define SMOOTHLAB_UNIT_CUDA  // this unit compiles the [cuda] wrappers of bindings.gen.h
#include "bindings.gen.h"

#include <torch/cuda.h>

#include <array>

#ifdef SMOOTHLAB_WITH_CUDA
#include <cuda_runtime_api.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAFunctions.h>
#endif

namespace smoothlab {

#ifdef SMOOTHLAB_WITH_CUDA
namespace {

namespace allocator = c10::cuda::CUDACachingAllocator;

// The device a query names: -1 is the current one; any other index must be below the device count.
c10::DeviceIndex cudaDevice(int64_t device) {
  const int64_t count = static_cast<int64_t>(torch::cuda::device_count());
  if (device < -1 || device >= count) throw BadArgument{0, "a CUDA device index below " + std::to_string(count) + " (or -1 for the current one)"};
  return device == -1 ? c10::cuda::current_device() : static_cast<c10::DeviceIndex>(device);
}

// The device a memory query names, or -1 when nothing was ever allocated: then PyTorch answers 0
// without initialising CUDA, and so does this.
int64_t statsDevice(int64_t device) {
  if (!torch::cuda::is_available() || !allocator::get()->initialized()) return -1;
  return cudaDevice(device);
}

int deviceAttribute(cudaDeviceAttr attribute, c10::DeviceIndex index) {
  int value = 0;
  const cudaError_t error = cudaDeviceGetAttribute(&value, attribute, index);
  if (error != cudaSuccess) throw std::runtime_error(std::string("cudaDeviceGetAttribute: ") + cudaGetErrorString(error));
  return value;
}

// (major, minor) of the device.
std::array<int64_t, 2> capability(c10::DeviceIndex index) {
  return {deviceAttribute(cudaDevAttrComputeCapabilityMajor, index), deviceAttribute(cudaDevAttrComputeCapabilityMinor, index)};
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
at::DimVector impl::cudaGetDeviceCapability(int64_t device) {
  if (!torch::cuda::is_available()) throw std::runtime_error("No CUDA GPUs are available");
  const auto c = capability(cudaDevice(device));
  return at::DimVector(c.begin(), c.end());
}
// torch.cuda.is_bf16_supported(including_emulation) of PyTorch 2.x, on the current device: native
// bfloat16 from compute capability 8.0 (Ampere) with CUDA 11; else, when emulation counts, whether
// a bfloat16 tensor can be made there (kernels run, slower than float32), as PyTorch checks it.
bool impl::cudaIsBf16Supported(bool includingEmulation) {
  if (!torch::cuda::is_available()) return false;
  const c10::DeviceIndex index = c10::cuda::current_device();
  if (CUDART_VERSION >= 11000 && capability(index)[0] >= 8) return true;
  if (!includingEmulation) return false;
  try {
    at::ones({1}, at::TensorOptions().dtype(at::kBFloat16).device(at::kCUDA, index));
    return true;
  } catch (const std::exception&) {
    return false;
  }
}
#else
int64_t impl::cudaMemoryAllocated(int64_t device) { return 0; }
int64_t impl::cudaMaxMemoryAllocated(int64_t device) { return 0; }
void impl::cudaResetPeakMemoryStats(int64_t device) {}
void impl::cudaEmptyCache() {}
at::DimVector impl::cudaGetDeviceCapability(int64_t device) { throw std::runtime_error("No CUDA GPUs are available"); }
bool impl::cudaIsBf16Supported(bool includingEmulation) { return false; }
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
