#include "model/distributed.h"

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>

#include <cstdlib>
#include <thread>
#include <sstream>

#include "model/errors.h"

// The c10d backends this build carries, decided by CMakeLists.txt (as model/torch_compat.h decides
// LibTorch's versions at compile time): USE_C10D_GLOO when gloo's headers are installed (Debian:
// libgloo-dev) for CPU tensors; USE_C10D_NCCL in a CUDA build (-DWFC_NCCL=ON) for CUDA tensors.
#ifdef USE_C10D_GLOO
#define WFC_HAS_GLOO 1
#else
#define WFC_HAS_GLOO 0
#endif
#ifdef USE_C10D_NCCL
#define WFC_HAS_NCCL 1
#else
#define WFC_HAS_NCCL 0
#endif

#if WFC_HAS_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#if WFC_HAS_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace wfc {

using namespace std::chrono_literals;

struct Dist::Impl {
  c10::intrusive_ptr<c10d::Store> store;
  c10::intrusive_ptr<c10d::ProcessGroup> pg;
  std::string backend;
  std::chrono::milliseconds timeout{};
  torch::Device dev{torch::kCPU};  // where the group's tensors must live (NCCL takes CUDA tensors only)
};

// The group's own device: a tensor elsewhere (a CPU flag or loss sum under NCCL) travels through a
// copy there and back, so callers never need to know which backend they talk to.
static torch::Tensor on_device(const torch::Tensor& t, const torch::Device& dev) {
  return t.device() == dev ? t : t.to(dev);
}

static std::string first_line(const std::string& s) {
  const auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

static std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

Dist::Dist(const DistEnv& env, const torch::Device& dev, std::chrono::milliseconds timeout) : env_(env) {
  if (env.world_size <= 1) return;
  impl_ = std::make_unique<Impl>();
  impl_->timeout = timeout;
  impl_->dev = dev;
  c10d::TCPStoreOptions so;
  so.port = uint16_t(env.master_port);
  so.isServer = env.rank == 0 && !env.agent_store;  // else the launcher hosts it
  so.waitWorkers = false;
  so.timeout = timeout;
  const std::string where = env.master_addr + ":" + std::to_string(env.master_port);
  c10::intrusive_ptr<c10d::Store> tcp;
  try {
    tcp = c10::make_intrusive<c10d::TCPStore>(env.master_addr, so);
  } catch (const std::exception& e) {
    throw DistError("rank " + std::to_string(env.rank) + ": cannot reach the rendezvous store at " + where +
                    (so.isServer ? " (this rank hosts it)" : " (hosted by rank 0 or the launcher)") + ": " +
                    first_line(e.what()));
  }
  impl_->store = c10::make_intrusive<c10d::PrefixStore>("wfc/attempt_" + std::to_string(env.attempt), tcp);

  // Our own join first, so a rank that never arrives is named instead of a timeout inside Gloo.
  impl_->store->set("joined/" + std::to_string(env.rank), bytes_of("1"));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    std::vector<int> missing;
    for (int r = 0; r < env.world_size; ++r)
      if (!impl_->store->check({"joined/" + std::to_string(r)})) missing.push_back(r);
    if (missing.empty()) break;
    if (std::chrono::steady_clock::now() > deadline) {
      std::ostringstream m;
      m << "rank " << env.rank << ": rank" << (missing.size() > 1 ? "s" : "");
      for (size_t i = 0; i < missing.size(); ++i) m << (i ? ", " : " ") << missing[i];
      m << " never joined within " << timeout.count() / 1000 << " s (rendezvous at " << where << ")";
      throw DistError(m.str());
    }
    std::this_thread::sleep_for(50ms);
  }

  try {
    if (dev.is_cuda()) {
#if WFC_HAS_NCCL
      auto o = c10d::ProcessGroupNCCL::Options::create();
      o->timeout = timeout;
      impl_->pg = c10::make_intrusive<c10d::ProcessGroupNCCL>(impl_->store, env.rank, env.world_size, o);
      impl_->backend = "nccl";
#else
      throw InputError("train: CUDA tensors across ranks need NCCL, and this LibTorch was built without it");
#endif
    } else {
#if WFC_HAS_GLOO
      auto o = c10d::ProcessGroupGloo::Options::create(timeout);
      const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
      if (ifname && *ifname) o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(ifname));
      else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
        o->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
      else o->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
      o->threads = 1;
      impl_->pg = c10::make_intrusive<c10d::ProcessGroupGloo>(impl_->store, env.rank, env.world_size, o);
      impl_->backend = "gloo";
#else
      throw InputError("train: this LibTorch was built without Gloo, so CPU ranks cannot talk");
#endif
    }
  } catch (const InputError&) {
    throw;
  } catch (const std::exception& e) {
    fail("joining the process group", first_line(e.what()));
  }
}

Dist::~Dist() = default;

const char* Dist::backend() const { return impl_ ? impl_->backend.c_str() : "none"; }

// Names the rank that is gone: the ranks still running announce themselves in the store, and
// whoever does not within a few seconds died or hung. When the store is gone too, so is its host.
void Dist::fail(const std::string& op, const std::string& cause) {
  std::ostringstream m;
  m << "rank " << env_.rank << ": " << op << " failed";
  if (step_ >= 0) m << " after step " << step_;
  try {
    impl_->store->setTimeout(3000ms);
    impl_->store->set("alive/" + std::to_string(env_.rank), bytes_of(std::to_string(step_)));
    const auto until = std::chrono::steady_clock::now() + 3s;
    std::vector<int> gone;
    for (;;) {
      gone.clear();
      for (int r = 0; r < env_.world_size; ++r)
        if (r != env_.rank && !impl_->store->check({"alive/" + std::to_string(r)})) gone.push_back(r);
      if (gone.empty() || std::chrono::steady_clock::now() > until) break;
      std::this_thread::sleep_for(100ms);
    }
    if (gone.empty()) {
      m << "; every other rank is still running (a network fault or a timeout)";
    } else {
      m << "; rank" << (gone.size() > 1 ? "s" : "");
      for (size_t i = 0; i < gone.size(); ++i) m << (i ? ", " : " ") << gone[i];
      m << " stopped answering (exited, killed, or hung past the " << impl_->timeout.count() / 1000 << " s timeout)";
    }
  } catch (const std::exception&) {
    m << (env_.agent_store ? "; the launcher's rendezvous store is unreachable too (the launcher is gone)"
                           : env_.rank == 0 ? "; the rendezvous store this rank hosts failed"
                                            : "; rank 0, which hosts the rendezvous store, is gone");
  }
  m << ": " << cause;
  throw DistError(m.str());
}

void Dist::heartbeat(int64_t step) { step_ = step; }

void Dist::allreduce_sum(torch::Tensor& t) {
  if (!impl_) return;
  try {
    std::vector<at::Tensor> v{on_device(t, impl_->dev)};
    impl_->pg->allreduce(v)->wait();
    if (!v[0].is_same(t)) t.copy_(v[0]);
  } catch (const DistError&) {
    throw;
  } catch (const std::exception& e) {
    fail("all-reduce", first_line(e.what()));
  }
}

void Dist::allreduce_grads(const std::vector<torch::Tensor>& params, size_t bucket_bytes) {
  if (!impl_) return;
  torch::NoGradGuard ng;
  std::vector<std::vector<torch::Tensor>> buckets(1);
  size_t bytes = 0;
  for (const auto& p : params) {
    if (!p.grad().defined()) continue;
    const size_t b = size_t(p.grad().numel()) * p.grad().element_size();
    if (bytes > 0 && bytes + b > bucket_bytes) buckets.emplace_back(), bytes = 0;
    buckets.back().push_back(p.grad());
    bytes += b;
  }
  std::vector<torch::Tensor> flat;
  std::vector<c10::intrusive_ptr<c10d::Work>> work;
  try {
    for (auto& bucket : buckets) {
      if (bucket.empty()) continue;
      std::vector<torch::Tensor> views;
      for (auto& g : bucket) views.push_back(g.reshape({-1}));
      flat.push_back(torch::cat(views));  // [sum numel]
      std::vector<at::Tensor> v{flat.back()};
      work.push_back(impl_->pg->allreduce(v));
    }
    for (auto& w : work) w->wait();
  } catch (const std::exception& e) {
    fail("the gradient all-reduce", first_line(e.what()));
  }
  size_t i = 0;
  for (auto& bucket : buckets) {
    if (bucket.empty()) continue;
    int64_t off = 0;
    for (auto& g : bucket) {
      g.copy_(flat[i].narrow(0, off, g.numel()).view_as(g));
      off += g.numel();
    }
    ++i;
  }
}

void Dist::broadcast(const std::vector<torch::Tensor>& tensors, int root) {
  if (!impl_) return;
  torch::NoGradGuard ng;
  try {
    c10d::BroadcastOptions o;
    o.rootRank = root;
    for (const auto& t : tensors) {
      std::vector<at::Tensor> v{on_device(t, impl_->dev)};
      impl_->pg->broadcast(v, o)->wait();
      if (!v[0].is_same(t)) t.copy_(v[0]);
    }
  } catch (const std::exception& e) {
    fail("broadcast", first_line(e.what()));
  }
}

std::vector<uint8_t> Dist::share(const std::string& key, const std::vector<uint8_t>& bytes, int root) {
  if (!impl_) return bytes;
  try {
    if (env_.rank == root) {
      impl_->store->set("share/" + key, bytes);
      return bytes;
    }
    return impl_->store->get("share/" + key);  // waits up to the timeout
  } catch (const std::exception& e) {
    fail("receiving '" + key + "' from rank " + std::to_string(root), first_line(e.what()));
  }
}

void Dist::barrier(const std::string& what) {
  if (!impl_) return;
  auto one = torch::ones({1}, torch::TensorOptions().device(impl_->dev));  // [1]
  try {
    std::vector<at::Tensor> v{one};
    impl_->pg->allreduce(v)->wait();
    (void)v[0].item<float>();  // under NCCL wait() only orders the stream: the host waits here
  } catch (const std::exception& e) {
    fail("waiting for every rank (" + what + ")", first_line(e.what()));
  }
}

struct StoreHost::Impl {
  c10::intrusive_ptr<c10d::TCPStore> store;
};

StoreHost::StoreHost(std::chrono::milliseconds timeout) : impl_(std::make_unique<Impl>()) {
  c10d::TCPStoreOptions so;
  so.port = 0;
  so.isServer = true;
  so.waitWorkers = false;
  so.timeout = timeout;
  impl_->store = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", so);
  port_ = impl_->store->getPort();
}

StoreHost::~StoreHost() = default;

}  // namespace wfc
