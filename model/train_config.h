// Training configuration: a plain struct with a commented default on every field. Every lever of
// RESEARCH.md is a field here, so that an experiment is a config change. The effective config is
// printed at start and stored in every checkpoint ("train_config").
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/engine_config.h"

namespace wfc {

struct TrainConfig {
  // ---- what and where
  std::string objective = "wfc";      // "wfc" | "ar" (the autoregressive baseline: causal, one pass)
  std::string data = "data/brown";    // corpus directory holding train.txt and val.txt
  std::string train_files = "";       // comma-separated files, directories, globs instead of DATA/train.txt
  std::string val_files = "";         // comma-separated files, directories, globs instead of DATA/val.txt
  std::string out = "runs/wfc";       // run directory: tokenizer, token shards, checkpoints, metrics
  std::string tokenizer = "";         // reuse this tokenizer (.model or a checkpoint); "" = OUT/tokenizer.model, trained once
  std::string tokenizer_type = "bpe"; // "bpe" | "unigram", when a tokenizer is trained
  std::string init_from = "";         // start from these weights (e.g. the AR baseline); its tokenizer is reused
  // ---- optimisation
  int64_t steps = 2000;               // optimizer steps
  int batch = 32;                     // windows per step: the GLOBAL batch, over all ranks
  int grad_accum = 1;                 // micro-batches per rank per step (batch = ranks x grad_accum x micro)
  double lr = 2e-3;                   // peak learning rate
  double min_lr = 2e-4;               // cosine decays to this
  int warmup = 100;                   // linear warm-up steps
  double weight_decay = 0.1;          // AdamW decoupled decay, on matrices only
  double beta1 = 0.9;                 // AdamW
  double beta2 = 0.95;                // AdamW
  double grad_clip = 1.0;             // global grad-norm clip (0 = off)
  bool bf16 = true;                   // bf16 autocast on CUDA (ignored on CPU)
  // ---- the WFC objective (ignored by "ar")
  int future_min = 1;                 // shortest future of a training window
  int future_max = 24;                // F_max: futures are drawn uniformly in [future_min, future_max]
  int curriculum_steps = 0;           // ramp F_max linearly from future_min over this many steps (0 = off)
  int iters = 2;                      // K: refinement iterations unrolled per window
  int grad_iters = 1;                 // m: the last m iterations are back-propagated through as a chain;
                                      //    earlier ones get their own loss's gradient, their feedback detached
  std::string iter_weights = "uniform";  // loss weight per iteration: "uniform" | "linear" (k/K) | "last"
  double past_weight = 1.0;           // weight of the past rows' next-token loss next to the future's
  double eta = 1.0;                   // feedback step size while training (the engine's eta)
  double collapse_share = 0.1;        // share of future rows fully collapsed to their true token
  double partial_share = 0.05;        // share of future rows partially collapsed (alpha ~ U[0.2, 0.9])
  double random_mask_share = 0.0;     // share of windows whose future rows sit at random positions
  double clean_share = 0.0;           // share of windows with no collapsed or partial rows at all: the
                                      //    state the lab and the evaluation start from (experiments.md 8)
  // ---- evaluation and bookkeeping
  int eval_every = 250;               // steps between evaluations on the validation split (0 = end only)
  int eval_windows = 64;              // held-out windows per evaluation
  int eval_future = kDefaultFuture;   // future rows in an evaluation window
  int eval_max_iters = kDefaultMaxIters;  // refinement cap at evaluation
  double eval_tol = kDefaultTol;      // converged when max KL between successive future rows < this
  int eval_reconverge = 4;            // mint-and-reconverge rounds per evaluation window
  int ckpt_every = 500;               // steps between checkpoints (always one at the end)
  int log_every = 10;                 // steps between metrics lines
  uint64_t seed = 1337;               // windows, futures, collapses: everything random
  int threads = 2;                    // intra-op CPU threads
  std::string device = "auto";        // "auto" | "cpu" | "cuda"

  void validate() const;              // throws InputError naming the bad field
};

// Bytes a training run needs at least: weights, gradients and the two AdamW moments, and the
// activations kept for the backward pass, per unrolled iteration about
//   batch x window x (layers x (16 width + 2 heads x window) + 4 vocab) floats.
double estimate_train_bytes(const ModelConfig& m, const TrainConfig& t);
// Throws InputError naming the levers when the estimate exceeds `available` bytes. `t` is one
// rank's share (its micro-batch); `ranks_here` ranks share this machine's memory.
void check_train_fits(const ModelConfig& m, const TrainConfig& t, double available, int ranks_here = 1);
// Windows in one micro-batch when the global batch is split over `world` ranks x grad_accum;
// InputError when it does not split evenly or the evaluation has fewer windows than ranks.
int micro_batch(const TrainConfig& t, int world);
double physical_memory_bytes();  // this machine's RAM

void to_json(nlohmann::json& j, const TrainConfig& c);
void from_json(const nlohmann::json& j, TrainConfig& c);  // missing keys keep defaults; unknown keys are an error

}  // namespace wfc
