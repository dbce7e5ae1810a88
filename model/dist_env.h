// Where a process sits in a data-parallel run: plain values from the launcher's environment
// (no torch here, so the CLI and the trainer's header can carry it).
#pragma once
#include <chrono>
#include <string>

namespace wfc {

struct DistEnv {
  int rank = 0;                           // this process, 0 .. world_size-1
  int world_size = 1;                     // ranks in the run (1: not distributed)
  int local_rank = 0;                     // this process on its node (picks the CUDA device)
  int local_world_size = 1;               // ranks on this node (they share its memory)
  std::string master_addr = "127.0.0.1";  // the rendezvous store's host
  int master_port = 29500;                // and its port
  bool agent_store = false;               // the launcher hosts the TCPStore (torchrun, wfc train --nproc)
  int attempt = 0;                        // TORCHELASTIC_RESTART_COUNT: keys of a restarted attempt stay apart
};

// RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR, MASTER_PORT (torchrun, wfc train --nproc, or an srun
// line that exports them), else SLURM_PROCID / SLURM_NTASKS / SLURM_LOCALID with MASTER_ADDR set.
// Nothing set: a world of one. A malformed value is an InputError naming the variable.
DistEnv dist_env_from_environment();

struct DistLaunch {
  DistEnv env;                                // who this process is
  std::chrono::milliseconds timeout{180000};  // joining, and every collective after it
};

}  // namespace wfc
