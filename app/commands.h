// The subcommands of `wfc`; each lives in its own cmd_*.cpp and is a thin front end over model/
// and viz/.
#pragma once
#include <torch/torch.h>

#include <string>

#include "app/cli.h"
#include "model/config.h"
#include "model/engine.h"

namespace wfc::app {

cli::Command view_command();
cli::Command train_command();
cli::Command export_command();
cli::Command generate_command();
cli::Command info_command();
cli::Command eval_command();

// Engine settings and device from the shared engine flags (generate; later view and export).
EngineConfig engine_config_from(const cli::Args& a);
// Future rows must leave the window at least one past row: UsageError naming WHAT otherwise.
void check_future(int64_t future, const ModelConfig& m, const std::string& what);
// When prompt + future exceed the window, says on stderr how many prompt tokens are kept.
void note_prompt_kept(const std::string& who, size_t prompt_tokens, int future, int block_size);
torch::Device pick_device(const std::string& name);  // auto | cpu | cuda

// The checkpoint `wfc view` and `wfc generate` use when none is named.
std::string bundled_checkpoint_path();

}  // namespace wfc::app
