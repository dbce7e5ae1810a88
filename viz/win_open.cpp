// Open a checkpoint: a path box, recent files, and the .safetensors files next to the path.
#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

#include "viz/open_path.h"
#include "viz/windows.h"

namespace wfc::viz {

namespace fs = std::filesystem;

void draw_open(ViewState& v) {
  if (!v.show_open) return;
  ImGui::SetNextWindowSize(ImVec2(620, 420), ImGuiCond_FirstUseEver);
  ImGui::Begin("Open checkpoint", &v.show_open);
  static char buf[1024];
  if (v.open_path.empty() && v.snap) v.open_path = v.snap->checkpoint;
  if (std::strncmp(buf, v.open_path.c_str(), sizeof buf) != 0) std::snprintf(buf, sizeof buf, "%s", v.open_path.c_str());
  ImGui::SetNextItemWidth(-160);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  // Focused and selected on opening: typing a path replaces the old one.
  const bool enter = ImGui::InputText("##path", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  v.remember("open_path");
  v.open_path = buf;
  ImGui::SameLine();
  const bool open = ImGui::Button("Open") || enter;
  if (open && !open_loads(v.open_path)) {
    // A directory (or nothing): list it below instead of loading it.
    if (!v.open_path.empty() && v.open_path.back() != '/') v.open_path += "/";
  } else if (open) {
    LabCommand c;
    c.kind = CmdKind::Load;
    c.text = v.open_path;
    v.send(c);  // Recent gets the path once the snapshot shows it loaded (lab.cpp), not before
    v.show_open = false;
  }
  v.remember("open_button");
  ImGui::SameLine();
  if (ImGui::Button("Compare") && open_loads(v.open_path)) {
    // A second checkpoint beside this session: the same actions, its curve over the same positions.
    LabCommand c;
    c.kind = CmdKind::Compare;
    c.text = v.open_path;
    v.send(c);
    v.show_open = false;
  }
  v.remember("compare_button");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("run this checkpoint beside the session on the same actions (e.g. the AR baseline)");
  ImGui::TextDisabled("a bad file shows its error in the Entropy window; the open session stays");
  if (!v.recent.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("RECENT");
    for (const auto& r : v.recent)
      if (ImGui::Selectable(r.c_str())) v.open_path = r;
  }
  ImGui::Separator();
  const std::string dir = open_listing_dir(v.open_path);
  ImGui::TextDisabled("IN %s", dir.c_str());
  if (ImGui::Selectable("..")) v.open_path = open_parent(dir);
  for (const auto& e : open_listing(dir))
    if (ImGui::Selectable(e.name.c_str())) v.open_path = e.path;
  ImGui::End();
}

}  // namespace wfc::viz
