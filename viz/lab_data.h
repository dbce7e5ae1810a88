// What the lab's UI thread and its model worker exchange: commands go one way, immutable
// snapshots come back. Plain data only (std + model/trace.h), so viz never sees torch and app/
// implements the worker.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/trace.h"

namespace wfc::viz {

// Settings the worker applies to the engine. Changing them is not a history action.
struct LabSettings {
  std::string policy = "lowest-entropy";  // collapse-next and play use this policy
  float threshold = 2.0f;                 // threshold policy: nats
  float budget = 4.0f;                    // entropy-budget policy: nats
  float policy_alpha = 0.5f;              // median-partial policy: blend strength
  bool sample = false;                    // collapse-next picks by sampling (else arg-max)
  int max_iters = 32;                     // a re-convergence gives up after this many iterations
  float tol = 1e-3f;                      // converged when max KL between iterations is under this
  float temperature = 1.0f;               // sampling temperature
  uint64_t seed = 0;                      // sampling seed (applied on reset)
  bool pin_past = true;                   // false: past rows drift with the refinement
  std::string mask;                       // "" = the checkpoint's own mask
  int future = 16;                        // future rows (applied on reset)
  int delay_ms = 0;                       // play: pause between iterations (speed)
};

enum class CmdKind {
  Reset,            // text: the prompt
  Step,             // one iteration
  Converge,         // iterate until converged
  Play,             // run: converge, collapse-next by policy, mint, repeat
  Pause,
  CollapseNext,     // one collapse by the active policy, then re-converge
  Collapse,         // pos, pick (0 argmax, 1 sample, 2 token), token
  CollapsePartial,  // pos, alpha, hold, token (-1: arg-max)
  Pin,              // pos
  Release,          // pos
  Mint,             // first future row -> past (collapses it by arg-max first when needed)
  Goto,             // node: jump to a history node (undo, redo, scrub)
  Settings,         // settings
  Load,             // text: checkpoint path
};

struct LabCommand {
  CmdKind kind = CmdKind::Step;
  int pos = -1;
  int pick = 0;
  int token = -1;
  float alpha = 1.0f;
  int hold = 0;
  int node = -1;
  std::string text;
  LabSettings settings;
  uint64_t id = 0;  // set by the backend; snapshots say which command they have finished
};

// One iteration of the session, for the spacetime and convergence views.
struct TimelineRow {
  int64_t iteration = 0;
  int64_t offset = 0;          // absolute position of window row 0 (tokens slid out so far)
  int n_past = 0;
  std::vector<float> entropy;  // per window row, nats
  float max_update = 0;        // ||dx||/||x|| over rows that may change
  float max_kl = 0;
  enum Event : uint8_t { None = 0, Collapse = 1, Mint = 2, Reset = 3 } event = None;
  int64_t event_pos = -1;      // absolute position of a collapse or mint before this iteration
};

struct HistoryNode {
  int id = 0;
  int parent = -1;             // -1 for the root
  std::string label;           // the action that led here ("collapse 41 -> ' the'")
  int64_t iteration = 0;       // engine iteration when it was taken
  bool restorable = true;      // old states are dropped to bound memory
};

struct LabSnapshot {
  uint64_t version = 0;
  // The checkpoint.
  bool loaded = false;
  std::string checkpoint;                                  // path
  std::vector<std::pair<std::string, std::string>> info;   // label, value rows
  std::vector<std::string> masks;                          // masks the engine accepts here
  std::string checkpoint_mask;                             // the mask it was trained with (the default)
  std::vector<std::string> policies;                       // collapse policies by name
  std::shared_ptr<const std::vector<std::string>> vocab;   // display text of every token id
  double log_vocab = 0;                                    // nats: the entropy of a uniform row
  // The window now.
  StepReport cur;
  int64_t offset = 0;                                      // tokens slid out of the window
  std::vector<float> ghost;                                // entropy before the last collapse (window rows then)
  int64_t ghost_offset = 0;                                // offset when the ghost was taken
  int ghost_n_past = 0;
  int64_t last_collapse = -1;                              // absolute position of the last collapse (-1: none)
  std::vector<int> past_tokens;
  // The session.
  std::vector<std::shared_ptr<const TimelineRow>> timeline;  // oldest first, capped
  std::vector<int> converge_iters;                         // iterations per finished re-convergence
  std::vector<double> converge_ms;                         // wall time of each
  std::shared_ptr<const std::vector<HistoryNode>> history;  // by id
  int current = -1;                                        // history node shown
  LabSettings settings;
  // Activity.
  bool playing = false;
  bool busy = false;                                       // iterating (a re-convergence or play)
  uint64_t done_id = 0;                                    // last command whose re-convergence finished
  double iter_ms = 0;                                      // last iteration's wall time
  std::string error;                                       // last error, shown until the next one
  uint64_t error_seq = 0;
};

// The UI talks to the model through this; app/ implements it on a worker thread.
class LabBackend {
 public:
  virtual ~LabBackend() = default;
  virtual uint64_t send(LabCommand c) = 0;                       // never blocks on the model
  virtual std::shared_ptr<const LabSnapshot> snapshot() = 0;     // the latest, never blocks on the model
  // The history path to the current step as a session script (app/session_script.h) that replays
  // it exactly. May wait for the iteration under way.
  virtual std::string script() = 0;
};

}  // namespace wfc::viz
