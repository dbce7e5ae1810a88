// wfc view: the desktop lab. Joins model/ (a worker thread running the engine) and viz/ (the
// window), which meet only through viz/lab_data.h's plain structs.
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "app/lab_worker.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "viz/lab.h"

namespace wfc::app {

std::string bundled_checkpoint_path() {
  return std::string(WFC_SOURCE_DIR) + "/checkpoints/default.safetensors";
}

static int run_view(const cli::Args& a) {
  const std::string path = a.given("checkpoint") ? a.str("checkpoint") : bundled_checkpoint_path();
  load_checkpoint(path);  // a bad file fails here, on one line, exit 2, before any window opens
  pick_device(a.str("device"));
  const int threads = int(a.integer("threads"));
  if (threads < 1) throw cli::UsageError("option --threads: must be at least 1");

  LabWorkerOptions wo;
  wo.checkpoint = path;
  wo.prompt = a.str("prompt");
  wo.device = a.str("device");
  wo.threads = threads;
  wo.settings.policy = a.str("policy");
  wo.settings.future = int(a.integer("future"));
  wo.settings.max_iters = int(a.integer("max-iters"));
  wo.settings.tol = float(a.number("tol"));
  wo.settings.seed = uint64_t(a.integer("seed"));
  LabWorker worker(wo);
  if (a.on("play")) {
    viz::LabCommand c;
    c.kind = viz::CmdKind::Play;
    worker.send(c);
  }

  viz::LabOptions lo;
  lo.title = "wfc lab - " + path;
  lo.quit_after_s = a.number("quit-after");
  lo.dump_path = a.str("dump");
  lo.config_dir = a.str("config-dir");
  lo.prompt = wo.prompt;
  const std::string size = a.str("size");
  if (std::sscanf(size.c_str(), "%dx%d", &lo.width, &lo.height) != 2 || lo.width < 320 || lo.height < 240)
    throw cli::UsageError("option --size: expected WxH of at least 320x240, got '" + size + "'");
  return viz::run_lab(worker, lo);
}

cli::Command view_command() {
  cli::Command c;
  c.name = "view";
  c.usage = "wfc view [--checkpoint FILE] [--prompt TEXT] [options]";
  c.summary = "open the desktop lab";
  c.flags = {{"checkpoint", "checkpoints/default.safetensors", "checkpoint to open", false, "FILE"},
             {"prompt", "The jury said that the", "first prompt", false, "TEXT"},
             {"policy", "lowest-entropy", "collapse policy for collapse-next and play", false, "NAME"},
             {"future", "16", "future rows after the past", false, "N"},
             {"max-iters", "32", "iterations a re-convergence may take", false, "N"},
             {"tol", "1e-3", "converged when the max KL between iterations is under this", false, "X"},
             {"seed", "0", "sampling seed", false, "N"},
             {"threads", "1", "intra-op threads of the model worker (the UI keeps a core)", false, "N"},
             {"device", "cpu", "cpu | cuda | auto", false, "D"},
             {"play", "", "start playing (converge, collapse, mint, repeat) at once", true},
             {"size", "1440x860", "window size", false, "WxH"},
             {"config-dir", "", "where imgui.ini and recent.txt live", false, "DIR",
              "$XDG_CONFIG_HOME/wfc, else ~/.config/wfc"},
             {"dump", "", "F12 writes the lab's state here (GUI tests)", false, "FILE"},
             {"quit-after", "0", "close by itself after this many seconds (0: run until closed)", false, "S"}};
  c.run = run_view;
  return c;
}

}  // namespace wfc::app
