// The menu bar and the status bar.
#include <imgui.h>

#include <algorithm>

#include "viz/windows.h"

namespace wfc::viz {

void draw_menu(ViewState& v) {
  if (!ImGui::BeginMainMenuBar()) return;
  if (ImGui::BeginMenu("File")) {
    if (ImGui::MenuItem("Open checkpoint...", "Ctrl+O")) v.show_open = true;
    if (ImGui::MenuItem("Open run (training, live)...", "F5")) v.show_training = true;
    if (ImGui::MenuItem("Compare with a checkpoint...")) v.show_open = true;
    if (ImGui::MenuItem("Stop comparing", nullptr, false, v.snap && v.snap->compare)) {
      LabCommand c;
      c.kind = CmdKind::Compare;
      v.send(c);
    }
    if (ImGui::BeginMenu("Recent", !v.recent.empty())) {
      for (const auto& r : v.recent)
        if (ImGui::MenuItem(r.c_str())) {
          LabCommand c;
          c.kind = CmdKind::Load;
          c.text = r;
          v.send(c);
        }
      ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Export frames / session script...", "Ctrl+E")) v.show_export = true;
    if (ImGui::MenuItem("Write state dump", "F12")) v.dump_requested = true;
    if (ImGui::MenuItem("Quit", "Ctrl+Q")) v.quit = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Edit")) {
    if (ImGui::MenuItem("Undo", "Ctrl+Z")) undo(v);
    if (ImGui::MenuItem("Redo", "Ctrl+Y")) redo(v);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    int u = int(v.units);
    if (ImGui::MenuItem("Entropy in nats", nullptr, u == 0)) v.units = Units::Nats;
    if (ImGui::MenuItem("Entropy in bits", nullptr, u == 1)) v.units = Units::Bits;
    if (ImGui::MenuItem("Effective options exp(H)", nullptr, u == 2)) v.units = Units::Options;
    ImGui::Separator();
    ImGui::MenuItem("Checkpoint info", nullptr, &v.show_info);
    ImGui::MenuItem("What changed (last collapse)", "F3", &v.show_effect);
    ImGui::MenuItem("Row evolution", "F4", &v.show_evolution);
    ImGui::MenuItem("Training (runs' metrics, live)", "F5", &v.show_training);
    if (ImGui::MenuItem("Reset layout")) v.reset_layout = true;
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Help")) {
    ImGui::MenuItem("Shortcuts and marks", "F1", &v.show_help);
    ImGui::EndMenu();
  }
  const auto& s = *v.snap;
  if (!s.checkpoint.empty()) {
    ImGui::SameLine(ImGui::GetWindowWidth() - ImGui::CalcTextSize(s.checkpoint.c_str()).x - 20);
    ImGui::TextDisabled("%s", s.checkpoint.c_str());
  }
  ImGui::EndMainMenuBar();

  if (v.show_info) {
    ImGui::SetNextWindowSize(ImVec2(520, 260), ImGuiCond_FirstUseEver);
    ImGui::Begin("Checkpoint", &v.show_info);
    if (ImGui::BeginTable("info", 2)) {
      ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed, 110);
      ImGui::TableSetupColumn("v");
      for (const auto& [k, val] : s.info) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextDisabled("%s", k.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", val.c_str());
      }
      ImGui::EndTable();
    }
    ImGui::End();
  }
}

void draw_status(ViewState& v) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float h = 30;
  ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y + vp->Size.y - h));
  ImGui::SetNextWindowSize(ImVec2(vp->Size.x, h));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(10, 6));
  ImGui::Begin("##status", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                        ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing);
  const auto& s = *v.snap;
  const char* state = !s.loaded ? "loading" : s.playing ? "playing" : s.busy ? "converging" : "idle";
  std::vector<double> recent(v.frame_ms.end() - std::min<size_t>(v.frame_ms.size(), 240), v.frame_ms.end());
  std::sort(recent.begin(), recent.end());
  const double p99 = recent.empty() ? 0 : recent[size_t(0.99 * double(recent.size() - 1))];
  ImGui::Text("%-10s", state);
  ImGui::SameLine();
  // The step counts as the history's slider does: along the path from the first step.
  const int depth = s.current >= 0 && s.current < int(s.history.size()) ? s.history[s.current].depth : 0;
  const int last = std::max(depth, int(v.tip_path.size()) - 1);
  ImGui::TextDisabled("|  iteration %lld  |  %.1f ms/iteration  |  frame %.1f ms (p99 %.1f)  |  step %d of %d  |  %s",
                      (long long)s.cur.iteration, s.iter_ms, v.last_frame_ms, p99, depth, last,
                      s.cur.converged ? "converged" : "moving");
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace wfc::viz
