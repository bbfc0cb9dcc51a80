// Stand-in for the one distributed-autograd header that c10d's reducer.hpp includes, for libtorch
// packages that ship reducer.hpp without it (Debian's libtorch-dev 1.13). reducer.hpp only names
// DistAutogradContext::GradCallback (in a static_assert) and holds a shared_ptr to the context, whose
// layout does not depend on the class; smoothlab never makes one. scripts/build-native.mjs puts this
// folder after libtorch's own include folders, so the real header wins wherever it exists.
#pragma once

#include <ATen/core/Tensor.h>

#include <functional>
#include <memory>

namespace torch::distributed::autograd {

class DistAutogradContext {
 public:
  using GradCallback = std::function<bool(at::Tensor&)>;
};

using ContextPtr = std::shared_ptr<DistAutogradContext>;

}  // namespace torch::distributed::autograd
