// The project's look: warm paper, dark ink, one oxidised-red accent for what matters most.
#pragma once

namespace wfc::viz {

struct Rgba {
  float r, g, b, a;
};

struct Palette {
  Rgba paper, ink, muted, grid, accent;
};

// Light: presentation frames. Dark: the desktop.
inline Palette light_palette() {
  return {{0.961f, 0.945f, 0.914f, 1}, {0.122f, 0.114f, 0.106f, 1}, {0.45f, 0.43f, 0.40f, 1},
          {0.85f, 0.83f, 0.79f, 1},    {0.659f, 0.212f, 0.133f, 1}};
}
inline Palette dark_palette() {
  return {{0.106f, 0.102f, 0.098f, 1}, {0.910f, 0.890f, 0.855f, 1}, {0.58f, 0.56f, 0.53f, 1},
          {0.22f, 0.21f, 0.20f, 1},    {0.851f, 0.341f, 0.235f, 1}};
}

void apply_imgui_theme(const Palette& p);  // ImGui colours and spacing from a palette
bool load_fonts(float size_px);            // JetBrains Mono; false (and ImGui's default) if missing

}  // namespace wfc::viz
