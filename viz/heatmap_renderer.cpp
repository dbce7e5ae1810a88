#include "viz/heatmap_renderer.h"

#include <algorithm>

#include "shaders_embedded.h"

namespace wfc::viz {

HeatmapRenderer::HeatmapRenderer() {
  prog_ = make_program(k_heatmap_vert, k_heatmap_frag, "heatmap");
  const float quad[12] = {0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};
  glGenVertexArrays(1, &vao_);
  glGenBuffers(1, &vbo_);
  glBindVertexArray(vao_);
  glBindBuffer(GL_ARRAY_BUFFER, vbo_);
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), (void*)0);
  glBindVertexArray(0);
  glGenTextures(1, &tex_);
  glBindTexture(GL_TEXTURE_2D, tex_);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
}

HeatmapRenderer::~HeatmapRenderer() {
  glDeleteTextures(1, &tex_);
  glDeleteBuffers(1, &vbo_);
  glDeleteVertexArrays(1, &vao_);
  glDeleteProgram(prog_);
}

HeatmapExtent HeatmapRenderer::render(const std::vector<std::shared_ptr<const TimelineRow>>& rows, float vmax,
                                      const Palette& pal, int w, int h, Framebuffer& fb) {
  HeatmapExtent e;
  e.rows = int(rows.size());
  if (!rows.empty()) {
    e.first_pos = rows.front()->offset;
    e.last_pos = e.first_pos + 1;
    for (const auto& r : rows) {
      e.first_pos = std::min(e.first_pos, r->offset);
      e.last_pos = std::max<int64_t>(e.last_pos, r->offset + int64_t(r->entropy.size()));
    }
  }
  const int cols = int(std::max<int64_t>(1, e.last_pos - e.first_pos)), nrows = std::max(1, e.rows);
  data_.assign(size_t(cols) * nrows * 2, -1.0f);
  for (int y = 0; y < e.rows; ++y) {
    const auto& r = *rows[y];
    float* line = data_.data() + size_t(y) * cols * 2;
    for (size_t i = 0; i < r.entropy.size(); ++i) {
      const int64_t c = r.offset + int64_t(i) - e.first_pos;
      line[c * 2] = r.entropy[i];
      line[c * 2 + 1] = int(i) == r.n_past ? 1.0f : 0.0f;
    }
  }
  glBindTexture(GL_TEXTURE_2D, tex_);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RG32F, cols, nrows, 0, GL_RG, GL_FLOAT, data_.data());

  fb.resize(w, h);
  fb.bind();
  glDisable(GL_BLEND);
  glUseProgram(prog_);
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, tex_);
  glUniform1i(glGetUniformLocation(prog_, "u_data"), 0);
  glUniform1f(glGetUniformLocation(prog_, "u_max"), vmax);
  glUniform1f(glGetUniformLocation(prog_, "u_cols"), float(cols));
  glUniform1f(glGetUniformLocation(prog_, "u_line"), std::min(2.0f, float(w) / float(cols)) / (float(w) / float(cols)));
  auto set = [&](const char* n, const Rgba& c) { glUniform4f(glGetUniformLocation(prog_, n), c.r, c.g, c.b, c.a); };
  set("u_paper", pal.paper);
  set("u_ink", pal.ink);
  set("u_accent", pal.accent);
  set("u_outside", pal.grid);
  glBindVertexArray(vao_);
  glDrawArrays(GL_TRIANGLES, 0, 6);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return e;
}

}  // namespace wfc::viz
