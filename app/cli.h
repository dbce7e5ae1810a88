// Declarative command-line flags: each subcommand is a table of flags with defaults, so --help
// shows every option with its default and parsing is the same everywhere.
#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

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
  int64_t integer(const std::string& name) const;   // throws UsageError on bad numbers
  double number(const std::string& name) const;
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
