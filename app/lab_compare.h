// A second checkpoint beside the lab's session (issue 16, "the baseline beside the model"): the
// same prompt and the same actions, so their curves overlay. It follows the session's history path
// as a session script: the actions (collapses to the concrete tokens the session chose, mints,
// settings) are replayed on it, and it converges on its own after each. A changed path (undo, a
// branch, a reset) is replayed from the start. An AR checkpoint runs under its causal mask: its
// first future row is its next-token distribution.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "app/lab_session.h"

namespace wfc::app {

class LabCompare {
 public:
  // Opens the checkpoint (InputError naming it when it cannot); the session's options otherwise.
  LabCompare(const std::string& checkpoint, const LabSessionOptions& base);
  // Replays what the session did since the last call (or everything, when its path changed).
  // An action the second checkpoint refuses stops the following; error() says which.
  void follow(const LabSession& session);
  std::shared_ptr<viz::LabSnapshot> snapshot();
  const std::string& error() const { return error_; }
  size_t actions() const { return done_.size(); }  // actions replayed on the current path
  int rebuilds() const { return rebuilds_; }        // times the path changed and it started over

 private:
  void restart();
  LabSessionOptions opt_;
  std::unique_ptr<LabSession> s_;
  std::vector<std::string> done_;  // formatted actions replayed, in order
  std::string error_;
  int rebuilds_ = 0;
};

}  // namespace wfc::app
