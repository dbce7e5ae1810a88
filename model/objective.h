// The two training objectives on one backbone.
//
// WFC (DESIGN.md §1, RESEARCH.md): a window of true tokens; some rows are the future: they start
// uniform, and a share of them are fully or partially collapsed to their true token. K refinement
// iterations run exactly as the engine does (block mask, past and held rows pinned as inputs,
// free rows move toward the shifted read-out), and every iteration's read-out is scored:
// row r predicts token r+1. A target whose own row is held (collapsed or partial) is visible to
// its predictor under the block mask, so it is left out of the loss.
//
// AR baseline: the same network, causal mask, one pass, next-token loss on every row.
#pragma once
#include <torch/torch.h>

#include <random>
#include <vector>

#include "model/network.h"
#include "model/train_config.h"

namespace wfc {

struct LossReport {
  double loss = 0;                   // the optimised (weighted) loss
  std::vector<double> future_loss;   // [K] future-row loss per iteration (wfc); [1] next-token loss (ar)
  std::vector<double> past_loss;     // [K] past-row loss per iteration (wfc)
  int64_t future_targets = 0;        // scored future rows in the batch
};

// Where the future is in each window of a batch, and what the held rows hold.
struct WindowLayout {
  torch::Tensor future;   // [B,T] bool: rows not committed (the block mask's two-way set)
  torch::Tensor free;     // [B,T] bool: future rows the feedback writes
  torch::Tensor partial;  // [B,T] float: alpha of partially collapsed rows (0 elsewhere)
};

// Draws futures for a batch of windows of length T (uses `rng` only, so that resume replays it).
WindowLayout draw_layout(const TrainConfig& cfg, int B, int T, int64_t step, std::mt19937_64& rng);

// Row counts of the whole (global) batch that the loss is averaged over; 0 = this batch's own. With
// them, micro-batches and ranks each add their share and the shares sum to the global loss.
struct LossNorm {
  double future_rows = 0;  // free future rows with a target, over the global batch
  double past_rows = 0;    // committed rows with a target, over the global batch
};

// Forward + backward of one batch (ids [B,T] on the network's device). Gradients accumulate into
// the network's parameters; the caller steps the optimizer.
// reuse_past: run the rows committed in every window once and share them across the K iterations
// where the mask allows (the same loss and gradients up to float rounding); false: every iteration
// runs the whole window.
LossReport wfc_loss_backward(Network& net, const TrainConfig& cfg, const torch::Tensor& ids,
                             const WindowLayout& layout, const LossNorm& norm = {}, bool reuse_past = true);
// The leading rows committed in every window of the layout that wfc_loss_backward runs once and
// shares across the K iterations (0: none; it needs K >= 2, no dropout, a mask that keeps
// committed rows blind to the future).
int64_t shared_past_rows(const Network& net, const TrainConfig& cfg, const WindowLayout& layout);
// scale: this batch's share of the global batch (its loss is a mean over its own rows).
LossReport ar_loss_backward(Network& net, const torch::Tensor& ids, double scale = 1.0);

}  // namespace wfc
