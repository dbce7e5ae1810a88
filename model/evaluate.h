// Held-out evaluation, the same for a WFC model and its baseline so that two checkpoints compare
// side by side on the same tokens.
//
// Each evaluation window holds T + R tokens. Round 0 looks at the first T: the last `future` rows
// start uniform and the window converges as the engine converges it (block mask, pinned past,
// shifted feedback, stop when the largest KL between successive future rows is under tol). Then R
// times the first future row is collapsed to its true token and minted: the window slides by one,
// a uniform row is appended, and the window re-converges from its current state. The baseline
// is scored on exactly the tokens that are a first future row in some round, with the same past.
//
// The collapse-ahead probe measures the two-way part: after round 0, future row d = `ahead` is
// collapsed to its true token and held, the window re-converges, and the NLL of rows d = 2 ..
// ahead-1 (predicted by future rows left of the collapse) is compared before and after. Under a
// causal mask those rows cannot see the collapse; under block or held masks they should gain.
//
// The think-ahead gain asks whether the speculated future helps the next token: the same windows
// are scored again with one future row (the same past, the same first-future tokens), and the gain
// is NLL(F = 1) - NLL(F). Where the first future row is read out from a row that cannot see the
// future (a shifted read-out from a causal past row: the causal, block and held masks) the gain is
// 0 by construction, and the measurement shows it.
#pragma once
#include <torch/torch.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/engine_config.h"
#include "model/network.h"

namespace wfc {

struct EvalOptions {
  int windows = 64;          // evaluation windows, evenly spaced over the held-out tokens
  int future = kDefaultFuture;  // future rows per window
  int max_iters = kDefaultMaxIters;  // refinement cap per (re-)convergence
  float tol = float(kDefaultTol);  // KL stop threshold
  float eta = 1.0f;          // feedback step size
  int reconverge = 4;        // mint-and-reconverge rounds per window
  int batch = 16;            // windows run at once (memory: batch * T * V floats)
  int ahead = 8;             // collapse-ahead probe at this future distance (0 = off; needs 3..future)
  bool cache_past = true;    // run the past once per convergence where the mask allows (past_cache.h)
  bool think_ahead = true;   // also score the first-future tokens with one future row (wfc, future > 1)
};

struct EvalResult {
  std::string objective;                    // "wfc" | "ar"
  int windows = 0, future = 0, rounds = 0;  // rounds = 1 + reconverge
  int64_t scored = 0;                       // first-future tokens scored
  double first_future_nll = 0;              // wfc: first future row at convergence; ar: next-token NLL
  double val_loss = 0;                      // wfc: mean NLL over every future distance; ar: over every row
  std::vector<double> nll_by_distance;      // [future] wfc only
  std::vector<double> entropy_by_distance;  // [future] mean entropy (nats) of future rows, wfc only
  double past_entropy = 0;                  // mean entropy of past rows (one-hot while pinned)
  double entropy_rank_corr = 0;             // Spearman rank correlation of entropy with distance
  double mean_iters = 0;                    // iterations to converge from a uniform future
  double converged_share = 0;               // share of those that met tol before max_iters
  double reconverge_mean_iters = 0;         // iterations per re-convergence after a mint
  double early_exit_share = 0;              // share of re-convergences that met tol before max_iters
  int ahead = 0;                            // collapse-ahead probe distance (0 = not run), wfc only
  double ahead_nll_before = 0;              // mean NLL of rows d = 2 .. ahead-1 at round 0's convergence
  double ahead_nll_after = 0;               // the same rows once row d = ahead is collapsed and re-converged
  double ahead_iters = 0;                   // iterations that re-convergence took
  bool think_ahead = false;                 // the F = 1 pass ran (wfc, future > 1)
  double first_future_nll_f1 = 0;           // the same first-future tokens with one future row
  double think_ahead_gain = 0;              // first_future_nll_f1 - first_future_nll (> 0: the future helps)
  double seconds = 0;
};

void to_json(nlohmann::json& j, const EvalResult& r);

// ids [N, T+R] held-out windows (fixed_windows); the network in eval mode on its device.
EvalResult evaluate(Network& net, const std::string& objective, const torch::Tensor& ids, const EvalOptions& opt);

double spearman(const std::vector<double>& y);  // rank correlation of y with 1..n (ties averaged)

}  // namespace wfc
