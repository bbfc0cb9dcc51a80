// Mixed precision: the per-thread autocast state behind torch.autocast, and the two kernels of
// GradScaler. libtorch renamed the autocast state API in 2.4 (one set of functions taking a device
// type instead of one per device), so both spellings are compiled by version.
#define SMOOTHLAB_UNIT_AMP  // this unit compiles the [amp] wrappers of bindings.gen.h
#include "bindings.gen.h"

#include <ATen/autocast_mode.h>
#include <torch/version.h>

#define SMOOTHLAB_TORCH_AT_LEAST(major, minor) \
  (TORCH_VERSION_MAJOR > (major) || (TORCH_VERSION_MAJOR == (major) && TORCH_VERSION_MINOR >= (minor)))

namespace smoothlab {
namespace {

at::DeviceType autocastDevice(const std::string& name) {
  if (name == "cpu") return at::kCPU;
  if (name == "cuda") return at::kCUDA;
  throw BadArgument{0, "'cpu' or 'cuda', got '" + name + "'"};
}

void checkOneElementFloat(const at::Tensor& t, const char* what, size_t index) {
  if (t.numel() != 1 || t.scalar_type() != at::kFloat) throw BadArgument{index, std::string(what) + " as a one-element float32 tensor"};
}

#if !SMOOTHLAB_TORCH_AT_LEAST(2, 3)
// GradScaler's composed kernels, for CPU tensors where this libtorch has no CPU kernel of its own
// (aten::_amp_foreach_non_finite_check_and_unscale_ and aten::_amp_update_scale_ gained CPU kernels
// in 2.3; 1.13 has CUDA ones only). Same arithmetic as those kernels: the check reads each value
// before it is unscaled, the product is formed in float (double for double tensors), and no value
// is read back to the host, so a step costs no synchronisation.
void unscaleComposed(at::TensorList grads, at::Tensor& foundInf, const at::Tensor& invScale) {
  const at::Tensor inv = invScale.reshape({});  // 0-dim: broadcasts into grads of any shape, 0-dim ones too
  for (const at::Tensor& g : grads) {
    foundInf.masked_fill_(at::isfinite(g).all().logical_not(), 1.0);
    if (g.scalar_type() == at::kFloat || g.scalar_type() == at::kDouble) {
      g.mul_(inv);
    } else {
      // A float16 / bfloat16 gradient is unscaled in float and rounded once, as the kernels' opmath does.
      g.copy_(g.to(at::kFloat).mul_(inv));
    }
  }
}

void updateScaleComposed(at::Tensor& scale, at::Tensor& tracker, const at::Tensor& foundInf, double growth, double backoff,
                         int64_t interval) {
  const at::Tensor found = foundInf.ne(0);
  const at::Tensor successful = tracker.add(1);
  const at::Tensor grow = found.logical_not().logical_and(successful.eq(interval));
  // The kernels multiply the float scale by a double factor and store the float result.
  const at::Tensor grown = scale.to(at::kDouble).mul(growth).to(at::kFloat);
  const at::Tensor backedOff = scale.to(at::kDouble).mul(backoff).to(at::kFloat);
  // A scale that would grow to inf stays where it is (its tracker still resets).
  const at::Tensor kept = at::where(grow.logical_and(at::isfinite(grown)), grown, scale);
  const at::Tensor newScale = at::where(found, backedOff, kept);
  const at::Tensor newTracker = at::where(found.logical_or(grow), at::zeros_like(tracker), successful);
  scale.copy_(newScale);
  tracker.copy_(newTracker);
}
#endif

}  // namespace

#if SMOOTHLAB_TORCH_AT_LEAST(2, 4)
bool impl::isAutocastEnabled(const std::string& deviceType) { return at::autocast::is_autocast_enabled(autocastDevice(deviceType)); }
void impl::setAutocastEnabled(const std::string& deviceType, bool enabled) {
  at::autocast::set_autocast_enabled(autocastDevice(deviceType), enabled);
}
at::ScalarType impl::getAutocastDtype(const std::string& deviceType) { return at::autocast::get_autocast_dtype(autocastDevice(deviceType)); }
void impl::setAutocastDtype(const std::string& deviceType, at::ScalarType dtype) {
  at::autocast::set_autocast_dtype(autocastDevice(deviceType), dtype);
}
#else
bool impl::isAutocastEnabled(const std::string& deviceType) {
  return autocastDevice(deviceType) == at::kCPU ? at::autocast::is_cpu_enabled() : at::autocast::is_enabled();
}
void impl::setAutocastEnabled(const std::string& deviceType, bool enabled) {
  if (autocastDevice(deviceType) == at::kCPU) {
    at::autocast::set_cpu_enabled(enabled);
  } else {
    at::autocast::set_enabled(enabled);
  }
}
at::ScalarType impl::getAutocastDtype(const std::string& deviceType) {
  return autocastDevice(deviceType) == at::kCPU ? at::autocast::get_autocast_cpu_dtype() : at::autocast::get_autocast_gpu_dtype();
}
void impl::setAutocastDtype(const std::string& deviceType, at::ScalarType dtype) {
  if (autocastDevice(deviceType) == at::kCPU) {
    at::autocast::set_autocast_cpu_dtype(dtype);
  } else {
    at::autocast::set_autocast_gpu_dtype(dtype);
  }
}
#endif

bool impl::isAutocastCacheEnabled() { return at::autocast::is_autocast_cache_enabled(); }
void impl::setAutocastCacheEnabled(bool enabled) { at::autocast::set_autocast_cache_enabled(enabled); }
int64_t impl::autocastIncrementNesting() { return at::autocast::increment_nesting(); }
int64_t impl::autocastDecrementNesting() { return at::autocast::decrement_nesting(); }
void impl::clearAutocastCache() { at::autocast::clear_cache(); }

void impl::ampForeachNonFiniteCheckAndUnscale_(at::TensorList self, const at::Tensor& foundInf, const at::Tensor& invScale) {
  checkOneElementFloat(foundInf, "foundInf", 1);
  checkOneElementFloat(invScale, "invScale", 2);
  if (self.empty()) return;
  for (const at::Tensor& g : self) {
    if (!g.is_floating_point()) throw BadArgument{0, "floating-point gradients"};
    if (g.device() != foundInf.device() || invScale.device() != foundInf.device()) {
      throw BadArgument{0, "gradients on the device of foundInf and invScale (" + deviceName(foundInf.device()) + ")"};
    }
  }
  at::Tensor found = foundInf;
#if !SMOOTHLAB_TORCH_AT_LEAST(2, 3)
  if (foundInf.is_cpu()) return unscaleComposed(self, found, invScale);
#endif
  at::_amp_foreach_non_finite_check_and_unscale_(self, found, invScale);
}

void impl::ampUpdateScale_(const at::Tensor& self, const at::Tensor& growthTracker, const at::Tensor& foundInf, double scaleGrowthFactor,
                           double scaleBackoffFactor, int64_t growthInterval) {
  checkOneElementFloat(self, "the scale", 0);
  if (growthTracker.numel() != 1 || growthTracker.scalar_type() != at::kInt) throw BadArgument{1, "a one-element int32 tensor"};
  checkOneElementFloat(foundInf, "foundInf", 2);
  if (growthTracker.device() != self.device() || foundInf.device() != self.device()) {
    throw BadArgument{2, "a tensor on the scale's device (" + deviceName(self.device()) + ")"};
  }
  at::Tensor scale = self;
  at::Tensor tracker = growthTracker;
#if !SMOOTHLAB_TORCH_AT_LEAST(2, 3)
  if (self.is_cpu()) return updateScaleComposed(scale, tracker, foundInf, scaleGrowthFactor, scaleBackoffFactor, growthInterval);
#endif
  at::_amp_update_scale_(scale, tracker, foundInf, scaleGrowthFactor, scaleBackoffFactor, growthInterval);
}

}  // namespace smoothlab
