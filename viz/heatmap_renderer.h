// The spacetime heatmap: entropy over iteration (rows, oldest at the top) x absolute position
// (columns), drawn by a colormap shader from a byte texture into a framebuffer texture.
// The texture is a ring in both directions (rows by arrival, columns by position mod capacity), so
// a new iteration uploads one row, however long the session.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "viz/gl_util.h"
#include "viz/lab_data.h"
#include "viz/theme.h"

namespace wfc::viz {

struct HeatmapExtent {
  int64_t first_pos = 0, last_pos = 0;  // absolute positions shown [first, last)
  int rows = 0;
};

class HeatmapRenderer {
 public:
  static constexpr int kRows = 4096, kCols = 2048;  // ring capacity: iterations x positions
  HeatmapRenderer();  // needs a current GL 3.3 context; owns GL names, so move-only
  // Brings the texture up to date with the timeline (new rows only, when it grew) and draws.
  HeatmapExtent render(const std::vector<std::shared_ptr<const TimelineRow>>& rows, float vmax,
                       const Palette& pal, int w, int h, Framebuffer& fb);

 private:
  void upload(const TimelineRow& r);
  GlProgram prog_;
  GlVertexArray vao_;
  GlBuffer vbo_;
  GlTexture tex_;
  std::vector<uint8_t> line_;
  // The newest row uploaded, observed without owning it: a row that died (undo, reset) can never be
  // mistaken for a new one that happens to reuse its address.
  std::weak_ptr<const TimelineRow> last_;
  int64_t seq_ = 0;                    // rows uploaded since the last rebuild
  float vmax_ = 0;
};

}  // namespace wfc::viz
