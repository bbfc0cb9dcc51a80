// torch.distributed on libtorch's own c10d: the TCPStore rendezvous, ProcessGroupGloo (and
// ProcessGroupNCCL in CUDA builds that have NCCL's header), collectives as c10d Work, and DDP's
// c10d::Reducer. src/torch/distributed/ and src/nn/parallel/ are the JS faces. The group is laid out
// in the store exactly as Python's init_process_group (torch 1.13) lays it out, so that smoothlab
// ranks and Python ranks can share one group.
#define SMOOTHLAB_UNIT_DISTRIBUTED  // this unit compiles the [distributed] wrappers of bindings.gen.h
#include "bindings.gen.h"

#include <torch/version.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/comm.hpp>
#include <torch/csrc/distributed/c10d/reducer.hpp>
#ifdef USE_C10D_GLOO  // scripts/build-native.mjs defines it when gloo's headers (libgloo-dev) are found
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if defined(SMOOTHLAB_WITH_CUDA) && __has_include(<nccl.h>)
#ifndef USE_C10D_NCCL
#define USE_C10D_NCCL
#endif
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>

namespace smoothlab {
namespace {

using Clock = std::chrono::steady_clock;

struct Group {
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  std::string backend;
};

// The tables behind the numbers JS holds. One mutex: they change only at init, per collective and
// per wait, which are rare next to the collectives themselves.
struct Tables {
  std::mutex mutex;
  int64_t next = 1;
  std::unordered_map<int64_t, Group> groups;
  std::unordered_map<int64_t, c10::intrusive_ptr<c10d::Work>> works;
  std::unordered_map<int64_t, std::shared_ptr<c10d::Reducer>> reducers;
};

Tables& tables() {
  static Tables* t = new Tables();  // never destroyed: c10d's threads may outlive static destruction
  return *t;
}

Group groupOf(int64_t id) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.groups.find(id);
  if (it == t.groups.end()) throw BadArgument{0, "a live process group (destroyProcessGroup was called, or it was never made)"};
  return it->second;
}

int64_t addWork(c10::intrusive_ptr<c10d::Work> work) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  const int64_t id = t.next++;
  t.works.emplace(id, std::move(work));
  return id;
}

// A Work leaves the table when it is waited for: its number is then spent.
c10::intrusive_ptr<c10d::Work> takeWork(int64_t id) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.works.find(id);
  if (it == t.works.end()) throw BadArgument{0, "a pending Work (each Work can be waited for once)"};
  auto work = std::move(it->second);
  t.works.erase(it);
  return work;
}

std::shared_ptr<c10d::Reducer> reducerOf(int64_t id) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.reducers.find(id);
  if (it == t.reducers.end()) throw BadArgument{0, "a live Reducer"};
  return it->second;
}

c10d::ReduceOp reduceOp(const std::string& name, size_t index) {
  if (name == "sum") return c10d::ReduceOp(c10d::ReduceOp::SUM);
  if (name == "product") return c10d::ReduceOp(c10d::ReduceOp::PRODUCT);
  if (name == "min") return c10d::ReduceOp(c10d::ReduceOp::MIN);
  if (name == "max") return c10d::ReduceOp(c10d::ReduceOp::MAX);
  if (name == "band") return c10d::ReduceOp(c10d::ReduceOp::BAND);
  if (name == "bor") return c10d::ReduceOp(c10d::ReduceOp::BOR);
  if (name == "bxor") return c10d::ReduceOp(c10d::ReduceOp::BXOR);
  if (name == "avg") return c10d::ReduceOp(c10d::ReduceOp::AVG);
  throw BadArgument{index, "'sum', 'product', 'min', 'max', 'band', 'bor', 'bxor' or 'avg', got '" + name + "'"};
}

std::vector<at::Tensor> vec(at::TensorList list) { return std::vector<at::Tensor>(list.begin(), list.end()); }

#ifdef USE_C10D_GLOO
// Devices as Python's ProcessGroupGloo binding picks them: the interfaces of GLOO_SOCKET_IFNAME
// (comma-separated) when set, else the address the host name resolves to; two threads per device.
c10::intrusive_ptr<c10d::ProcessGroupGloo::Options> glooOptions(std::chrono::milliseconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create();
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname != nullptr && std::string(ifname).size() > 1) {
    std::stringstream names(ifname);
    for (std::string name; std::getline(names, name, ',');) options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(name));
  } else {
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  }
  options->timeout = timeout;
  options->threads = static_cast<int>(options->devices.size() * 2);
  return options;
}
#endif

// The backend's group on `store`, and the backend's setSequenceNumberForGroup, which must wait for
// the store-based barrier: ranks other than 0 block in it until rank 0 has written the number, which
// Python's rank 0 does only after that barrier. Since libtorch 2.0 a backend is no longer a
// ProcessGroup: it is registered in one, which dispatches each collective to it by device (what
// Python 2.x does too).
c10::intrusive_ptr<c10d::ProcessGroup> makeGroup(const std::string& backend, const c10::intrusive_ptr<c10d::Store>& store, int rank,
                                                 int size, std::chrono::milliseconds timeout, std::function<void()>& setSequence) {
#ifdef USE_C10D_GLOO
  if (backend == "gloo") {
    auto gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(store, rank, size, glooOptions(timeout));
#if TORCH_VERSION_MAJOR >= 2
    auto pg = c10::make_intrusive<c10d::ProcessGroup>(store, rank, size);
    pg->setBackend(c10::DeviceType::CPU, c10d::ProcessGroup::BackendType::GLOO, gloo);
    pg->setDefaultBackend(c10d::ProcessGroup::BackendType::GLOO);
    setSequence = [gloo] { gloo->setSequenceNumberForGroup(); };
    return pg;
#else
    setSequence = [gloo] { gloo->setSequenceNumberForGroup(); };
    return gloo;
#endif
  }
#endif
#ifdef USE_C10D_NCCL
  if (backend == "nccl") {
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    auto nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, rank, size, options);
#if TORCH_VERSION_MAJOR >= 2
    auto pg = c10::make_intrusive<c10d::ProcessGroup>(store, rank, size);
    pg->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::BackendType::NCCL, nccl);
    pg->setDefaultBackend(c10d::ProcessGroup::BackendType::NCCL);
    setSequence = [nccl] { nccl->setSequenceNumberForGroup(); };
    return pg;
#else
    setSequence = [nccl] { nccl->setSequenceNumberForGroup(); };
    return nccl;
#endif
  }
#endif
  TORCH_CHECK(false, "backend '", backend, "' is not compiled into this build");
}

// Python's _store_based_barrier: every rank adds 1 to one key and polls it until all have.
void storeBasedBarrier(c10d::Store& store, int rank, int size, std::chrono::milliseconds timeout) {
  const std::string key = "store_based_barrier_key:1";  // 1: the first group after a reset of _group_count
  store.add(key, 1);
  const auto start = Clock::now();
  for (int64_t joined = store.add(key, 0); joined < size; joined = store.add(key, 0)) {
    TORCH_CHECK(Clock::now() - start <= timeout, "rank ", rank, ": timed out after ", timeout.count(), " ms waiting for all ", size,
                " ranks to join the group (", joined, " joined)");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

bool impl::distBackendAvailable(const std::string& backend) {
#ifdef USE_C10D_GLOO
  if (backend == "gloo") return true;
#endif
#ifdef USE_C10D_NCCL
  if (backend == "nccl") return true;
#endif
  return false;
}

AsyncJob impl::distInitProcessGroup(const std::string& backend, const std::string& host, int64_t port, int64_t rank, int64_t worldSize,
                                    int64_t timeoutMs) {
  if (!distBackendAvailable(backend)) throw BadArgument{0, "a backend compiled into this build ('" + backend + "' is not)"};
  if (port < 0 || port > 65535) throw BadArgument{2, "a port in 0..65535"};
  if (worldSize < 1) throw BadArgument{4, "a positive world size"};
  if (rank < 0 || rank >= worldSize) throw BadArgument{3, "a rank in 0..worldSize-1"};
  return [=]() -> double {
    const std::chrono::milliseconds timeout(timeoutMs);
    c10d::TCPStoreOptions options;
    options.port = static_cast<std::uint16_t>(port);
    options.isServer = rank == 0;
    options.numWorkers = static_cast<std::size_t>(worldSize);
    options.waitWorkers = true;
    options.timeout = timeout;
    options.multiTenant = true;  // as Python's rendezvous: other stores may share host:port in this process
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 3)
    // 2.4 made the libuv server the default, but distributions build libtorch without libuv (Debian
    // 13's 2.6 refuses the default); the classic server speaks the same protocol to every client.
    options.useLibUV = false;
#endif
    auto tcp = c10::make_intrusive<c10d::TCPStore>(host, options);
    // Python's layout: the default group's keys under "default_pg", its backend's under "0" inside it.
    auto root = c10::make_intrusive<c10d::PrefixStore>("default_pg", tcp);
    auto store = c10::make_intrusive<c10d::PrefixStore>("0", root);
    std::function<void()> setSequence;
    auto pg = makeGroup(backend, store, static_cast<int>(rank), static_cast<int>(worldSize), timeout, setSequence);
    storeBasedBarrier(*root, static_cast<int>(rank), static_cast<int>(worldSize), timeout);
    setSequence();
    auto& t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    const int64_t id = t.next++;
    t.groups.emplace(id, Group{pg, backend});
    return static_cast<double>(id);
  };
}

void impl::distDestroyProcessGroup(int64_t group) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.groups.erase(group);
}

int64_t impl::distGetRank(int64_t group) { return groupOf(group).pg->getRank(); }
int64_t impl::distGetWorldSize(int64_t group) { return groupOf(group).pg->getSize(); }
std::string impl::distBackendName(int64_t group) { return groupOf(group).backend; }

int64_t impl::distAllReduce(int64_t group, at::TensorList tensors, const std::string& op) {
  c10d::AllreduceOptions options;
  options.reduceOp = reduceOp(op, 2);
  auto ts = vec(tensors);
  return addWork(groupOf(group).pg->allreduce(ts, options));
}

int64_t impl::distBroadcast(int64_t group, at::TensorList tensors, int64_t src) {
  c10d::BroadcastOptions options;
  options.rootRank = src;
  options.rootTensor = 0;
  auto ts = vec(tensors);
  return addWork(groupOf(group).pg->broadcast(ts, options));
}

int64_t impl::distAllGather(int64_t group, at::TensorList outputs, const at::Tensor& input) {
  std::vector<std::vector<at::Tensor>> out{vec(outputs)};
  std::vector<at::Tensor> in{input};
  return addWork(groupOf(group).pg->allgather(out, in));
}

int64_t impl::distReduceScatter(int64_t group, const at::Tensor& output, at::TensorList inputs, const std::string& op) {
  c10d::ReduceScatterOptions options;
  options.reduceOp = reduceOp(op, 3);
  std::vector<at::Tensor> out{output};
  std::vector<std::vector<at::Tensor>> in{vec(inputs)};
  return addWork(groupOf(group).pg->reduce_scatter(out, in, options));
}

int64_t impl::distBarrier(int64_t group) { return addWork(groupOf(group).pg->barrier(c10d::BarrierOptions())); }

AsyncJob impl::distWorkWait(int64_t work) {
  auto w = takeWork(work);
  return [w]() -> double {
    w->wait();
    return 0;
  };
}

void impl::distWorkWaitSync(int64_t work) { takeWork(work)->wait(); }

bool impl::distWorkIsCompleted(int64_t work) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  auto it = t.works.find(work);
  return it == t.works.end() || it->second->isCompleted();
}

void impl::distWorkRelease(int64_t work) {
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  t.works.erase(work);
}

namespace {

// SyncBatchNorm's collective: forward and backward both sum over ranks, so that each rank's input
// gradient sees the statistics' gradient of every rank's loss.
struct AllReduceSum : public torch::autograd::Function<AllReduceSum> {
  static at::Tensor sum(int64_t group, const at::Tensor& t) {
    std::vector<at::Tensor> ts{t.contiguous().clone()};
    c10d::AllreduceOptions options;
    options.reduceOp = c10d::ReduceOp::SUM;
    groupOf(group).pg->allreduce(ts, options)->wait();
    return ts[0];
  }
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, int64_t group) {
    ctx->saved_data["group"] = group;
    return sum(group, input);
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx, torch::autograd::variable_list grads) {
    return {sum(ctx->saved_data["group"].toInt(), grads[0]), at::Tensor()};
  }
};

}  // namespace

at::Tensor impl::distAllReduceAutograd(int64_t group, const at::Tensor& input) { return AllReduceSum::apply(input, group); }

void impl::distBroadcastCoalesced(int64_t group, at::TensorList tensors, int64_t bufferBytes, int64_t src) {
  at::NoGradGuard noGrad;  // it overwrites parameters, leaves that require grad, in place
  c10d::broadcast_coalesced(groupOf(group).pg, tensors, static_cast<size_t>(bufferBytes), static_cast<int>(src));
}

void impl::distVerifyParamsAcrossProcesses(int64_t group, at::TensorList params) {
  c10d::verify_params_across_processes(groupOf(group).pg, vec(params), c10::nullopt);
}

int64_t impl::distReducerCreate(int64_t group, at::TensorList params, int64_t bucketCapBytes, bool findUnusedParameters,
                                bool gradientAsBucketView) {
  // PyTorch's DDP: a small first bucket (dist._DEFAULT_FIRST_BUCKET_BYTES) so that communication
  // starts early in backward, then buckets of bucket_cap_mb; computed over the parameters in order
  // and reversed, since gradients become ready roughly in reverse order.
  const size_t firstBucketBytes = 1024 * 1024;
  auto ps = vec(params);
  std::vector<bool> sparse(ps.size(), false);
  auto [indices, limits] = c10d::compute_bucket_assignment_by_size(ps, {firstBucketBytes, static_cast<size_t>(bucketCapBytes)}, sparse);
  std::reverse(indices.begin(), indices.end());
  std::reverse(limits.begin(), limits.end());
  auto reducer = std::make_shared<c10d::Reducer>(ps, indices, limits, groupOf(group).pg, sparse, bucketCapBytes, findUnusedParameters,
                                                 gradientAsBucketView, std::unordered_map<size_t, std::string>(),
                                                 static_cast<int64_t>(firstBucketBytes));
  auto& t = tables();
  std::lock_guard<std::mutex> lock(t.mutex);
  const int64_t id = t.next++;
  t.reducers.emplace(id, std::move(reducer));
  return id;
}

// Python's DDP.forward before the module runs (with grad mode on): a new iteration for the
// Reducer unless gradients accumulate locally (no_sync), then, once after the first iteration, the
// buckets rebuilt in the order gradients arrived (rank 0's order, broadcast to the others).
void impl::distReducerPrepareForForward(int64_t reducer, bool syncGradients) {
  auto r = reducerOf(reducer);
  if (syncGradients) r->prepare_for_forward();
  r->rebuild_buckets();
}

void impl::distReducerPrepareForBackward(int64_t reducer, at::TensorList outputs) { reducerOf(reducer)->prepare_for_backward(vec(outputs)); }

void impl::distReducerDestroy(int64_t reducer) {
  std::shared_ptr<c10d::Reducer> r;
  {
    auto& t = tables();
    std::lock_guard<std::mutex> lock(t.mutex);
    auto it = t.reducers.find(reducer);
    if (it == t.reducers.end()) return;
    r = std::move(it->second);
    t.reducers.erase(it);
  }
  r.reset();  // outside the lock: the destructor removes autograd hooks
}

}  // namespace smoothlab
