// wfc view: the desktop lab. Joins model/ (a worker thread running the engine) and viz/ (the
// window), which meet only through viz/lab_data.h's plain structs.
#include <GLFW/glfw3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/commands.h"
#include "app/lab_worker.h"
#include "model/checkpoint.h"
#include "model/errors.h"
#include "model/tokenizer.h"
#include "viz/lab.h"

namespace wfc::app {

// The help says checkpoints/default.safetensors: that one, from the working directory, when it is
// there; else the checkout the binary sits in (build/wfc -> ../checkpoints), so a moved or copied
// checkout opens its own; the source directory it was built from last.
std::string bundled_checkpoint_path() {
  const std::string rel = "checkpoints/default.safetensors";
  std::error_code ec;
  if (std::filesystem::is_regular_file(rel, ec)) return rel;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const auto beside = exe.parent_path().parent_path() / rel;
    if (std::filesystem::is_regular_file(beside, ec)) return beside.string();
  }
  return std::string(WFC_SOURCE_DIR) + "/" + rel;
}

static int run_view(const cli::Args& a) {
  const std::string path = a.given("checkpoint") ? a.str("checkpoint") : bundled_checkpoint_path();
  const viz::LabSettings settings = settings_from(a);  // a bad value or policy name fails here, exit 2
  // A bad file fails here, on one line, exit 2, before any window opens.
  const Checkpoint ck = load_checkpoint(path);
  pick_device(a.str("device"));
  const int threads = a.int32("threads", num::thread_range());

  LabSessionOptions wo;
  wo.checkpoint = path;
  wo.prompt = a.str("prompt");
  wo.device = a.str("device");
  wo.threads = threads;
  wo.settings = settings;
  check_future(wo.settings.engine.future, ck.model, "option --future");
  note_prompt_kept("wfc view", Tokenizer::from_bytes(ck.tokenizer).encode(wo.prompt).size(),
                   wo.settings.engine.future, ck.model.block_size);
  viz::LabOptions lo;
  lo.title = "wfc lab - " + path;
  lo.quit_after_s = a.number("quit-after", num::at_least(0));
  lo.dump_path = a.str("dump");
  lo.config_dir = a.str("config-dir");
  lo.prompt = wo.prompt;
  std::tie(lo.width, lo.height) = a.size("size", {320, 16384}, {240, 16384});
  lo.all_windows = a.on("all-windows");
  if (a.given("run")) {  // a directory; its metrics.jsonl may not exist yet (a run starting)
    const std::string d = a.str("run");
    std::error_code ec;
    if (d.empty()) throw InputError("option --run: expected a run directory, got an empty string");
    if (!std::filesystem::exists(d, ec)) throw InputError("option --run: " + d + ": does not exist");
    if (!std::filesystem::is_directory(d, ec))
      throw InputError("option --run: " + d + ": not a directory (a training run's --out)");
    lo.runs.push_back(d);
  }
  if (a.given("compare")) {  // checked before the display, like the session's own checkpoint
    if (a.str("compare").empty()) throw InputError("option --compare: expected a checkpoint file, got an empty string");
    try {
      (void)load_checkpoint(a.str("compare"));
    } catch (const InputError& e) {
      throw InputError(std::string("option --compare: ") + e.what());
    }
  }
  // No display is the user's setup, not an internal error: one line, before the worker starts.
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit())
    throw InputError(std::string("cannot open a window: no display (DISPLAY is ") +
                     (std::getenv("DISPLAY") ? "'" + std::string(std::getenv("DISPLAY")) + "'" : "not set") +
                     "); run it under xvfb-run -a, or use wfc export, which needs none");
  LabWorker worker(wo);
  if (a.given("compare")) {  // a second checkpoint beside the session (checked above), run by the worker
    viz::LabCommand c;
    c.kind = viz::CmdKind::Compare;
    c.text = a.str("compare");
    worker.send(c);
  }
  if (a.on("play")) {
    viz::LabCommand c;
    c.kind = viz::CmdKind::Play;
    worker.send(c);
  }

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
             {"size", "1440x860", "window size (at most the screen's work area)", false, "WxH"},
             {"all-windows", "", "open every optional window too (frame-time measurements)", true},
             {"compare", "", "run this checkpoint beside the session on the same actions (e.g. the AR baseline)", false, "FILE"},
             {"run", "", "plot this training run's metrics.jsonl live (File > Open run adds more)", false, "DIR"},
             {"config-dir", "", "where imgui.ini and recent.txt live", false, "DIR",
              "$XDG_CONFIG_HOME/wfc, else ~/.config/wfc"},
             {"dump", "", "F12 writes the lab's state here (GUI tests)", false, "FILE"},
             {"quit-after", "0", "close by itself after this many seconds (0: run until closed)", false, "S"}};
  for (auto& f : setting_flags({"policy", "threshold", "budget", "alpha", "future", "max_iters", "tol", "temperature",
                                 "seed", "pin_past", "cache_past", "mask"}))
    c.flags.push_back(f);
  c.run = run_view;
  return c;
}

}  // namespace wfc::app
