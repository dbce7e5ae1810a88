// Presentation frames of a snapshot: a title, the entropy plot (the lab's own shaders), optionally
// the spacetime view and the token strip, and a legend, at any size. PNG pixels come from an
// offscreen framebuffer (the lab's GL context or a headless one); SVG is written as vectors from
// the same layout (viz/frame_layout.h), so both show the same thing at the same coordinates.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/atomic_write.h"
#include "viz/frame_layout.h"
#include "viz/gl_util.h"
#include "viz/lab_data.h"

struct ImGuiContext;
struct ImFont;

namespace wfc::viz {

class FrameComposer {
 public:
  // Needs a current GL 3.3 context; keeps its own ImGui context for text, and leaves whichever
  // ImGui context was current (the lab's) current and untouched.
  FrameComposer();
  ~FrameComposer();
  FrameComposer(const FrameComposer&) = delete;
  FrameComposer& operator=(const FrameComposer&) = delete;
  // RGBA, top row first, st.w x st.h.
  std::vector<uint8_t> render(const LabSnapshot& s, const FrameStyle& st);
  // A figure (viz/training_figure.h) in the same fonts: RGBA, top row first, f.w x f.h.
  std::vector<uint8_t> render(const struct Figure& f);

 private:
  void ensure_fonts(float k);  // call with ctx_ (or none of ours) current
  struct ImDrawList* start(int w, int h);                        // a new frame of ctx_ at w x h
  std::vector<uint8_t> finish(int w, int h, const Rgba& paper);  // render ctx_'s frame, read it back
  void destroy_context();
  ImGuiContext* ctx_ = nullptr;
  float font_k_ = 0;
  ImFont *title_ = nullptr, *label_ = nullptr, *small_ = nullptr;
  std::unique_ptr<class PlotRenderer> plot_;
  std::unique_ptr<class HeatmapRenderer> heat_;
  Framebuffer plot_fb_, heat_fb_, out_fb_;
};

// SVG 1.1 text of the same frame: curves as polylines, markers as circles and rects, text as text.
std::string frame_svg(const LabSnapshot& s, const FrameStyle& st);

// Writes RGBA pixels as a PNG, atomically (model/atomic_write.h). Returns false and sets err on failure.
bool write_png(const std::string& path, const std::vector<uint8_t>& rgba, int w, int h, std::string* err);
// Writes text atomically.
inline bool write_text_file(const std::string& path, const std::string& text, std::string* err) {
  const std::string e = write_atomic(path, text);
  if (!e.empty() && err) *err = e;
  return e.empty();
}

}  // namespace wfc::viz
