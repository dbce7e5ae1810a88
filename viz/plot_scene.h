// The entropy plot as plain data plus its geometry. The renderer draws it; hit-testing, axis labels
// and the state dump use the same mapping, so a click lands where the marker is drawn.
#pragma once
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "viz/lab_data.h"
#include "viz/theme.h"

namespace wfc::viz {

enum class Units { Nats = 0, Bits = 1, Options = 2 };  // Options: exp(H), the effective choices
double to_units(double nats, Units u);
const char* units_name(Units u);

struct PlotScene {
  float w = 800, h = 400;                 // target size, pixels
  float left = 64, right = 20, top = 40, bottom = 40;  // plot-area margins, pixels (room for the axis text)
  float y_max = 8;                        // nats at the top of the axis
  std::vector<float> entropy;             // nats per window row
  std::vector<uint8_t> status;            // RowStatus per row
  std::vector<float> alpha;               // partial-collapse strength per row
  std::vector<float> ghost;               // nats per row before the last collapse (NaN: none)
  std::vector<float> grid;                // nats of the horizontal grid lines
  std::vector<std::string> grid_labels;   // their labels in the scene's units
  int64_t first_pos = 0;                  // absolute position of the scene's first row
  Units units = Units::Nats;
  int n_past = 0;
  int row0 = 0;                           // window row of the scene's first row (zoomed view)
  int hover = -1;                         // row under the mouse
  int accent = -1;                        // row of the last collapse (the accent mark)
  float scale = 1;                        // line widths and markers (export at 4K uses > 1)
  Palette pal;

  int rows() const { return int(entropy.size()); }
  float plot_w() const { return w - left - right; }
  float plot_h() const { return h - top - bottom; }
  float x_of(float i) const { return left + (i + 0.5f) * plot_w() / float(rows() > 0 ? rows() : 1); }
  float y_of(float nats) const { return top + plot_h() * (1.0f - std::fmin(std::fmax(nats / y_max, 0.0f), 1.02f)); }
  float boundary_x() const { return x_of(float(n_past) - 0.5f); }
  // The row whose column holds x (pixels), or -1 outside the plot area.
  int hit(float x, float y) const {
    if (rows() == 0 || x < left || x > w - right || y < top - 10 || y > h - bottom + 10) return -1;
    int i = int(std::floor((x - left) / plot_w() * float(rows())));
    return i < 0 ? 0 : i >= rows() ? rows() - 1 : i;
  }
};

// The axes' text (tick labels, axis titles, the past/future marks) in scene pixels, laid out once
// for the lab, the PNG frames and the SVG frames alike.
struct PlotText {
  float x, y;          // top-left, scene pixels
  std::string text;
  bool large, accent;  // label size (else small); the accent colour (else muted)
};
std::vector<PlotText> plot_texts(const PlotScene& sc, float small_px, float label_px);

// JetBrains Mono advances every glyph by 0.6 em, and ImGui sizes a font by ascent - descent
// (1.32 em), so a glyph is 0.6 / 1.32 of the pixel size wide. Widths are computed, not measured,
// so every output lays text out identically.
constexpr float kEmPerPx = 1.0f / 1.32f, kAscentPerPx = 0.78f;
float mono_text_width(const std::string& t, float px);
// A guess's confidence bar as a share of its token's width: the square root of its probability,
// so a far row's 2-6 % is 14-24 % of the width, not a pixel (the lab's token strip and the
// exported frames draw the same).
float bar_share(float conf);

// The text a row's best guess shows, and its piece for any token id ("?" outside the vocabulary).
std::string token_piece(const LabSnapshot& s, int id);
std::string guess_text(const LabSnapshot& s, int row);  // "·" while the row is still near uniform

// The plot of a snapshot at a size: with `focus`, only the future and the last `focus_past` past
// rows (a long past would squeeze the future into a sliver). Grid lines follow the units.
PlotScene make_plot_scene(const LabSnapshot& s, float w, float h, Units u, bool focus, int focus_past,
                          const Palette& pal, float scale = 1.0f);
// Horizontal grid lines (nats) and their labels in the units.
void plot_ticks(double ymax_nats, Units u, std::vector<float>& at, std::vector<std::string>& label);

}  // namespace wfc::viz
