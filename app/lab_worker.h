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

class LabWorker : public viz::LabBackend {
 public:
  explicit LabWorker(LabWorkerOptions opt);
  ~LabWorker() override;  // stops the thread after the current iteration
  uint64_t send(viz::LabCommand c) override;
  std::shared_ptr<const viz::LabSnapshot> snapshot() override;

  struct Session;  // the worker thread's own state (engine, history); torch lives there

 private:
  void run();

  LabWorkerOptions opt_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<viz::LabCommand> queue_;
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::shared_ptr<const viz::LabSnapshot> snap_;
  std::thread thread_;
};

}  // namespace wfc::app
