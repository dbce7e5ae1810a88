// Draws a PlotScene into a framebuffer texture with the project's SDF shaders: a thick anti-aliased
// curve, status markers, the past/future boundary, the ghost of the curve before the last collapse.
// Text (axes, labels) is drawn on top by the caller.
#pragma once
#include <vector>

#include "viz/gl_util.h"
#include "viz/plot_scene.h"

namespace wfc::viz {

class PlotRenderer {
 public:
  PlotRenderer();  // needs a current GL 3.3 context; owns GL names, so move-only
  void render(const PlotScene& s, Framebuffer& fb);

 private:
  void line(float x0, float y0, float x1, float y1, float width, const Rgba& c);
  void shape(float x, float y, float half, int kind, const Rgba& c, float p1 = 0, float p2 = 0);
  std::vector<float> verts_;
  GlProgram prog_;
  GlVertexArray vao_;
  GlBuffer vbo_;
  GLint u_size_ = -1;
};

}  // namespace wfc::viz
