// `wfc train` as a library: one entry point, progress reported through a callback of plain data.
//
// Run directory (cfg.out):
//   tokenizer.model          trained once, reused by later runs in the same directory
//   train.tokens, val.tokens token shards, reused while tokenizer and corpus are unchanged
//   ckpt.safetensors         the model (a normal checkpoint: wfc view/generate/eval open it)
//   commit.json, commit/     the committed unit of model + optimizer state that --resume trusts
//                            (model/run_commit.h): a kill or a full disk leaves the old or the new
//   metrics.jsonl            one JSON object per log step and per evaluation
#pragma once
#include <csignal>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/dist_env.h"
#include "model/train_config.h"

namespace wfc {

struct TrainEvent {
  std::string kind;        // "message" | "config" | "started" | "log" | "eval" | "checkpoint" | "done" | "stopped"
                           // ("started" reaches every rank's callback; the others rank 0's only)
  std::string text;        // message text, or the checkpoint path
  nlohmann::json data;     // the metrics line (log, eval) or the effective config (config)
  int64_t step = 0, steps = 0;
  double tokens_per_s = 0, eta_s = 0, loss = 0;
};
using TrainCallback = std::function<void(const TrainEvent&)>;

// The run's checkpoint: a hard link to the committed model.
std::string run_checkpoint_path(const std::string& out);

// Trains from scratch (or from cfg.init_from), or continues exactly from the run directory's
// checkpoint when `resume`. Returns the final step. Bad input throws InputError; a loss or
// gradient that stops being finite throws std::runtime_error and leaves the last checkpoint alone.
// When *stop becomes non-zero (a signal handler sets it), the step in flight is finished, saved,
// and a "stopped" event names the checkpoint; train then returns that step.
//
// Data parallel when launch.env.world_size > 1 (model/distributed.h): cfg.batch is the GLOBAL
// batch, split into world_size x grad_accum equal micro-batches; window g of a step is the same
// window on any number of ranks, gradients are summed over ranks, every rank takes the same
// optimizer step, and only rank 0 writes files and reports through cb. A peer that fails throws
// DistError naming it.
int64_t train(const ModelConfig& model, const TrainConfig& cfg, bool resume, const TrainCallback& cb,
              const volatile std::sig_atomic_t* stop = nullptr, const DistLaunch& launch = {});

}  // namespace wfc
