// Open a checkpoint: a path box, recent files, and the .safetensors files next to the path.
#include <imgui.h>

#include <algorithm>
#include <cstring>
#include <filesystem>

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
  ImGui::SetNextItemWidth(-80);
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  // Focused and selected on opening: typing a path replaces the old one.
  const bool enter = ImGui::InputText("##path", buf, sizeof buf, ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll);
  v.remember("open_path");
  v.open_path = buf;
  ImGui::SameLine();
  if (ImGui::Button("Open") || enter) {
    LabCommand c;
    c.kind = CmdKind::Load;
    c.text = v.open_path;
    v.send(c);
    v.recent.erase(std::remove(v.recent.begin(), v.recent.end(), v.open_path), v.recent.end());
    v.recent.insert(v.recent.begin(), v.open_path);
    if (v.recent.size() > 10) v.recent.resize(10);
    v.show_open = false;
  }
  ImGui::TextDisabled("a bad file shows its error in the Entropy window; the open session stays");
  if (!v.recent.empty()) {
    ImGui::Separator();
    ImGui::TextDisabled("RECENT");
    for (const auto& r : v.recent)
      if (ImGui::Selectable(r.c_str())) v.open_path = r;
  }
  ImGui::Separator();
  std::error_code ec;
  fs::path dir = fs::path(v.open_path).parent_path();
  if (dir.empty()) dir = ".";
  ImGui::TextDisabled("IN %s", dir.string().c_str());
  if (ImGui::Selectable("..")) v.open_path = (fs::absolute(dir, ec).parent_path() / "").string();
  std::vector<fs::directory_entry> entries;
  for (auto it = fs::directory_iterator(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) entries.push_back(*it);
  std::sort(entries.begin(), entries.end(), [](auto& a, auto& b) { return a.path() < b.path(); });
  for (const auto& e : entries) {
    const bool is_dir = e.is_directory(ec);
    if (!is_dir && e.path().extension() != ".safetensors") continue;
    const std::string name = e.path().filename().string() + (is_dir ? "/" : "");
    if (ImGui::Selectable(name.c_str())) v.open_path = (is_dir ? e.path() / "" : e.path()).string();
  }
  ImGui::End();
}

}  // namespace wfc::viz
