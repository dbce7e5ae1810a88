// wfc view: the desktop lab. Joins model/ (the checkpoint) and viz/ (the window).
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "viz/lab.h"

namespace wfc::app {

std::string bundled_checkpoint_path() {
  return std::string(WFC_SOURCE_DIR) + "/checkpoints/default.safetensors";
}

static int run_view(const cli::Args& a) {
  std::string path = a.str("checkpoint");
  const bool bundled = !a.given("checkpoint");
  if (bundled) path = bundled_checkpoint_path();

  viz::LabStartup s;
  s.quit_after_s = a.number("quit-after");
  if (bundled && !std::ifstream(path).good()) {
    // No checkpoint is bundled until the training issue lands: say so in the window.
    s.summary = {{"checkpoint", path}};
    s.notice = "No bundled checkpoint yet: it arrives with the training issue. Open one with "
               "wfc view --checkpoint FILE.";
  } else {
    Checkpoint ck = load_checkpoint(path);  // a bad file fails here, on one line, exit 2
    int64_t params = 0;
    for (const auto& [n, t] : ck.params) params += t.numel();
    const auto& m = ck.model;
    s.title = "wfc - " + path;
    s.summary = {{"checkpoint", path},
                 {"objective", ck.objective},
                 {"model", std::to_string(m.n_layer) + " layers x " + std::to_string(m.n_embd) +
                               " wide, window " + std::to_string(m.block_size)},
                 {"parameters", std::to_string(params)},
                 {"step", std::to_string(ck.step)}};
    s.notice = "The interactive lab arrives with its own issue; this window shows the checkpoint.";
  }
  return viz::run_lab(s);
}

cli::Command view_command() {
  cli::Command c;
  c.name = "view";
  c.usage = "wfc view [--checkpoint FILE]";
  c.summary = "open the desktop lab";
  c.flags = {{"checkpoint", "checkpoints/default.safetensors", "checkpoint to open", false, "FILE"},
             {"quit-after", "0", "close by itself after this many seconds (0: run until closed)", false, "S"}};
  c.run = run_view;
  return c;
}

}  // namespace wfc::app
