#include "viz/theme.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <string>

namespace wfc::viz {

static ImVec4 v(const Rgba& c, float a = -1) { return ImVec4(c.r, c.g, c.b, a < 0 ? c.a : a); }

void apply_imgui_theme(const Palette& p) {
  ImGuiStyle& s = ImGui::GetStyle();
  s.WindowPadding = ImVec2(14, 12);
  s.FramePadding = ImVec2(8, 5);
  s.ItemSpacing = ImVec2(10, 7);
  s.WindowRounding = 4;
  s.FrameRounding = 3;
  s.GrabRounding = 3;
  s.WindowBorderSize = 1;
  ImVec4* c = s.Colors;
  c[ImGuiCol_WindowBg] = v(p.paper);
  c[ImGuiCol_ChildBg] = v(p.paper);
  c[ImGuiCol_PopupBg] = v(p.paper);
  c[ImGuiCol_Text] = v(p.ink);
  c[ImGuiCol_TextDisabled] = v(p.muted);
  c[ImGuiCol_Border] = v(p.grid);
  c[ImGuiCol_FrameBg] = v(p.grid, 0.55f);
  c[ImGuiCol_FrameBgHovered] = v(p.grid, 0.85f);
  c[ImGuiCol_FrameBgActive] = v(p.grid);
  c[ImGuiCol_TitleBg] = v(p.grid, 0.6f);
  c[ImGuiCol_TitleBgActive] = v(p.grid);
  c[ImGuiCol_MenuBarBg] = v(p.grid, 0.5f);
  c[ImGuiCol_Button] = v(p.grid, 0.7f);
  c[ImGuiCol_ButtonHovered] = v(p.muted, 0.5f);
  c[ImGuiCol_ButtonActive] = v(p.muted, 0.8f);
  c[ImGuiCol_Header] = v(p.grid, 0.7f);
  c[ImGuiCol_HeaderHovered] = v(p.muted, 0.4f);
  c[ImGuiCol_HeaderActive] = v(p.muted, 0.6f);
  c[ImGuiCol_CheckMark] = v(p.ink);  // the accent is kept for the boundary and the collapse
  c[ImGuiCol_SliderGrab] = v(p.muted);
  c[ImGuiCol_SliderGrabActive] = v(p.ink);
  c[ImGuiCol_Separator] = v(p.grid);
}

Rgba heat_colour(const Palette& p, float share) {
  const float t = std::pow(std::clamp(share, 0.0f, 1.0f), kHeatGamma);
  return {p.grid.r + (p.ink.r - p.grid.r) * t, p.grid.g + (p.ink.g - p.grid.g) * t, p.grid.b + (p.ink.b - p.grid.b) * t, 1};
}

bool load_fonts(float size_px) {
  ImGuiIO& io = ImGui::GetIO();
  const std::string path = std::string(WFC_FONT_DIR) + "/JetBrainsMono-Regular.ttf";
  if (!std::ifstream(path).good()) {
    io.Fonts->AddFontDefault();
    return false;
  }
  io.Fonts->AddFontFromFileTTF(path.c_str(), size_px);
  return true;
}

}  // namespace wfc::viz
