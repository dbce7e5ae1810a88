// Plain data that crosses from the model to everything that shows it (viz, export, CLI traces).
// Header-only, no dependencies beyond the standard library: the one model/ header viz may include.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace wfc {

enum class RowStatus : uint8_t {
  Past = 0,       // a committed token (one-hot); pinned unless the engine drifts
  Free = 1,       // a future row the refinement updates
  Collapsed = 2,  // a future row fully collapsed to one token; held from then on
  Partial = 3,    // a future row partially collapsed (alpha in StepReport::alpha); held for a while
  Pinned = 4,     // a future row the user holds as it is
};

inline const char* status_name(RowStatus s) {
  switch (s) {
    case RowStatus::Past: return "past";
    case RowStatus::Free: return "free";
    case RowStatus::Collapsed: return "collapsed";
    case RowStatus::Partial: return "partial";
    case RowStatus::Pinned: return "pinned";
  }
  return "?";
}

// How a full collapse picks its token: the row's arg-max, a sample from it, or a given token.
enum class Pick : uint8_t { Argmax, Sample, Token };

// What one refinement iteration produced, for the whole window. Vectors indexed by position
// (length `length`); top-k arrays are row-major [length x k].
struct StepReport {
  int64_t iteration = 0;          // iterations since the engine was reset (monotone)
  int converge_iteration = 0;     // 1-based index within the current re-convergence (0 outside one)
  bool converge_done = false;     // converge_step(): the re-convergence ends here (converged or max_iters)
  int n_past = 0;                 // rows [0, n_past) are the past
  int length = 0;                 // rows in the window
  int k = 0;                      // top-k width
  std::vector<float> entropy;     // nats, of each row's distribution
  std::vector<float> update;      // ||dx|| / ||x|| of each row's embedding this iteration
  std::vector<float> kl;          // KL(new || old) of each row's distribution this iteration
  std::vector<int32_t> argmax;    // most likely token per row
  std::vector<int32_t> topk_ids;  // [length*k]
  std::vector<float> topk_probs;  // [length*k]
  std::vector<uint8_t> status;    // RowStatus per row
  std::vector<float> alpha;       // partial-collapse strength per row (0 unless Partial)
  float max_update = 0;           // over rows the iteration may change
  float max_kl = 0;
  bool converged = false;         // this iteration met the tolerance
  double ms = 0;                  // wall time of this iteration
  // Rows from here on were left alone (generate's focus runs only the rows its policy reads):
  // they keep their last values, uniform if never run. -1: every row ran.
  int unrun_from = -1;
};

// A top-k entry at probability 0 is no guess: a one-hot row's other ids, or a soft row's
// entries that underflowed. Lists a person reads (tooltips, popups, traces, saved data) skip it.
inline bool topk_filler(float p) { return !(p > 0.0f); }

// Return false to cancel: the engine stops after the current iteration, state intact.
using StepCallback = std::function<bool(const StepReport&)>;

}  // namespace wfc
