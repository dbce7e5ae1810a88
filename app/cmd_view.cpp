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
  const viz::LabSettings settings = settings_from(a);  // a bad value or policy name fails here, exit 2
  load_checkpoint(path);  // a bad file fails here, on one line, exit 2, before any window opens
  pick_device(a.str("device"));
  const int threads = int(a.integer("threads"));
  if (threads < 1) throw cli::UsageError("option --threads: must be at least 1");

  LabSessionOptions wo;
  wo.checkpoint = path;
  wo.prompt = a.str("prompt");
  wo.device = a.str("device");
  wo.threads = threads;
  wo.settings = settings;
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
             {"threads", "1", "intra-op threads of the model worker (the UI keeps a core)", false, "N"},
             {"device", "cpu", "cpu | cuda | auto", false, "D"},
             {"play", "", "start playing (converge, collapse, mint, repeat) at once", true},
             {"size", "1440x860", "window size", false, "WxH"},
             {"config-dir", "", "where imgui.ini and recent files live (default ~/.config/wfc)", false, "DIR"},
             {"dump", "", "F12 writes the lab's state here (GUI tests)", false, "FILE"},
             {"quit-after", "0", "close by itself after this many seconds (0: run until closed)", false, "S"}};
  for (auto& f : setting_flags({"policy", "threshold", "budget", "alpha", "future", "max_iters", "tol", "temperature",
                                 "seed", "pin_past", "mask"}))
    c.flags.push_back(f);
  c.run = run_view;
  return c;
}

}  // namespace wfc::app
