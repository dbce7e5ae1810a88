// History: every action is a node of a tree. Undo/redo walk it, the slider scrubs the path last
// walked, and any node can be jumped to; acting from an earlier node starts a branch.
#include <imgui.h>

#include <algorithm>

#include "viz/windows.h"

namespace wfc::viz {

static std::vector<int> path_to(const std::vector<HistoryNode>& h, int id) {
  std::vector<int> p;
  for (int n = id; n >= 0 && n < int(h.size()); n = h[n].parent) p.push_back(n);
  std::reverse(p.begin(), p.end());
  return p;
}

void draw_history(ViewState& v) {
  place_window(v, 0.0f, 0.62f, 0.2f, 0.38f);
  ImGui::Begin("History");
  const auto& s = *v.snap;
  if (!s.history || s.history->empty()) {
    ImGui::TextDisabled("no actions yet");
    ImGui::End();
    return;
  }
  const auto& h = *s.history;
  // Keep the path while the current node lies on it (scrubbing); otherwise the path ends here,
  // extended by newest children.
  if (std::find(v.tip_path.begin(), v.tip_path.end(), s.current) == v.tip_path.end() ||
      (!v.tip_path.empty() && v.tip_path.back() >= int(h.size()))) {
    int tip = s.current;
    for (bool more = true; more;) {
      more = false;
      for (const auto& n : h)
        if (n.parent == tip) {
          tip = n.id;
          more = true;
        }
      if (tip == s.current) break;
    }
    v.tip_path = path_to(h, tip);
  } else if (!v.tip_path.empty()) {
    // New nodes below the tip extend the path (play appends).
    for (const auto& n : h)
      if (n.parent == v.tip_path.back()) v.tip_path.push_back(n.id);
  }
  int at = int(std::find(v.tip_path.begin(), v.tip_path.end(), s.current) - v.tip_path.begin());
  int branches = 0;
  for (const auto& n : h) branches += std::count_if(h.begin(), h.end(), [&](const HistoryNode& m) { return m.parent == n.id; }) > 1;
  ImGui::TextDisabled("%zu steps, %d branch points", h.size(), branches);
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
  ImGui::BeginChild("nodes");
  for (int k = 0; k < int(v.tip_path.size()); ++k) {
    const auto& n = h[v.tip_path[k]];
    const bool cur = n.id == s.current;
    const int kids = int(std::count_if(h.begin(), h.end(), [&](const HistoryNode& m) { return m.parent == n.id; }));
    char label[256];
    std::snprintf(label, sizeof label, "%3d  %s%s##n%d", k, n.label.c_str(), kids > 1 ? "  (+branch)" : "", n.id);
    if (!n.restorable) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (k > at) ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    if (ImGui::Selectable(label, cur) && !cur && n.restorable) {
      LabCommand c;
      c.kind = CmdKind::Goto;
      c.node = n.id;
      v.send(c);
    }
    if (k > at) ImGui::PopStyleColor();
    if (!n.restorable) ImGui::PopStyleColor();
    if (cur && s.busy) ImGui::SetScrollHereY(1.0f);
    if (kids > 1 && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::TextDisabled("branches from here (click one to go there):");
      ImGui::EndTooltip();
    }
    // Other branches from this node, listed under it.
    if (kids > 1)
      for (const auto& m : h)
        if (m.parent == n.id && (k + 1 >= int(v.tip_path.size()) || m.id != v.tip_path[k + 1])) {
          char b[256];
          std::snprintf(b, sizeof b, "      \\ %s##b%d", m.label.c_str(), m.id);
          if (ImGui::Selectable(b) && m.restorable) {
            LabCommand c;
            c.kind = CmdKind::Goto;
            c.node = m.id;
            v.send(c);
          }
        }
  }
  ImGui::EndChild();
  ImGui::End();
}

}  // namespace wfc::viz
