// The subcommands of `wfc`; each lives in its own cmd_*.cpp and is a thin front end over model/
// and viz/.
#pragma once
#include <string>

#include "app/cli.h"

namespace wfc::app {

cli::Command view_command();
cli::Command train_command();
cli::Command export_command();
cli::Command generate_command();
cli::Command info_command();

// The checkpoint `wfc view` and `wfc generate` use when none is named.
std::string bundled_checkpoint_path();

}  // namespace wfc::app
