// Entry point of the desktop lab. Plain data in; no torch here.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace wfc::viz {

struct LabStartup {
  std::string title = "wfc";
  std::vector<std::pair<std::string, std::string>> summary;  // label, value rows about the checkpoint
  std::string notice;                                        // one line shown under the summary
  double quit_after_s = 0;                                   // > 0: close by itself after this many seconds (tests)
};

// Opens the window and runs until it is closed. Returns a process exit code; throws
// std::runtime_error when no window can be opened.
int run_lab(const LabStartup& s);

}  // namespace wfc::viz
