// Generation under a policy: converge, play a round (the policy collapses, every leading collapsed
// row is minted), repeat. `wfc generate` and the lab's play both run play_round(), so the two
// cannot drift apart.
#pragma once
#include <climits>
#include <functional>
#include <string>
#include <vector>

#include "model/engine.h"
#include "model/policies.h"

namespace wfc {

// What one round did, in absolute positions (Engine::position(window row)).
struct RoundCollapse {
  int64_t pos = -1;
  bool partial = false;
  float alpha = 1.0f;    // partial: blend strength
  int token = -1;        // the token collapsed to (partial: blended toward)
  bool forced = false;   // the first-future collapse that keeps a round progressing
};
struct PlayRound {
  std::vector<RoundCollapse> collapses;  // in the order applied
  int64_t first_minted = -1;             // absolute position of the first minted token
  std::vector<int> minted;               // tokens minted, in order
};

// One round on a converged window: the policy's choices, then, when the round fully collapsed no
// row (the policy chose nothing, or only partials), the first future row by `pick`, so a round
// always progresses; then every leading collapsed row is minted (at most `max_mint`).
PlayRound play_round(Engine& engine, const Policy& policy, Pick pick, int max_mint = INT_MAX);

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

// Mints `n_tokens` tokens (or stops when cancelled): converge, play_round, repeat.
GenerateStats generate(Engine& engine, const Policy& policy, int n_tokens, Pick pick,
                       const GenerateHooks& hooks = {});

}  // namespace wfc
