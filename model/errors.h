// Two kinds of failure, because the CLI maps them to different exit codes:
//   InputError — the user's file, flag or text is wrong (exit 2); the message names the culprit.
//   anything else thrown — a bug or an environment failure (exit 1).
#pragma once
#include <stdexcept>
#include <string>

namespace wfc {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "FILE: WHAT" — every file error reads the same way.
inline InputError file_error(const std::string& path, const std::string& what) {
  return InputError(path + ": " + what);
}

}  // namespace wfc
