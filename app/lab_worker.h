// The lab's model side: one worker thread owns the checkpoint, the engine and the session history.
// The UI sends commands (never blocking) and reads immutable snapshots the worker publishes after
// every iteration and every command.
#pragma once
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "viz/lab_data.h"

namespace wfc::app {

struct LabWorkerOptions {
  std::string checkpoint;          // loaded first, on the worker thread
  std::string prompt;              // the first reset's prompt
  std::string device = "cpu";      // cpu | cuda | auto
  int threads = 1;                 // intra-op threads of the worker (the UI keeps a core)
  viz::LabSettings settings;       // initial settings
  size_t max_states = 1500;        // history states kept restorable (each ~ soft rows x V floats)
};

// The lab's session, synchronous: what the worker thread drives, and what `wfc export` replays a
// script through, so a replay runs the very code the lab ran.
class LabSession {
 public:
  // auto_converge: actions start a re-convergence (the lab); off, only `converge` iterates (scripts).
  LabSession(const LabWorkerOptions& opt, bool auto_converge);
  ~LabSession();
  void handle(const viz::LabCommand& c);  // throws InputError (the session stays as it was)
  bool active() const;                    // a re-convergence or play is under way
  void work();                            // one iteration of it (or one play round)
  void note_error(const std::string& msg);
  std::shared_ptr<viz::LabSnapshot> snapshot();
  // The path from the first history step to the current one as a session script that replays it.
  std::string script() const;
  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

class LabWorker : public viz::LabBackend {
 public:
  explicit LabWorker(LabWorkerOptions opt);
  ~LabWorker() override;  // stops the thread after the current iteration
  uint64_t send(viz::LabCommand c) override;
  std::shared_ptr<const viz::LabSnapshot> snapshot() override;

  std::string script() override;  // asks the worker thread, which owns the session

 private:
  void run();

  LabWorkerOptions opt_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<viz::LabCommand> queue_;
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::shared_ptr<const viz::LabSnapshot> snap_;
  std::string script_;
  uint64_t script_done_ = 0;
  std::thread thread_;
};

}  // namespace wfc::app
