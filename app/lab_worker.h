// The lab's model side: one worker thread owns the LabSession. The UI sends commands (never
// blocking), asks for the session script (a request answered through a future) and reads the
// immutable snapshots the worker publishes after every iteration and every command.
#pragma once
#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/lab_session.h"
#include "viz/lab_data.h"

namespace wfc::app {

class LabWorker : public viz::LabBackend {
 public:
  explicit LabWorker(LabSessionOptions opt);  // loads opt.checkpoint on the worker thread
  ~LabWorker() override;                      // stops the thread after the current iteration
  uint64_t send(viz::LabCommand c) override;
  std::shared_ptr<const viz::LabSnapshot> snapshot() override;
  std::future<std::string> script() override;

 private:
  void run();
  bool next(viz::LabCommand& c, std::deque<std::promise<std::string>>& asks, bool idle);
  void publish(std::shared_ptr<const viz::LabSnapshot> s);

  LabSessionOptions opt_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<viz::LabCommand> queue_;
  std::deque<std::promise<std::string>> script_asks_;
  uint64_t next_id_ = 1;
  bool stop_ = false;
  std::shared_ptr<const viz::LabSnapshot> snap_;
  std::thread thread_;
};

}  // namespace wfc::app
