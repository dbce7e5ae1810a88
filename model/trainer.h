// `wfc train` as a library: one entry point, progress reported through a callback of plain data.
//
// Run directory (cfg.out):
//   tokenizer.model          trained once, reused by later runs in the same directory
//   train.tokens, val.tokens token shards, reused while tokenizer and corpus are unchanged
//   ckpt.safetensors         the model (a normal checkpoint: wfc view/generate/eval open it)
//   ckpt.optim.safetensors   optimizer moments, step, RNG state: what --resume needs beyond it
//   metrics.jsonl            one JSON object per log step and per evaluation
#pragma once
#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "model/config.h"
#include "model/train_config.h"

namespace wfc {

struct TrainEvent {
  std::string kind;        // "message" | "config" | "log" | "eval" | "checkpoint" | "done"
  std::string text;        // message text, or the checkpoint path
  nlohmann::json data;     // the metrics line (log, eval) or the effective config (config)
  int64_t step = 0, steps = 0;
  double tokens_per_s = 0, eta_s = 0, loss = 0;
};
using TrainCallback = std::function<void(const TrainEvent&)>;

// Paths inside a run directory.
std::string run_checkpoint_path(const std::string& out);
std::string run_optimizer_path(const std::string& out);

// Trains from scratch (or from cfg.init_from), or continues exactly from the run directory's
// checkpoint when `resume`. Returns the final step. Bad input throws InputError; a loss or
// gradient that stops being finite throws std::runtime_error and leaves the last checkpoint alone.
int64_t train(const ModelConfig& model, const TrainConfig& cfg, bool resume, const TrainCallback& cb);

}  // namespace wfc
