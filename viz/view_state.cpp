#include "viz/view_state.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

namespace wfc::viz {

uint64_t ViewState::send(LabCommand c, bool measure) {
  const uint64_t id = backend->send(std::move(c));
  if (measure) awaiting.emplace_back(id, now);
  return id;
}

void ViewState::remember(const std::string& name) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  const bool inside = a.x >= wp.x && a.y >= wp.y && b.x <= wp.x + ws.x + 0.5f && b.y <= wp.y + ws.y + 0.5f;
  rects[name] = Rect{a.x, a.y, b.x - a.x, b.y - a.y, inside};
}

void ViewState::note_loaded(const std::string& loaded) {
  recent_noted = loaded;
  // One entry per file, however it was spelled (relative, "..", a symlink).
  std::error_code ec;
  std::string path = std::filesystem::weakly_canonical(loaded, ec).string();
  if (ec || path.empty()) path = loaded;
  recent.erase(std::remove(recent.begin(), recent.end(), path), recent.end());
  recent.insert(recent.begin(), path);
  if (recent.size() > 10) recent.resize(10);
}

}  // namespace wfc::viz
