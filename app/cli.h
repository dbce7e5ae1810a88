// Declarative command-line flags: each subcommand is a table of flags with defaults, so --help
// shows every option with its default and parsing is the same everywhere.
#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/numbers.h"

namespace wfc::cli {

// Wrong flags or arguments: the caller prints "wfc CMD: MESSAGE" and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct Flag {
  std::string name;         // without dashes: "checkpoint"
  std::string def;          // default as text; "" for none
  std::string help;         // one line
  bool is_switch = false;   // takes no value; "true" when given
  std::string metavar = "X";
  std::string shown_default = "";  // what --help says the default is, when `def` cannot (a switch that is on
                              // unless another is given, a path found at run time); "" = from def
};

class Args {
 public:
  std::string str(const std::string& name) const;
  // Strict numbers (model/numbers.h): garbage, overflow, NaN/Inf and values outside the range
  // throw UsageError naming the option and the range.
  int64_t integer(const std::string& name, num::IntRange r = {}) const;
  int32_t int32(const std::string& name, num::IntRange r) const;  // r is clipped to 32 bits
  uint64_t uint(const std::string& name) const;                   // seeds
  double number(const std::string& name, num::FloatRange r = {}) const;
  // "WxH" with each side in its range: {w, h}.
  std::pair<int, int> size(const std::string& name, num::IntRange w, num::IntRange h) const;
  bool on(const std::string& name) const;
  bool given(const std::string& name) const;        // set on the command line, not defaulted
  std::vector<std::string> positional;

  std::map<std::string, std::string> values;
  std::map<std::string, bool> explicit_;
};

struct Command {
  std::string name;                       // "train"
  std::string usage;                      // "wfc train [options]"
  std::string summary;                    // one line for `wfc --help`
  std::vector<Flag> flags;
  int min_positional = 0, max_positional = 0;
  std::function<int(const Args&)> run;    // returns the exit code
  bool landed = true;                     // false: prints that its issue has not landed, exits 2

  std::string help() const;
  Args parse(const std::vector<std::string>& argv) const;  // argv after the subcommand name
};

}  // namespace wfc::cli
