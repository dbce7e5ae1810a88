// The project's look: warm paper, dark ink, one oxidised-red accent for what matters most.
#pragma once
#include <cstddef>

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

// Series colours (Okabe-Ito) for views that draw several tokens or runs at once: apart on dark and
// light paper and for colour-blind readers. The accent stays reserved for collapses.
inline Rgba series_colour(size_t i) {
  static const Rgba k[] = {{0.90f, 0.62f, 0.00f, 1}, {0.34f, 0.71f, 0.91f, 1}, {0.00f, 0.62f, 0.45f, 1},
                           {0.94f, 0.89f, 0.26f, 1}, {0.80f, 0.47f, 0.65f, 1}, {0.84f, 0.37f, 0.00f, 1},
                           {0.60f, 0.60f, 0.60f, 1}};
  return k[i % 7];
}

// The spacetime's colour for an entropy, as a share of the largest (log V): from the grid tone
// (certain) to ink (uniform), with a gamma that keeps the middle distinguishable. The shader
// (shaders/heatmap_frag.glsl, uniform u_gamma) and the colour scale under the view both use it.
constexpr float kHeatGamma = 0.75f;
Rgba heat_colour(const Palette& p, float share);

void apply_imgui_theme(const Palette& p);  // ImGui colours and spacing from a palette
bool load_fonts(float size_px);            // JetBrains Mono; false (and ImGui's default) if missing

}  // namespace wfc::viz
