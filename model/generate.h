// Generation under a policy: converge, let the policy collapse, mint every leading collapsed row,
// repeat. The one entry point `wfc generate` (and the lab's auto-play) is built on.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "model/engine.h"
#include "model/policies.h"

namespace wfc {

struct GenerateStats {
  int rounds = 0;                // converge + collapse rounds
  int64_t iterations = 0;        // refinement iterations in all
  int early_exits = 0;           // rounds whose converge met the tolerance within max_iters
  double ms = 0;                 // time spent iterating
  std::vector<int> minted;       // tokens minted, in order
};

struct GenerateHooks {
  StepCallback on_step;                                    // every iteration; false cancels
  std::function<void(int token)> on_mint;                  // every minted token
  std::function<void(const CollapseChoice&, int token)> on_collapse;
};

// Mints `n_tokens` tokens (or stops when cancelled). A policy that never fully collapses the first
// future row (median-partial) is followed each round by a first-future collapse, so it progresses.
GenerateStats generate(Engine& engine, const Policy& policy, int n_tokens, Pick pick,
                       const GenerateHooks& hooks = {});

}  // namespace wfc
