// The past, run once: per-block keys and values of the window's leading rows that cannot change.
//
// Under the causal, block and held masks a committed (past) row attends only to rows at or before
// it, and a pinned past row is a fixed one-hot: its keys and values in every block are the same in
// every iteration. So the engine runs those rows once, keeps their rotated keys and values, and
// each iteration runs only the rows after them against the cache. Under the lookahead mask a row
// also sees `lookahead` rows to its right, so the future's influence reaches back
// n_layer x lookahead rows: that many past rows are recomputed every iteration, the rest cached.
//
// The cache is keyed by what it was computed from (the past's tokens, the mask kind, the network),
// so every engine operation (reset, mint, undo, restore, slide) is handled by comparing keys, never
// by a hook:
//   - the same past: reused;
//   - a longer past that starts with the cached one (a mint without a slide; causal, block and
//     held): the new rows are appended, computed against the cache like one decode step;
//   - a shorter past that the cached one starts with (an undo of mints; causal, block and held):
//     the cache is cut to it;
//   - anything else (a slide, a reset, an undo to another past): rebuilt from the past rows.
// A slide is RECOMPUTED, not shifted: the row that leaves the window was in every later past row's
// context, so no cached key or value stays valid (with rotary or learned positions alike).
// Drifting past rows (pin_past off) and the two-way "none" mask use the full window instead.
#pragma once
#include <torch/torch.h>

#include <vector>

#include "model/engine_config.h"
#include "model/network.h"

namespace wfc {

class PastCache {
 public:
  // Rows [0, prefix) that may be cached under `mask` with n_past pinned past rows; 0 = none.
  static int cacheable_rows(const ModelConfig& cfg, MaskKind mask, int n_past);

  // Final hidden states f(x) of rows [start, L) of the window, start = cacheable_rows(...) > 0:
  // x [L,C] the embedded window (its first n_past rows the pinned past, tokens[0..n_past) their
  // tokens), allowed [1,1,L,L] the window's mask (or undefined). Returns [L-start, C];
  // h_before() is then the final hidden state of row start-1 ([C]).
  torch::Tensor run(Network& net, const torch::Tensor& x, const std::vector<int>& tokens, int n_past,
                    MaskKind mask, const torch::Tensor& allowed, int& start);
  torch::Tensor h_before() const { return h_[prefix_ - 1]; }

  void clear();
  int rows() const { return prefix_; }
  // How often the cache was built from scratch / extended / cut / reused (tests and the benchmark).
  int64_t builds = 0, extends = 0, truncations = 0, reuses = 0;

 private:
  void build(Network& net, const torch::Tensor& x, int n_past, const torch::Tensor& allowed, int prefix);
  void extend(Network& net, const torch::Tensor& x, const torch::Tensor& allowed, int prefix);
  void truncate(int prefix);

  std::vector<int> key_tokens_;      // tokens of the past the cache was computed from
  MaskKind key_mask_ = MaskKind::None;
  const void* key_net_ = nullptr;    // the network the cache belongs to
  int prefix_ = 0;                   // cached rows
  std::vector<torch::Tensor> k_, v_; // per block [1,H,prefix,D], rotary applied
  torch::Tensor h_;                  // [prefix,C] final hidden states of the cached rows (row prefix-1 reads out row prefix)
};

}  // namespace wfc
