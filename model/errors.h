// Three kinds of failure, because the CLI maps them to different exit codes:
//   InputError — the user's file, flag or text is wrong (exit 2); the message names the culprit.
//   EnvError — the machine refused (disk full): exit 1, the message is the whole story.
//   anything else thrown — a bug (exit 1, "internal error").
#pragma once
#include <stdexcept>
#include <string>

namespace wfc {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The machine refused what a correct program asked (disk full, no permission): exit 1 like a bug,
// but the message says all there is to say, so the CLI prints it without "internal error".
struct EnvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "FILE: WHAT" — every file error reads the same way.
inline InputError file_error(const std::string& path, const std::string& what) {
  return InputError(path + ": " + what);
}

}  // namespace wfc
