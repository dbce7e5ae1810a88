// Where everything in a presentation frame goes (pixels, y down), computed once and read by both
// outputs: the PNG (viz/frame_png.cpp) and the SVG (viz/frame_svg.cpp) place every title, token,
// legend mark and label at the same coordinates.
#pragma once
#include <string>
#include <vector>

#include "viz/lab_data.h"
#include "viz/plot_scene.h"
#include "viz/theme.h"

namespace wfc::viz {

struct FrameStyle {
  int w = 1920, h = 1080;         // pixels
  bool light = true;              // light paper (presentations) or the dark desktop theme
  bool spacetime = false;         // add the spacetime view on the right
  bool tokens = true;             // add the token strip below the plot
  bool focus = true;              // plot the future and the last 24 past rows
  Units units = Units::Nats;
  std::string title;              // large, top left
  std::string subtitle;           // small, under the title
};

struct FrameLayout {
  float k = 1;                    // scale: h / 720
  float title_px = 0, label_px = 0, small_px = 0;
  float tx = 0, ty = 0;           // title baseline start
  float px = 0, py = 0, pw = 0, ph = 0;  // plot
  float sx = 0, sy = 0, sw = 0, sh = 0;  // spacetime (sw = 0: none)
  float heat_h = 0;               // the spacetime image's height (its labels go below)
  float kx = 0, ky = 0, kw = 0, kh = 0;  // token strip (kh = 0: none)
  float lx = 0, ly = 0;           // legend
};
FrameLayout layout_frame(const FrameStyle& st);

// The token strip: the future and as much past as fits, laid out from the end.
struct PlacedToken {
  float x, y;            // top-left
  std::string text;
  int row;
  bool past;
  float conf;            // probability of the best guess (future rows)
  bool collapsed, last;  // fully collapsed; the last collapse
};
// boundary_x < 0: the boundary is not in the strip.
std::vector<PlacedToken> place_tokens(const LabSnapshot& s, const FrameLayout& L, float* boundary_x, float* boundary_y);
// A token's ink strength: past and collapsed rows full, a guess by the square root of its probability.
float token_strength(const PlacedToken& t);

// The legend: one sample of every mark (viz/marks.h) with its label, in a row.
struct LegendItem {
  enum Kind { Status, Boundary, LastCollapse, Ghost } kind;
  RowStatus status;  // for Kind::Status
  float cx, cy;      // the sample's centre
  float tx, ty;      // the label's top-left
  std::string label;
};
std::vector<LegendItem> legend_items(const FrameLayout& L);
constexpr float kLegendPartialAlpha = 0.5f;

Rgba mix(const Rgba& a, const Rgba& b, float t);  // a..b, opaque

}  // namespace wfc::viz
