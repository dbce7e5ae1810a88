// Automatic collapse policies. A policy looks at plain data (entropies and statuses) and says
// which future rows to collapse and how; the caller applies the choice to the engine. No torch
// here, so each policy is testable on hand-made entropy vectors.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "model/trace.h"

namespace wfc {

struct CollapseChoice {
  int pos = -1;
  bool partial = false;  // false: full collapse
  float alpha = 1.0f;    // with partial: blend strength
};

// Defaults chosen on the bundled model so that each policy does what its name says, measured on
// the converged states of `generate` (docs in the README): its free rows sit at 6.3-6.6 nats
// except one or two that stand out (1.4-5.9). An absolute threshold (4.5 nats before) or a budget
// of 10 nats took that one row in most rounds, as lowest-entropy does (30 and 29 rounds for 32
// tokens against its 32). Now threshold takes the rows that stand out of the curve (1-5 a round)
// and entropy-budget a steady 2-3: 32 tokens from two prompts took 20 and 23 rounds (threshold),
// 13 and 15 (entropy-budget), 32 and 32 (lowest-entropy).
struct PolicyParams {
  float threshold = 0.5f;      // threshold: every candidate row at least this far under the candidates' median entropy (nats)
  float budget = 15.0f;        // entropy-budget: lowest-entropy rows while their sum stays under this (nats)
  float alpha = 0.5f;          // median-partial: blend strength
  // Every range is checked whichever policy is chosen, so a bad value never waits silently for the
  // policy that reads it. The message starts with the field's name (the flag's, too).
  void validate() const;
};

class Policy {
 public:
  virtual ~Policy() = default;
  virtual std::string name() const = 0;
  // Rows to collapse now, given per-row entropy, statuses and the past length. Only free,
  // partial or pinned future rows are candidates. Every policy except manual returns at least
  // one choice whenever a candidate exists.
  virtual std::vector<CollapseChoice> choose(const std::vector<float>& entropy,
                                             const std::vector<uint8_t>& status, int n_past) const = 0;
  // How many leading future rows choose() reads (0 = all): generate need not converge, or even
  // run, the others (Engine::set_focus).
  virtual int rows_read() const { return 0; }
};

// "first-future", "lowest-entropy", "threshold", "entropy-budget", "median-partial", "manual".
std::unique_ptr<Policy> make_policy(const std::string& name, const PolicyParams& params = {});
std::vector<std::string> policy_names();

// Candidate rows for collapse: future rows not yet fully collapsed.
std::vector<int> candidates(const std::vector<uint8_t>& status, int n_past);

}  // namespace wfc
