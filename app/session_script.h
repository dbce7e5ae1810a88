// Session scripts: a plain-text list of lab actions, one per line, that `wfc export` replays
// headless and the lab writes from its history. Numbers go through model/numbers.h (torch-free).
//
//   # a comment                      blank lines and comments are skipped
//   title TEXT                       the frames' title from here on
//   future N                         future rows for the next prompt (default 16)
//   seed N                           sampling seed for the next prompt (default 0)
//   mask NAME                        a mask of model/config.h's kMasks (checkpoint = its own)
//   drift on|off                     past rows drift with the refinement (default off: pinned)
//   policy NAME                      the policy collapse-next uses
//   prompt TEXT                      reset: TEXT becomes the past, fresh uniform future rows
//   step N                           N refinement iterations
//   converge                         iterate until converged (or max iterations)
//   collapse POS full [TOKEN]        POS: absolute position (tokens since the start); TOKEN: an id
//   collapse POS sample              sampled from the row (seeded)
//   collapse POS partial ALPHA [TOKEN] [hold N]
//   collapse-next                    one collapse by the policy
//   pin POS | release POS
//   mint                             the first future row (collapsed by arg-max if it is not) -> past
//   edit POS TOKEN                   counterfactual: the past token at POS becomes TOKEN (an id)
//   frame                            write a frame of the current state
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace wfc::viz {

struct ScriptAction {
  enum Kind { Title, Future, Seed, Mask, Drift, Policy, Prompt, Step, Converge, Collapse, CollapseNext, Pin,
              Release, Mint, Edit, Frame } kind = Frame;
  int line = 0;             // 1-based line in the script
  std::string text;         // title, mask, policy, prompt
  int64_t n = 0;            // step count, future, seed, drift (0/1), position (collapse, pin, edit)
  std::string mode;         // collapse: full | sample | partial
  float alpha = 1.0f;       // partial
  int token = -1;           // collapse: -1 = the row's arg-max; edit: the new token
  int hold = 0;             // partial: 0 = until released
};

// "FILE:LINE: message" errors, for bad scripts and for actions that fail when run.
struct ScriptError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A line longer than this is an error naming the line (a prompt is a few sentences at most).
constexpr size_t kMaxScriptLine = 64 * 1024;
// A script file larger than this is refused before it is read.
constexpr size_t kMaxScriptBytes = 16u << 20;

// Parses a whole script; throws ScriptError naming the file and line of the first fault.
std::vector<ScriptAction> parse_script(const std::string& text, const std::string& name);
// One action as a script line (what parse_script reads back to the same action).
std::string format_action(const ScriptAction& a);

}  // namespace wfc::viz
