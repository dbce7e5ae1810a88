// Data-parallel training on LibTorch's own distributed engine, c10d: a TCPStore for the
// rendezvous, ProcessGroupGloo for CPU tensors and ProcessGroupNCCL for CUDA tensors where the
// build has it (model/torch_compat.h). Nothing here moves bytes itself.
//
// Rank and world come from the environment every PyTorch launcher sets: RANK, WORLD_SIZE,
// LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun, `wfc train --nproc`, or srun through
// SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID). Without them the process is a world of one and
// every collective is a no-op.
#pragma once
#include <torch/torch.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "model/dist_env.h"

namespace wfc {

// A failure of the group (a rank died, never joined, or timed out); the message names the rank.
struct DistError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Dist {
 public:
  // Joins the group: every rank must arrive within `timeout`, which also bounds every later
  // collective. A world of one joins nothing.
  Dist(const DistEnv& env, const torch::Device& dev, std::chrono::milliseconds timeout);
  ~Dist();
  Dist(const Dist&) = delete;
  Dist& operator=(const Dist&) = delete;

  int rank() const { return env_.rank; }
  int world() const { return env_.world_size; }
  bool active() const { return env_.world_size > 1; }
  const char* backend() const;

  // Sums in place over the ranks. Gradients go through flat buckets of at most `bucket_bytes`,
  // all in flight at once, then copied back.
  void allreduce_sum(torch::Tensor& t);
  void allreduce_grads(const std::vector<torch::Tensor>& params, size_t bucket_bytes = 32u << 20);
  // Every rank ends with root's values.
  void broadcast(const std::vector<torch::Tensor>& tensors, int root = 0);
  // Bytes from root to every rank through the store (a tokenizer, a small manifest).
  std::vector<uint8_t> share(const std::string& key, const std::vector<uint8_t>& bytes, int root = 0);
  void barrier(const std::string& what);
  // The step this rank has finished, for the messages of a failure.
  void heartbeat(int64_t step);

 private:
  struct Impl;
  [[noreturn]] void fail(const std::string& op, const std::string& cause);
  DistEnv env_;
  std::unique_ptr<Impl> impl_;
  int64_t step_ = -1;
};

// The rendezvous store of `wfc train --nproc`, hosted by the launching process on 127.0.0.1 and a
// port the kernel picks (no collision between concurrent runs); its ranks connect as clients.
class StoreHost {
 public:
  explicit StoreHost(std::chrono::milliseconds timeout);
  ~StoreHost();
  int port() const { return port_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
};

}  // namespace wfc
