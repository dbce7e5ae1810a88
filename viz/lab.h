// Entry point of the desktop lab. Plain data in (a LabBackend that runs the model elsewhere); no
// torch here.
#pragma once
#include <string>
#include <vector>

#include "viz/lab_data.h"

namespace wfc::viz {

struct LabOptions {
  std::string title = "wfc";
  double quit_after_s = 0;   // > 0: close by itself after this many seconds (tests)
  std::string dump_path;     // F12 writes the UI and model state here (tests); "" = off
  std::string config_dir;    // imgui.ini and recent files; "" = $XDG_CONFIG_HOME/wfc or ~/.config/wfc
  std::string prompt;        // the prompt box's first text
  int width = 1440, height = 860;  // at most the screen's work area
  std::vector<std::string> runs;  // run directories the Training window plots from the start
  bool all_windows = false;  // open every optional window too (export, info, help, what changed, row evolution)
};

// Opens the window and runs until it is closed. Prints frame-time and click-latency figures on
// exit. Returns a process exit code; throws std::runtime_error when no window can be opened.
int run_lab(LabBackend& backend, const LabOptions& o);

}  // namespace wfc::viz
