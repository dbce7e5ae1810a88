// Running another program (ffmpeg) with no shell: an argument vector goes to posix_spawnp as it
// is, so quotes, spaces, newlines or `;` in a file name are only characters of that name.
#pragma once
#include <string>
#include <vector>

namespace wfc::app {

bool on_path(const std::string& exe);  // an executable of this name is in $PATH

// Runs argv[0] (looked up in $PATH) with stdin from /dev/null and waits. Returns its exit code;
// 128 + N when signal N ended it; throws std::runtime_error when it cannot be started.
int run_program(const std::vector<std::string>& argv);

}  // namespace wfc::app
