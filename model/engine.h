// The refinement engine: one window of probability rows and the operations on it.
//
// State: p [L,V], one distribution per row (past rows one-hot, fresh future rows uniform). Rows
// are embedded as x = p @ E (+ positions). One iteration runs the weight-tied stack once, reads
// out q = softmax(readout(f(x))), and moves every row the engine may change toward its feedback:
//     p_i <- p_i + eta * (fb_i - p_i),   fb_i = q_{i-1} (shifted read-out) or q_i (same)
// which in embedding space is exactly x += eta * v(x) with v = (fb - p) @ E. Held rows (past when
// pinned, collapsed, partial while held, pinned) are never written, so they stay bit-identical.
// Re-convergence always starts from the current state.
#pragma once
#include <torch/torch.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "model/engine_config.h"
#include "model/network.h"
#include "model/past_cache.h"
#include "model/trace.h"

namespace wfc {



// A saved moment of an engine (the lab's history). Rows that are exactly one-hot are kept as their
// token, so a moment costs about (soft rows x V) floats; restore_state() is bit-identical.
struct EngineState {
  std::vector<int64_t> soft_rows;   // rows stored densely
  torch::Tensor soft;               // [soft_rows, V] on the CPU
  std::vector<RowStatus> status;
  std::vector<float> alpha;
  std::vector<int> hold_left, tokens;
  int n_past = 0;
  int64_t iteration = 0;
  int64_t offset = 0;
  std::mt19937_64 rng;
  bool empty() const { return status.empty(); }
};

class Engine {
 public:
  Engine(Network net, const EngineConfig& cfg, torch::Device device = torch::kCPU);

  // Starts over: the prompt tokens become the past, `future` uniform rows follow. Prompt longer
  // than the window keeps its last (block_size - future) tokens.
  void reset(const std::vector<int>& prompt);

  StepReport step();                                  // one iteration
  // One iteration of a re-convergence, resumable: the count (StepReport::converge_iteration)
  // goes on across calls until the report says converge_done (converged, or max_iters reached);
  // an action on the window (collapse, mint, reset, restore...) starts a fresh count.
  StepReport converge_step();
  // converge_step() until converged or max_iters; reports every iteration. Returns iterations run.
  int converge(const StepCallback& cb = nullptr);

  // Full collapse of future row `pos` to a token: its arg-max, a sample, or `token`.
  int collapse(int pos, Pick how = Pick::Argmax, int token = -1);
  // Partial collapse: (1-alpha) p + alpha onehot(t) (t = argmax unless given), held for `hold`
  // iterations (0 = until released). Returns t, the token the row was blended toward.
  int collapse_partial(int pos, float alpha, int hold = 0, int token = -1);
  // Sharpen: p^(1/tau) renormalised, held like a partial collapse.
  void sharpen(int pos, float tau, int hold = 0);
  void pin(int pos);                 // hold a future row as it is
  void release(int pos);             // a partial or pinned row becomes free again
  // A counterfactual: past row `row` becomes onehot(token); the future re-converges from where it
  // is on the next iterations (the past cache is keyed by the past's tokens, so it rebuilds).
  // Returns the token the row held before.
  int edit_past(int row, int token);
  // First future row -> past (it must be fully collapsed). Slides the window when it is full and
  // appends a uniform row, so the future keeps its length. Returns the minted token.
  int mint();
  // Tokens slid out of the window since reset(): window row i is absolute position offset() + i.
  // The one place the slide is counted; everything outside works in absolute positions.
  int64_t offset() const { return offset_; }
  int64_t position(int row) const { return offset_ + row; }  // absolute position of window row `row`
  // The window row of absolute position `pos`, which must be a future row; else InputError
  // "WHAT: position POS is not in the future (positions A..B)".
  int future_row(int64_t pos, const char* what) const;
  // The same for a past row still in the window: "WHAT: position POS is not in the window's past
  // (positions A..B)".
  int past_row(int64_t pos, const char* what) const;

  EngineState save_state() const;
  void restore_state(const EngineState& s);  // the same network (vocabulary) the state came from

  // Plain-data view of the current state (no iteration run).
  StepReport snapshot() const;
  const EngineConfig& config() const { return cfg_; }
  EngineConfig& config() { return cfg_; }
  int n_past() const { return n_past_; }
  int64_t iteration() const { return iteration_; }
  int length() const { return int(status_.size()); }
  int vocab() const { return V_; }
  const std::vector<RowStatus>& status() const { return status_; }
  std::vector<int> past_tokens() const;  // the committed tokens in the window
  torch::Tensor probs() const { return p_; }  // [L,V], for tests
  void set_probs_row(int pos, const torch::Tensor& row);  // [V], for tests and the lab
  Network& network() { return net_; }
  const PastCache& past_cache() const { return past_cache_; }
  // Only future rows [n_past, n_past + rows) are read (a policy that looks at the first few rows):
  // the stop test covers only them, and when the mask keeps them blind to the rows after them,
  // those rows are not iterated at all. 0 = every row (the default).
  void set_focus(int rows) { focus_ = std::max(rows, 0); }
  int focus() const { return focus_; }
  // How many times the V-wide product p @ E of the soft rows ran (once per iteration when nothing
  // else touched the rows; see soft_embedding).
  int64_t soft_products() const { return soft_products_; }

 private:
  void check_future(int pos, const char* what) const;
  // [L,V] -> x [L,C]; held [1,L] (or undefined) adds the held embedding
  torch::Tensor embed_rows(const torch::Tensor& p, const torch::Tensor& held) const;
  // Rows that are not one-hot among [0, R), and their p @ E [S,C]: computed once per iteration
  // (the next iteration's embedding is the product the update norm needed), recomputed when
  // anything else changed those rows.
  std::vector<int64_t> soft_rows(int R) const;
  torch::Tensor soft_embedding(const torch::Tensor& p, const std::vector<int64_t>& soft) const;
  // Feedback for rows [start, L), given p [L,V], its embedding x [L,C] and the held rows.
  torch::Tensor readout_probs(const torch::Tensor& p, const torch::Tensor& x, const torch::Tensor& held, int start);
  int first_changing_row() const;
  // [1,L] bool: future rows set from outside (collapsed, partial, pinned); undefined when neither
  // the mask nor the network reads them
  torch::Tensor held_rows() const;
  MaskKind mask_kind() const;  // the configured mask, or the checkpoint's
  StepReport report(const torch::Tensor& upd, const torch::Tensor& kl, double ms) const;
  bool may_change(int i) const;
  bool one_hot(int i) const;         // row i is exactly onehot(tokens_[i]) and stays so
  bool in_focus(int i) const;
  int rows_to_run() const;           // rows an iteration runs: length(), or fewer under a focus
  bool past_cacheable() const;
  void tick_holds();

  Network net_;
  EngineConfig cfg_;
  torch::Device dev_;
  int V_, T_;
  torch::Tensor p_;                 // [L,V] float32 on dev_
  std::vector<RowStatus> status_;   // [L]
  std::vector<float> alpha_;        // [L]
  std::vector<int> hold_left_;      // [L] iterations left for a timed partial hold (0 = indefinite)
  std::vector<int> tokens_;         // [L] token of one-hot rows (-1 otherwise)
  int n_past_ = 0;
  int64_t offset_ = 0;              // tokens slid out of the window (see offset())
  int64_t iteration_ = 0;
  int converge_iter_ = 0;
  std::mt19937_64 rng_;
  PastCache past_cache_;
  struct SoftEmbedding {
    std::vector<int64_t> rows;  // which rows
    torch::Tensor p;            // [S,V] their probabilities when it was computed
    torch::Tensor e;            // [S,C] p @ E
  };
  mutable SoftEmbedding soft_emb_;  // a cache: equal inputs give the bits a recompute would
  mutable int64_t soft_products_ = 0;
  int focus_ = 0;
};

}  // namespace wfc
