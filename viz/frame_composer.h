// Presentation frames of a snapshot: a title, the entropy plot (the lab's own shaders), optionally
// the spacetime view and the token strip, and a legend, at any size. PNG pixels come from an
// offscreen framebuffer (the lab's GL context or a headless one); SVG is written as vectors from
// the same layout, so both show the same thing at the same coordinates.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "viz/gl_util.h"
#include "viz/lab_data.h"
#include "viz/plot_scene.h"
#include "viz/theme.h"

struct ImGuiContext;
struct ImFont;

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

// Where everything goes (pixels, y down); shared by the PNG and SVG paths.
struct FrameLayout {
  float k = 1;                    // scale: h / 720
  float title_px = 0, label_px = 0, small_px = 0;
  float tx = 0, ty = 0;           // title baseline start
  float px = 0, py = 0, pw = 0, ph = 0;  // plot
  float sx = 0, sy = 0, sw = 0, sh = 0;  // spacetime (sw = 0: none)
  float kx = 0, ky = 0, kw = 0, kh = 0;  // token strip (kh = 0: none)
  float lx = 0, ly = 0;           // legend
};
FrameLayout layout_frame(const FrameStyle& st);

class FrameComposer {
 public:
  FrameComposer();  // needs a current GL 3.3 context; keeps its own ImGui context for text
  ~FrameComposer();
  // RGBA, top row first, st.w x st.h.
  std::vector<uint8_t> render(const LabSnapshot& s, const FrameStyle& st);

 private:
  void ensure_fonts(float k);
  ImGuiContext* ctx_ = nullptr;
  float font_k_ = 0;
  ImFont *title_ = nullptr, *label_ = nullptr, *small_ = nullptr;
  std::unique_ptr<class PlotRenderer> plot_;
  std::unique_ptr<class HeatmapRenderer> heat_;
  Framebuffer plot_fb_, heat_fb_, out_fb_;
};

// SVG 1.1 text of the same frame: curves as polylines, markers as circles and rects, text as text.
std::string frame_svg(const LabSnapshot& s, const FrameStyle& st);

// Writes RGBA pixels as a PNG, atomically (temp file, rename). Returns false and sets err on failure.
bool write_png(const std::string& path, const std::vector<uint8_t>& rgba, int w, int h, std::string* err);
// Writes text atomically.
bool write_text_file(const std::string& path, const std::string& text, std::string* err);

}  // namespace wfc::viz
