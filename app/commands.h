// The subcommands of `wfc`; each lives in its own cmd_*.cpp and is a thin front end over model/
// and viz/.
#pragma once
#include <torch/torch.h>

#include <string>

#include "app/cli.h"
#include "model/config.h"
#include "model/engine.h"
#include "viz/lab_data.h"

namespace wfc::app {

cli::Command view_command();
cli::Command train_command();
cli::Command export_command();
cli::Command generate_command();
cli::Command info_command();
cli::Command eval_command();

// Future rows must leave the window at least one past row: UsageError naming WHAT otherwise.
void check_future(int64_t future, const ModelConfig& m, const std::string& what);
// When prompt + future exceed the window, says on stderr how many prompt tokens are kept.
void note_prompt_kept(const std::string& who, size_t prompt_tokens, int future, int block_size);
// The settings flags named (LabSettings::visit names: EngineConfig's fields, policy, threshold,
// budget, alpha...) with these defaults, and the settings they give: `base` with every declared
// flag read over it, validated (app/engine_flags.cpp).
std::vector<cli::Flag> setting_flags(const std::vector<std::string>& names, const viz::LabSettings& defaults = {});
viz::LabSettings settings_from(const cli::Args& a, viz::LabSettings base = {});
torch::Device pick_device(const std::string& name);  // auto | cpu | cuda

// The checkpoint `wfc view` and `wfc generate` use when none is named.
std::string bundled_checkpoint_path();

}  // namespace wfc::app
