// Help: the keyboard shortcuts and what the marks mean.
#include <imgui.h>

#include "viz/marks.h"
#include "viz/windows.h"

namespace wfc::viz {

void draw_help(ViewState& v) {
  if (!v.show_help) return;
  ImGui::SetNextWindowSize(ImVec2(520, 470), ImGuiCond_FirstUseEver);
  ImGui::Begin("Help", &v.show_help);
  static const char* keys[][2] = {
      {"Space", "play / pause (converge, collapse by policy, mint, repeat)"},
      {"S", "one iteration"},
      {"C", "converge"},
      {"N", "collapse next by the active policy"},
      {"M", "mint the first future row into the past"},
      {"R", "reset with the prompt"},
      {"Ctrl+Z / Left", "undo"},
      {"Ctrl+Y / Right", "redo (also Ctrl+Shift+Z)"},
      {"U", "cycle units: nats, bits, exp(H)"},
      {"Ctrl+O", "open a checkpoint"},
      {"Ctrl+E", "export frames (PNG/SVG), record, save the session script"},
      {"F1", "this window"},
      {"F3", "what the last collapse changed"},
      {"F4", "row evolution (or click a future cell in Spacetime)"},
      {"F5", "training runs, live (wfc view --run DIR)"},
      {"F12", "write a state dump (--dump FILE)"},
      {"Ctrl+Q", "quit"},
      {"click a future row", "collapse it: arg-max, sample, a top-k token, partial, pin"},
  };
  if (ImGui::BeginTable("keys", 2, ImGuiTableFlags_RowBg)) {
    ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed, 190);
    ImGui::TableSetupColumn("action");
    for (auto& k : keys) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k[0]);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", k[1]);
    }
    ImGui::EndTable();
  }
  ImGui::Separator();
  ImGui::TextDisabled("MARKS");
  ImGui::TextWrapped("%s", marks_help().c_str());
  ImGui::TextWrapped(
      "The red line is the past/future boundary and the red ring the last collapse; the faint curve is the "
      "entropy before it.");
  ImGui::End();
}

}  // namespace wfc::viz
