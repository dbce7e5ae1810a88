#include "app/lab_history.h"

namespace wfc::app {

void LabHistory::clear() {
  steps_.clear();
  list_.clear();
  current_ = -1;
  first_restorable_ = 0;
  restorable_ = 0;
}

void LabHistory::add(const std::string& label, int64_t iteration, bool fresh) {
  viz::HistoryNode n;
  n.id = int(steps_.size());
  n.parent = current_;
  n.depth = current_ >= 0 ? list_[current_].depth + 1 : 0;
  n.label = label;
  n.iteration = iteration;
  HistoryStep s;
  s.iter_at_action = s.iter_left = iteration;
  s.converge_count = current_ >= 0 && !fresh ? steps_[current_].converge_count : 0;
  s.fresh = fresh;
  steps_.push_back(std::move(s));
  list_.push_back(std::move(n));
  current_ = int(steps_.size()) - 1;
  ++restorable_;
}

void LabHistory::drop_newest(int current) {
  restorable_ -= list_[steps_.size() - 1].restorable;
  steps_.pop_back();
  list_.pop_back();
  current_ = current;
}

void LabHistory::drop_old_states() {
  for (size_t i = first_restorable_; i < steps_.size() && restorable_ > max_states_; ++i) {
    if (!list_[i].restorable || int(i) == current_) continue;
    steps_[i].state = EngineState();
    steps_[i].rows = {};
    steps_[i].converges = {};
    list_.edit(i).restorable = false;
    --restorable_;
  }
  while (first_restorable_ < steps_.size() && !list_[first_restorable_].restorable) ++first_restorable_;
}

bool LabHistory::has_children(int id) const {
  // Children always come after their parent: only the newer steps need looking at.
  for (size_t i = size_t(id) + 1; i < steps_.size(); ++i)
    if (list_[i].parent == id) return true;
  return false;
}

LabHistory::Footprint LabHistory::footprint() const {
  Footprint f;
  for (const auto& s : steps_) {
    f.states += !s.state.empty();
    f.rows += s.rows.size();
    f.converges += s.converges.size();
  }
  return f;
}

void LabHistory::add_row(std::shared_ptr<const viz::TimelineRow> row) {
  auto& rows = cur().rows;
  if (rows.size() >= kTimelineCap) rows.erase(rows.begin(), rows.begin() + kTimelineCap / 2);
  rows.push_back(std::move(row));
}

void LabHistory::add_converge(Converged c) {
  auto& s = cur();
  if (s.converges.size() >= kConvergeCap) s.converges.erase(s.converges.begin(), s.converges.begin() + kConvergeCap / 2);
  s.converges.push_back(c);
  ++s.converge_count;
}

std::deque<std::shared_ptr<const viz::TimelineRow>> LabHistory::timeline_to(int id) const {
  std::deque<std::shared_ptr<const viz::TimelineRow>> out;
  for (int n = id; n >= 0 && out.size() < kTimelineCap; n = steps_[n].fresh ? -1 : list_[n].parent) {
    const auto& rows = steps_[n].rows;
    for (auto it = rows.rbegin(); it != rows.rend() && out.size() < kTimelineCap; ++it) out.push_front(*it);
  }
  return out;
}

std::deque<Converged> LabHistory::converges_to(int id) const {
  std::deque<Converged> out;
  for (int n = id; n >= 0 && out.size() < kConvergeCap; n = steps_[n].fresh ? -1 : list_[n].parent) {
    const auto& c = steps_[n].converges;
    for (auto it = c.rbegin(); it != c.rend() && out.size() < kConvergeCap; ++it) out.push_front(*it);
  }
  return out;
}

std::string LabHistory::script(const std::string& checkpoint, int64_t iteration_now) const {
  std::vector<int> path;
  for (int n = current_; n >= 0; n = list_[n].parent) path.push_back(n);
  std::string out = "# wfc session script, saved by the lab from checkpoint " + checkpoint + "\n";
  out += "# Replay: wfc export --checkpoint CHECKPOINT --script THIS --out DIR\n";
  viz::ScriptAction title;
  title.kind = viz::ScriptAction::Title;
  title.text = checkpoint.substr(checkpoint.find_last_of('/') + 1);
  out += viz::format_action(title) + "\n";
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    const auto& s = steps_[*it];
    out += "# " + list_[*it].label + "\n";
    for (const auto& a : s.actions) out += viz::format_action(a) + "\n";
    const int64_t left = *it == current_ ? iteration_now : s.iter_left;
    if (left > s.iter_at_action) {
      viz::ScriptAction step;
      step.kind = viz::ScriptAction::Step;
      step.n = left - s.iter_at_action;
      out += viz::format_action(step) + "\n";
    }
    out += "frame\n";  // one frame per history step
  }
  return out;
}

}  // namespace wfc::app
