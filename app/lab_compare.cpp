#include "app/lab_compare.h"

#include "model/errors.h"

namespace wfc::app {

using viz::CmdKind;
using viz::ScriptAction;

LabCompare::LabCompare(const std::string& checkpoint, const LabSessionOptions& base) : opt_(base) {
  opt_.checkpoint = checkpoint;
  restart();
}

void LabCompare::restart() {
  s_ = std::make_unique<LabSession>(opt_, LabSession::Mode::Script);
  viz::LabCommand load;
  load.kind = CmdKind::Load;
  load.text = opt_.checkpoint;
  s_->handle(load);  // throws InputError naming the file
  done_.clear();
  error_.clear();
}

void LabCompare::follow(const LabSession& session) {
  // The session's path as actions; its iteration counts (step lines) are its own, not ours.
  std::vector<ScriptAction> path;
  std::vector<std::string> keys;
  for (auto& a : viz::parse_script(session.script(), "the lab's session")) {
    if (a.kind == ScriptAction::Step || a.kind == ScriptAction::Frame || a.kind == ScriptAction::Title) continue;
    keys.push_back(viz::format_action(a));
    path.push_back(std::move(a));
  }
  size_t same = 0;
  while (same < done_.size() && same < keys.size() && done_[same] == keys[same]) ++same;
  if (same < done_.size()) {  // the path changed under what was replayed: start over
    restart();
    ++rebuilds_;
    same = 0;
  }
  if (!error_.empty()) return;  // stopped at an action it refused, until the path changes
  if (same == path.size()) return;
  // The actions carry concrete tokens, so they do not depend on the state between them: replay
  // them all, then converge once.
  for (size_t i = same; i < path.size(); ++i) {
    try {
      replay(*s_, path[i]);
      done_.push_back(keys[i]);
    } catch (const std::exception& e) {
      error_ = "comparison stopped at '" + keys[i] + "': " + e.what();
      return;
    }
  }
  viz::LabCommand conv;
  conv.kind = CmdKind::Converge;
  s_->handle(conv);
  for (int k = 0; s_->active() && k < 100000; ++k) s_->work();
}

std::shared_ptr<viz::LabSnapshot> LabCompare::snapshot() {
  auto p = s_->snapshot();
  p->error = error_;
  return p;
}

}  // namespace wfc::app
