#include "model/dist_env.h"

#include <cstdlib>
#include <string>

#include "model/errors.h"
#include "model/numbers.h"

namespace wfc {

static const char* env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// A launcher variable: a decimal integer in [lo, hi] (the project's one strict parser).
static int env_int(const char* name, const char* text, int64_t lo, int64_t hi) {
  return int(num::parse_int(text, std::string("environment ") + name, {lo, hi}));
}

DistEnv dist_env_from_environment() {
  DistEnv e;
  // torchrun and `wfc train --nproc` set RANK; under srun without them, SLURM's names say the same.
  const bool torch_names = std::getenv("RANK") || std::getenv("WORLD_SIZE");
  const bool slurm = !torch_names && std::getenv("SLURM_PROCID") && std::getenv("SLURM_NTASKS") &&
                     std::getenv("MASTER_ADDR");
  if (!torch_names && !slurm) return e;
  const char* rank_name = torch_names ? "RANK" : "SLURM_PROCID";
  const char* world_name = torch_names ? "WORLD_SIZE" : "SLURM_NTASKS";
  const char* local_name = torch_names ? "LOCAL_RANK" : "SLURM_LOCALID";
  const char* rank = env_or(rank_name, "");
  const char* world = env_or(world_name, "");
  if (!*rank || !*world)
    throw InputError(std::string("environment: ") + rank_name + " and " + world_name + " must be set together");
  e.world_size = env_int(world_name, world, 1, 65536);
  e.rank = env_int(rank_name, rank, 0, e.world_size - 1);
  e.local_rank = env_int(local_name, env_or(local_name, "0"), 0, 65535);
  const char* local_world_name = torch_names ? "LOCAL_WORLD_SIZE" : "SLURM_NTASKS_PER_NODE";
  e.local_world_size = env_int(local_world_name, env_or(local_world_name, "1"), 1, 65536);
  e.master_addr = env_or("MASTER_ADDR", "127.0.0.1");
  e.master_port = env_int("MASTER_PORT", env_or("MASTER_PORT", "29500"), 1, 65535);
  e.agent_store = std::string(env_or("TORCHELASTIC_USE_AGENT_STORE", "")) == "True";
  e.attempt = env_int("TORCHELASTIC_RESTART_COUNT", env_or("TORCHELASTIC_RESTART_COUNT", "0"), 0, 1 << 20);
  return e;
}

}  // namespace wfc
