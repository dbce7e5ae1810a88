// History: every action is a node of a tree. Undo/redo walk it, the slider scrubs the path last
// walked, and any node can be jumped to; acting from an earlier node starts a branch.
#include <imgui.h>

#include <algorithm>
#include <cstdio>

#include "viz/windows.h"

namespace wfc::viz {

static std::vector<int> path_to(const HistoryList& h, int id) {
  std::vector<int> p;
  for (int n = id; n >= 0 && n < int(h.size()); n = h[n].parent) p.push_back(n);
  std::reverse(p.begin(), p.end());
  return p;
}

void draw_history(ViewState& v) {
  place_window(v, 0.0f, 0.70f, 0.2f, 0.30f);
  ImGui::Begin("History");
  const auto& s = *v.snap;
  if (s.history.empty()) {
    ImGui::TextDisabled("no actions yet");
    ImGui::End();
    return;
  }
  const auto& h = s.history;
  // Children lists, extended by the new steps only (play adds one per round); rebuilt when the
  // history starts over or a failed action took its step back.
  if (v.kids_epoch != h.epoch() || v.kids.size() > h.size()) {
    v.kids.clear();
    v.kids_epoch = h.epoch();
  }
  for (size_t i = v.kids.size(); i < h.size(); ++i) {
    v.kids.emplace_back();
    if (h[i].parent >= 0) v.kids[h[i].parent].push_back(int(i));
  }
  auto newest_leaf = [&](int id) {
    while (!v.kids[id].empty()) id = v.kids[id].back();
    return id;
  };
  // Keep the path while the current node lies on it (scrubbing); otherwise the path runs through
  // here to the newest leaf below. New nodes below the tip extend it.
  const bool on_path = !v.tip_path.empty() && v.tip_path.back() < int(h.size()) &&
                       std::find(v.tip_path.begin(), v.tip_path.end(), s.current) != v.tip_path.end();
  if (!on_path || v.tip_path.back() >= int(h.size())) v.tip_path = path_to(h, newest_leaf(s.current));
  else
    while (!v.kids[v.tip_path.back()].empty()) v.tip_path.push_back(v.kids[v.tip_path.back()].back());
  const int at = int(std::find(v.tip_path.begin(), v.tip_path.end(), s.current) - v.tip_path.begin());
  int branches = 0;
  for (const auto& k : v.kids) branches += k.size() > 1;
  muted_wrapped("step %d of %d   (%zu in the tree, %d branch points)", at, int(v.tip_path.size()) - 1, h.size(), branches);
  ImGui::SetNextItemWidth(-1);
  int pos = at;
  if (ImGui::SliderInt("##scrub", &pos, 0, std::max(0, int(v.tip_path.size()) - 1), "step %d") && pos != at &&
      pos < int(v.tip_path.size())) {
    LabCommand c;
    c.kind = CmdKind::Goto;
    c.node = v.tip_path[pos];
    v.send(c);
  }
  v.remember("scrub");
  auto go = [&](const HistoryNode& n) {
    if (!n.restorable || n.id == s.current) return;
    LabCommand c;
    c.kind = CmdKind::Goto;
    c.node = n.id;
    v.send(c);
  };
  ImGui::BeginChild("nodes");
  // Only the visible lines are laid out: a long play session has thousands of steps.
  // The list follows the current step when it moves (undo, redo, scrub, a new step).
  const bool moved = v.history_shown != s.current;
  v.history_shown = s.current;
  if (moved) ImGui::SetScrollY(std::max(0.0f, at * ImGui::GetTextLineHeightWithSpacing() - ImGui::GetWindowHeight() / 2));
  ImGuiListClipper clip;
  clip.Begin(int(v.tip_path.size()));
  while (clip.Step())
    for (int k = clip.DisplayStart; k < clip.DisplayEnd; ++k) {
      const auto& n = h[v.tip_path[k]];
      const auto& kids = v.kids[n.id];
      char label[256];
      std::snprintf(label, sizeof label, "%3d  %s%s##n%d", k, n.label.c_str(),
                    kids.size() > 1 ? "  (+branches)" : "", n.id);
      const bool dim = !n.restorable || k > at;
      if (dim) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
      if (ImGui::Selectable(label, n.id == s.current)) go(n);
      if (dim) ImGui::PopStyleColor();
      // Other branches from here: right-click lists them.
      if (kids.size() > 1 && ImGui::BeginPopupContextItem()) {
        ImGui::TextDisabled("branches from step %d", k);
        for (int c : kids) {
          const auto& m = h[c];
          if (ImGui::Selectable((m.label + "##b" + std::to_string(m.id)).c_str())) go(m);
        }
        ImGui::EndPopup();
      }
      if (kids.size() > 1 && ImGui::IsItemHovered()) ImGui::SetTooltip("right-click: the other branches from here");
    }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace wfc::viz
