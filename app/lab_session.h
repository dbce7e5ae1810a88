// The lab's session: the checkpoint, the engine, the settings and the history, driven one action
// and one iteration at a time. The lab's worker thread drives it; `wfc export` replays a session
// script through it, so a replay runs the very code the lab ran. Positions are absolute (tokens
// since the session began) everywhere; the engine alone converts them to window rows.
#pragma once
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "app/lab_checkpoint.h"
#include "app/lab_history.h"
#include "app/session_script.h"
#include "model/engine.h"
#include "model/policies.h"
#include "viz/lab_data.h"

namespace wfc::app {

struct LabSessionOptions {
  std::string checkpoint;          // loaded first
  std::string prompt;              // the first reset's prompt
  std::string device = "cpu";      // cpu | cuda | auto
  int threads = 1;                 // intra-op threads (the lab's UI keeps a core)
  viz::LabSettings settings;       // initial settings
  size_t max_states = 1500;        // history steps kept restorable (each ~ soft rows x V floats)
};

class LabSession {
 public:
  // Lab: actions start a re-convergence, and a full collapse of the first future row mints it
  // (settings.auto_mint). Script: only the script's own lines act.
  enum class Mode { Lab, Script };
  LabSession(const LabSessionOptions& opt, Mode mode);  // throws InputError on bad settings
  ~LabSession();

  // One command. Throws InputError, and then the session is exactly as it was: no history step,
  // no view or setting changed.
  void handle(const viz::LabCommand& c);
  bool active() const { return converging_ || playing_; }  // a re-convergence or play is under way
  void work();                                             // one iteration of it, or a round of play
  void note_error(const std::string& msg);
  const viz::LabSettings& settings() const { return settings_; }
  std::shared_ptr<viz::LabSnapshot> snapshot();
  std::string script() const;  // the history path to here, as a session script that replays it
  LabHistory::Footprint footprint() const { return history_.footprint(); }

 private:
  struct Mark;
  Mark mark() const;
  void rollback(const Mark& m);
  void dispatch(const viz::LabCommand& c);
  void load(const std::string& path);
  void reset(const std::string& prompt, const std::string& label);
  void apply_settings(const viz::LabSettings& st);
  void change_settings(const viz::LabSettings& edited, const viz::LabSettings& base);
  void begin(const std::string& label, bool fresh = false);  // a new history step (a branch mid-history)
  void save_current();
  void record(const viz::ScriptAction& a) { history_.cur().actions.push_back(a); }
  // Ghost, last collapse, the timeline's event, What changed's capture; edit: a past edit, not a collapse.
  void note_collapse(int64_t pos, bool capture = true, bool edit = false);
  void capture_before();                 // the window before an action's collapses (for its effect)
  void finish_effect(int iterations);    // the re-convergence ended: what the collapse changed
  std::string collapse_at(int64_t pos, Pick pick, int token);
  int mint();
  std::string mint_leading();            // mints every leading collapsed row; "" when none
  void goto_step(int id);
  void start_converge(uint64_t id, bool forced = false);
  void iterate(bool converge);
  std::string text(int token) const;
  Pick pick() const { return settings_.sample ? Pick::Sample : Pick::Argmax; }

  LabSessionOptions opt_;
  Mode mode_;
  torch::Device device_ = torch::kCPU;
  LabCheckpoint ck_;
  // The session.
  std::unique_ptr<Engine> engine_;
  viz::LabSettings settings_;
  std::unique_ptr<Policy> policy_;
  std::string prompt_;
  LabView view_;
  std::deque<std::shared_ptr<const viz::TimelineRow>> timeline_;  // the path's last kTimelineCap
  std::deque<Converged> converges_;                                // the path's last kConvergeCap
  struct Before {                       // the window before the current action's collapses
    torch::Tensor p;                     // [L,V]; undefined: no collapse waits for its effect
    int64_t offset = 0;
    int n_past = 0;
    int64_t pos = -1;                    // the first collapse's absolute position
    std::vector<int64_t> set;            // every position the action collapsed (not responses)
    bool edit = false;                   // the action edited the past (a counterfactual)
  } before_;
  viz::TimelineRow::Event pending_event_ = viz::TimelineRow::None;
  int64_t pending_event_pos_ = -1;
  LabHistory history_;
  // Activity.
  bool converging_ = false, playing_ = false;
  std::chrono::steady_clock::time_point conv_t0_;
  uint64_t conv_id_ = 0, done_id_ = 0, version_ = 0, error_seq_ = 0;
  std::string error_;
};

// One session-script line as the lab's command (title and frame are the caller's; converge only
// starts a re-convergence, which work() runs) (app/lab_replay.cpp).
void replay(LabSession& session, const viz::ScriptAction& a);

}  // namespace wfc::app
