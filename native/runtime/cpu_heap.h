// How the process heap treats freed tensor memory. Header-only, so that the addon (core.cc) and
// the C++ reference step (bench/reference/) apply the same policy and their ratio measures the
// binding alone.
//
// A training step allocates and frees the same few hundred MB of activations every step. With
// glibc's defaults the freed top of the heap goes back to the kernel (the trim threshold starts at
// 128 KiB and rises only to 64 MiB), so the next step faults the same memory back in page by page:
// about 20,000 page faults and 38 ms of kernel time per ResNet-18 step at batch 256 here, a tenth of
// the step's CPU time. Keeping freed memory in the heap for reuse is what PyTorch's CPU tuning guide
// gets by preloading jemalloc or tcmalloc. Peak memory is unchanged; memory freed after the peak
// stays with the process until it exits, up to kTrimThreshold.
//
// SMOOTHLAB_CPU_HEAP=system keeps glibc's defaults, and so does a GLIBC_TUNABLES that sets any
// glibc.malloc tunable (the user's own choice wins).
#pragma once

#include <cstdlib>
#include <cstring>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace smoothlab {

// Blocks at least this large are mapped and unmapped by each allocation; 32 MiB is the largest
// value glibc accepts (HEAP_MAX_SIZE / 2 on 64-bit), the ceiling its own dynamic threshold reaches.
inline constexpr int kMmapThreshold = 32 << 20;
// Free memory at the top of the heap beyond this is returned to the kernel.
inline constexpr int kTrimThreshold = 1 << 30;

// Returns whether the policy was applied (false: not glibc, or the user chose otherwise).
inline bool keepFreedMemoryInHeap() {
#if defined(__GLIBC__)
  const char* choice = std::getenv("SMOOTHLAB_CPU_HEAP");
  if (choice != nullptr && std::strcmp(choice, "system") == 0) return false;
  const char* tunables = std::getenv("GLIBC_TUNABLES");
  if (tunables != nullptr && std::strstr(tunables, "glibc.malloc.") != nullptr) return false;
  // Setting either value also turns off glibc's dynamic adjustment of both.
  return mallopt(M_MMAP_THRESHOLD, kMmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, kTrimThreshold) == 1;
#else
  return false;
#endif
}

}  // namespace smoothlab
