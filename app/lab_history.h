// The lab session's history: a tree of steps, one per action. A step keeps the engine state it was
// left in (restorable until the oldest are dropped), what the views showed, the settings, the
// action as session-script actions, and what happened while it was current (its iterations and
// re-convergences). A path's timeline is the concatenation of its steps' rows, so no step copies
// another's.
#pragma once
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/session_script.h"
#include "model/engine.h"
#include "viz/lab_data.h"

namespace wfc::app {

constexpr size_t kTimelineCap = 4096;  // iterations the spacetime view keeps
constexpr size_t kConvergeCap = 512;   // re-convergences the convergence view keeps

// What the views show of the window (besides the timeline); saved whole with every step.
struct LabView {
  StepReport cur;                // the last iteration (or the state after an action)
  std::vector<float> ghost;      // entropy before the last collapse
  int64_t ghost_offset = 0;      // Engine::offset() when the ghost was taken
  int ghost_n_past = 0;
  int64_t last_collapse = -1;    // absolute position
  viz::CollapseEffect effect;    // what the last collapse changed, once its re-convergence ended
};

struct Converged {
  int iterations = 0;
  double ms = 0;
};

struct HistoryStep {
  EngineState state;                        // the state when the step was left (empty: dropped)
  LabView view;
  viz::LabSettings settings;
  std::vector<viz::ScriptAction> actions;   // the action, concrete tokens, replayable
  int64_t iter_at_action = 0;               // engine iteration right after the action
  int64_t iter_left = 0;                    // engine iteration when the step was last left
  std::vector<std::shared_ptr<const viz::TimelineRow>> rows;  // iterations run while current
  std::vector<Converged> converges;         // re-convergences finished while current
  int64_t converge_count = 0;               // re-convergences on the path up to and with this step
  bool fresh = false;                       // a reset: the path's timeline starts here
};

class LabHistory {
 public:
  explicit LabHistory(size_t max_states) : max_states_(max_states) {}
  void clear();
  int current() const { return current_; }
  int size() const { return int(steps_.size()); }
  HistoryStep& step(int id) { return steps_[id]; }
  const HistoryStep& step(int id) const { return steps_[id]; }
  HistoryStep& cur() { return steps_[current_]; }
  const viz::HistoryList& list() const { return list_; }

  // A new step, child of the current one, becomes current. `fresh`: a reset, whose timeline and
  // re-convergences start afresh.
  void add(const std::string& label, int64_t iteration, bool fresh = false);
  void set_label(int id, const std::string& label) { list_.edit(id).label = label; }
  const std::string& label(int id) const { return list_[id].label; }
  void set_current(int id) { current_ = id; }
  // Takes back the newest step (a failed action); the current step becomes `current`.
  void drop_newest(int current);
  // Keeps at most max_states steps restorable: the oldest others lose their state and rows.
  void drop_old_states();
  bool has_children(int id) const;
  // What the history holds (tests and the memory bench): restorable states, rows, re-convergences.
  struct Footprint {
    size_t states = 0, rows = 0, converges = 0;
  };
  Footprint footprint() const;

  void add_row(std::shared_ptr<const viz::TimelineRow> row);
  void add_converge(Converged c);
  // The last `cap` iterations / re-convergences on the path from the root to `id`.
  std::deque<std::shared_ptr<const viz::TimelineRow>> timeline_to(int id) const;
  std::deque<Converged> converges_to(int id) const;

  // The path from the root to the current step as a session script; `iteration_now` is the
  // engine's iteration (the current step has not been left yet).
  std::string script(const std::string& checkpoint, int64_t iteration_now) const;

 private:
  size_t max_states_;
  std::vector<HistoryStep> steps_;
  viz::HistoryList list_;
  int current_ = -1;
  size_t first_restorable_ = 0;  // steps before it are all dropped
  size_t restorable_ = 0;
};

}  // namespace wfc::app
