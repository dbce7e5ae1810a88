// What the lab's UI thread and its model worker exchange: commands go one way, immutable
// snapshots come back. Plain data only (std + the torch-free model headers trace.h, config.h and
// policies.h), so viz never sees torch and app/ implements the worker.
#pragma once
#include <cstdint>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "model/engine_config.h"
#include "model/policies.h"
#include "model/trace.h"

namespace wfc::viz {

// The session's settings. The session owns them: the UI shows the snapshot's copy and sends what
// it changed (LabCommand::Settings carries the edit and the settings it started from).
struct LabSettings {
  EngineConfig engine;                    // future, max_iters, tol, mask, seed, ... (model/config.h)
  std::string policy = "lowest-entropy";  // collapse-next and play use this policy
  PolicyParams params;                    // the policies' parameters (model/policies.h)
  bool sample = false;                    // collapse-next and play pick by sampling (else arg-max)
  bool auto_mint = true;                  // a full collapse of the first future row mints it
  int delay_ms = 0;                       // play: pause between iterations (speed)

  // f(name, help, field...) over every setting of one or more LabSettings.
  template <class F, class... S>
  static void visit(F&& f, S&... s) {
    EngineConfig::visit(f, s.engine...);
    f("policy", "collapse policy: which future rows collapse next (generate, collapse-next, play)", s.policy...);
    f("threshold", "threshold policy: collapse rows this far under the median entropy of the rows it may collapse (nats)", s.params.threshold...);
    f("budget", "entropy-budget policy: summed entropy collapsed per round (nats)", s.params.budget...);
    f("alpha", "median-partial policy: blend strength", s.params.alpha...);
    f("sample", "collapse-next and play sample (else arg-max)", s.sample...);
    f("auto_mint", "a full collapse of the first future row mints it", s.auto_mint...);
    f("delay_ms", "play: pause between iterations", s.delay_ms...);
  }
  bool operator==(const LabSettings& o) const {
    bool same = true;
    visit([&](const char*, const char*, const auto& a, const auto& b) { same = same && a == b; }, *this, o);
    return same;
  }
  bool operator!=(const LabSettings& o) const { return !(*this == o); }
};

enum class CmdKind {
  Reset,            // text: the prompt
  Step,             // one iteration
  Converge,         // iterate until converged
  Play,             // run: collapse by policy, mint, re-converge, repeat
  Pause,
  CollapseNext,     // one collapse by the active policy, then re-converge
  Collapse,         // pos, pick, token
  CollapsePartial,  // pos, alpha, hold, token (-1: arg-max)
  CollapseText,     // pos, text: tokenised; rows pos, pos+1, ... collapse to its tokens, one each
  Pin,              // pos: hold a free row as it is (the window re-converges around it)
  Release,          // pos
  Mint,             // first future row -> past (collapses it by arg-max first when needed)
  EditPast,         // pos, token (or text: tokenised, one token per row from pos on): a counterfactual past
  Goto,             // node: jump to a history node (undo, redo, scrub)
  Settings,         // settings (the edit), base (what the edit started from)
  Load,             // text: checkpoint path
  Compare,          // text: a second checkpoint run beside the session on the same actions ("" ends it)
};

struct LabCommand {
  CmdKind kind = CmdKind::Step;
  int64_t pos = -1;            // absolute position (tokens since the session began)
  Pick pick = Pick::Argmax;
  int token = -1;
  float alpha = 1.0f;
  int hold = 0;
  int node = -1;
  std::string text;
  LabSettings settings, base;  // Settings: the fields where they differ are applied
  uint64_t id = 0;             // set by the backend; snapshots say which command they have finished
};

// One iteration of the session, for the spacetime and convergence views.
struct TimelineRow {
  int64_t iteration = 0;
  int64_t offset = 0;          // absolute position of window row 0 (tokens slid out so far)
  int n_past = 0;
  std::vector<float> entropy;  // per window row, nats
  float max_update = 0;        // ||dx||/||x|| over rows that may change
  float max_kl = 0;
  enum Event : uint8_t { None = 0, Collapse = 1, Mint = 2, Reset = 3, Edit = 4 } event = None;
  int64_t event_pos = -1;      // absolute position of a collapse, mint or past edit before this iteration
  // The future rows' top-k at this iteration (row evolution): [(length - n_past) x k], row-major,
  // for window rows [n_past, length). Bounded with the timeline.
  int k = 0;
  std::vector<int32_t> topk_ids;
  std::vector<float> topk_probs;
};

// What a collapse changed ("the rest of the context responds like a string"), measured when the
// re-convergence after it ends: per position of the window then, entropy after - before and
// KL(before || after) of the row's distribution, and the rows whose arg-max moved.
struct CollapseEffect {
  int64_t pos = -1;               // absolute position collapsed (the first, if an action made several); -1: none
  int64_t first = 0;              // absolute position of entry 0 of the vectors below
  int n_past = 0;                 // entries [0, n_past) were past rows before the collapse
  std::vector<float> d_entropy;   // nats: after - before (rows present before and after)
  std::vector<float> kl;          // nats: KL(before || after); huge for a row collapsed to a token it doubted
  std::vector<uint8_t> free_rows; // 1: a future row free now that the action did not set, so what
                                  // it shows is a response (the rest: past, set by it, or held)
  struct Change {
    int64_t pos = 0;              // absolute position
    int32_t before = 0, after = 0;  // arg-max token before and after
    float p_before = 0, p_after = 0;  // its probability then
  };
  std::vector<Change> changed;    // rows that responded (free_rows) whose arg-max changed
  int iterations = 0;             // iterations the re-convergence took
  bool edit = false;              // the action was an edit of the past (a counterfactual), not a collapse
};

struct HistoryNode {
  int id = 0;
  int parent = -1;             // -1 for the root
  int depth = 0;               // steps from the root (what the slider and the status bar count)
  std::string label;           // the action that led here ("collapse 41 -> ' the'")
  int64_t iteration = 0;       // engine iteration when it was taken
  bool restorable = true;      // old states are dropped to bound memory
};

// The history as the UI reads it: immutable chunks of nodes. A snapshot copies the chunk list; the
// session copies a chunk (at most kChunk nodes) only when it changes one a snapshot still holds, so
// publishing after every play round costs O(n / kChunk + kChunk), not O(n).
class HistoryList {
 public:
  static constexpr size_t kChunk = 256;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const HistoryNode& operator[](size_t i) const { return (*chunks_[i / kChunk])[i % kChunk]; }
  uint64_t epoch() const { return epoch_; }  // changes when the history starts over (ids restart)

  // The session's side.
  void push_back(HistoryNode n) {
    if (size_ % kChunk == 0) chunks_.push_back(std::make_shared<std::vector<HistoryNode>>());
    own(chunks_.size() - 1).push_back(std::move(n));
    ++size_;
  }
  HistoryNode& edit(size_t i) { return own(i / kChunk)[i % kChunk]; }
  void pop_back() {
    own(chunks_.size() - 1).pop_back();
    if (--size_ % kChunk == 0) chunks_.pop_back();
  }
  void clear() {
    chunks_.clear();
    size_ = 0;
    ++epoch_;
  }

 private:
  std::vector<HistoryNode>& own(size_t k) {  // copy-on-write: a chunk a snapshot holds is copied
    if (chunks_[k].use_count() > 1) chunks_[k] = std::make_shared<std::vector<HistoryNode>>(*chunks_[k]);
    return *chunks_[k];
  }
  std::vector<std::shared_ptr<std::vector<HistoryNode>>> chunks_;
  size_t size_ = 0;
  uint64_t epoch_ = 0;
};

struct LabSnapshot {
  uint64_t version = 0;
  // The checkpoint.
  bool loaded = false;
  std::string checkpoint;                                  // path
  std::vector<std::pair<std::string, std::string>> info;   // label, value rows
  std::vector<MaskKind> masks;                             // masks the engine accepts here (Checkpoint first)
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
  CollapseEffect effect;                                   // what the last finished collapse changed
  std::vector<int> past_tokens;
  // The session.
  std::vector<std::shared_ptr<const TimelineRow>> timeline;  // oldest first, capped
  std::vector<int> converge_iters;                         // iterations per re-convergence (the last 512)
  std::vector<double> converge_ms;                         // wall time of each
  int64_t converge_count = 0;                              // re-convergences finished on this path
  HistoryList history;                                     // by id
  int current = -1;                                        // history node shown
  LabSettings settings;
  // Activity.
  bool playing = false;
  bool busy = false;                                       // iterating (a re-convergence or play)
  uint64_t done_id = 0;                                    // last command whose re-convergence finished
  double iter_ms = 0;                                      // last iteration's wall time
  std::string error;                                       // last error, shown until the next one
  uint64_t error_seq = 0;
  // The comparison (CmdKind::Compare): the second checkpoint's own snapshot after the same
  // actions; its error says where it stopped following. Null when there is none.
  std::shared_ptr<const LabSnapshot> compare;
};

// The UI talks to the model through this; app/ implements it on a worker thread.
class LabBackend {
 public:
  virtual ~LabBackend() = default;
  virtual uint64_t send(LabCommand c) = 0;                       // never blocks on the model
  virtual std::shared_ptr<const LabSnapshot> snapshot() = 0;     // the latest, never blocks on the model
  // The history path to the current step as a session script (app/session_script.h) that replays
  // it exactly: a request the model side answers after the iteration under way (or with the error
  // that keeps it from answering: the future then throws).
  virtual std::future<std::string> script() = 0;
};

}  // namespace wfc::viz
