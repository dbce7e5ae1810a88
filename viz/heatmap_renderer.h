// The spacetime heatmap: entropy over iteration (rows, oldest at the top) x absolute position
// (columns), drawn by a colormap shader from a float texture into a framebuffer texture.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "viz/gl_util.h"
#include "viz/lab_data.h"
#include "viz/theme.h"

namespace wfc::viz {

struct HeatmapExtent {
  int64_t first_pos = 0, last_pos = 0;  // absolute positions covered [first, last)
  int rows = 0;
};

class HeatmapRenderer {
 public:
  HeatmapRenderer();
  ~HeatmapRenderer();
  // Rebuilds the data texture from the timeline (call when it changed) and draws into fb.
  HeatmapExtent render(const std::vector<std::shared_ptr<const TimelineRow>>& rows, float vmax,
                       const Palette& pal, int w, int h, Framebuffer& fb);

 private:
  GLuint prog_ = 0, vao_ = 0, vbo_ = 0, tex_ = 0;
  std::vector<float> data_;
};

}  // namespace wfc::viz
