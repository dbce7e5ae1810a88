#include "viz/heatmap_renderer.h"

#include <algorithm>
#include <cmath>

#include "shaders_embedded.h"

namespace wfc::viz {

HeatmapRenderer::HeatmapRenderer()
    : prog_(make_program(k_heatmap_vert, k_heatmap_frag, "heatmap")), vao_(gen_vertex_array()), vbo_(gen_buffer()),
      tex_(gen_texture()) {
  const float quad[12] = {0, 0, 1, 0, 1, 1, 0, 0, 1, 1, 0, 1};
  glBindVertexArray(vao_.get());
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.get());
  glBufferData(GL_ARRAY_BUFFER, sizeof quad, quad, GL_STATIC_DRAW);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, 2 * sizeof(float), (void*)0);
  glBindVertexArray(0);
  glBindTexture(GL_TEXTURE_2D, tex_.get());
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_REPEAT);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_REPEAT);
  // R: 0 outside the window, else 1 + 254 * entropy / vmax; G: 255 on the first future row.
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RG8, kCols, kRows, 0, GL_RG, GL_UNSIGNED_BYTE, nullptr);
  line_.assign(size_t(kCols) * 2, 0);
}

void HeatmapRenderer::upload(const TimelineRow& r) {
  std::fill(line_.begin(), line_.end(), 0);
  for (size_t i = 0; i < r.entropy.size(); ++i) {
    const int64_t c = (r.offset + int64_t(i)) % kCols;
    const float t = std::clamp(r.entropy[i] / vmax_, 0.0f, 1.0f);
    line_[c * 2] = uint8_t(1 + std::lround(254 * t));
    line_[c * 2 + 1] = int(i) == r.n_past ? 255 : 0;
  }
  glTexSubImage2D(GL_TEXTURE_2D, 0, 0, int(seq_ % kRows), kCols, 1, GL_RG, GL_UNSIGNED_BYTE, line_.data());
  ++seq_;
}

HeatmapExtent HeatmapRenderer::render(const std::vector<std::shared_ptr<const TimelineRow>>& rows, float vmax,
                                      const Palette& pal, int w, int h, Framebuffer& fb) {
  glBindTexture(GL_TEXTURE_2D, tex_.get());
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  // Rows that arrived since the last call; a different timeline (undo, reset) is rebuilt.
  const int n = int(std::min<size_t>(rows.size(), kRows));
  int from = -1;
  if (const auto last = last_.lock())
    for (int i = int(rows.size()) - 1; i >= 0 && i >= int(rows.size()) - 256; --i)
      if (rows[i] == last) {
        from = i + 1;
        break;
      }
  if (from < 0 || vmax != vmax_) {
    vmax_ = vmax;
    seq_ = 0;
    from = int(rows.size()) - n;
  }
  for (int i = from; i < int(rows.size()); ++i) upload(*rows[i]);
  last_ = rows.empty() ? std::weak_ptr<const TimelineRow>() : rows.back();

  HeatmapExtent e;
  e.rows = n;
  if (n > 0) {
    e.first_pos = rows[rows.size() - n]->offset;
    e.last_pos = e.first_pos + 1;
    for (size_t i = rows.size() - n; i < rows.size(); ++i) {
      e.first_pos = std::min(e.first_pos, rows[i]->offset);
      e.last_pos = std::max<int64_t>(e.last_pos, rows[i]->offset + int64_t(rows[i]->entropy.size()));
    }
    e.first_pos = std::max(e.first_pos, e.last_pos - kCols);  // older columns were overwritten
  }
  const float cols = float(std::max<int64_t>(1, e.last_pos - e.first_pos));

  fb.resize(w, h);
  fb.bind();
  glDisable(GL_BLEND);
  glUseProgram(prog_.get());
  glActiveTexture(GL_TEXTURE0);
  glBindTexture(GL_TEXTURE_2D, tex_.get());
  auto u1 = [&](const char* name, float x) { glUniform1f(glGetUniformLocation(prog_.get(), name), x); };
  glUniform1i(glGetUniformLocation(prog_.get(), "u_data"), 0);
  u1("u_rows", float(std::max(n, 1)));
  u1("u_start", float((seq_ - n) % kRows));
  u1("u_cap_rows", float(kRows));
  u1("u_first", float(e.first_pos % kCols));
  u1("u_cols", cols);
  u1("u_cap_cols", float(kCols));
  u1("u_gamma", kHeatGamma);
  u1("u_line", std::min(2.0f, float(w) / cols) / (float(w) / cols));
  auto set = [&](const char* name, const Rgba& c) { glUniform4f(glGetUniformLocation(prog_.get(), name), c.r, c.g, c.b, c.a); };
  set("u_paper", pal.paper);
  set("u_ink", pal.ink);
  set("u_accent", pal.accent);
  set("u_outside", pal.grid);
  glBindVertexArray(vao_.get());
  glDrawArrays(GL_TRIANGLES, 0, 6);
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return e;
}

}  // namespace wfc::viz
