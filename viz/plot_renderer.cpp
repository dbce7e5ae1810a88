#include "viz/plot_renderer.h"

#include <cmath>

#include "model/trace.h"
#include "viz/marks.h"
#include "shaders_embedded.h"

namespace wfc::viz {

PlotRenderer::PlotRenderer()
    : prog_(make_program(k_sdf_vert, k_sdf_frag, "sdf")), vao_(gen_vertex_array()), vbo_(gen_buffer()) {
  u_size_ = glGetUniformLocation(prog_.get(), "u_size");
  glBindVertexArray(vao_.get());
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.get());
  const GLsizei stride = 12 * sizeof(float);
  glEnableVertexAttribArray(0);
  glVertexAttribPointer(0, 2, GL_FLOAT, GL_FALSE, stride, (void*)0);
  glEnableVertexAttribArray(1);
  glVertexAttribPointer(1, 2, GL_FLOAT, GL_FALSE, stride, (void*)(2 * sizeof(float)));
  glEnableVertexAttribArray(2);
  glVertexAttribPointer(2, 4, GL_FLOAT, GL_FALSE, stride, (void*)(4 * sizeof(float)));
  glEnableVertexAttribArray(3);
  glVertexAttribPointer(3, 4, GL_FLOAT, GL_FALSE, stride, (void*)(8 * sizeof(float)));
  glBindVertexArray(0);
}

// One quad (two triangles) per shape; `local` spans the quad in the shape's own pixel frame.
void PlotRenderer::line(float x0, float y0, float x1, float y1, float width, const Rgba& c) {
  const float dx = x1 - x0, dy = y1 - y0, len = std::sqrt(dx * dx + dy * dy);
  if (len < 1e-4f) return;
  const float ux = dx / len, uy = dy / len, nx = -uy, ny = ux;
  const float hw = 0.5f * width, hl = 0.5f * len, pad = hw + 1.5f;
  const float cx = 0.5f * (x0 + x1), cy = 0.5f * (y0 + y1);
  const float corners[4][2] = {{-hl - pad, -pad}, {hl + pad, -pad}, {hl + pad, pad}, {-hl - pad, pad}};
  const int order[6] = {0, 1, 2, 0, 2, 3};
  for (int k : order) {
    const float a = corners[k][0], b = corners[k][1];
    verts_.insert(verts_.end(), {cx + a * ux + b * nx, cy + a * uy + b * ny, a, b, c.r, c.g, c.b, c.a, hl, hw, 0, 0});
  }
}

void PlotRenderer::shape(float x, float y, float half, int kind, const Rgba& c, float p1, float p2) {
  const float pad = half + 1.5f;
  const float corners[4][2] = {{-pad, -pad}, {pad, -pad}, {pad, pad}, {-pad, pad}};
  const int order[6] = {0, 1, 2, 0, 2, 3};
  for (int k : order) {
    const float a = corners[k][0], b = corners[k][1];
    verts_.insert(verts_.end(), {x + a, y + b, a, b, c.r, c.g, c.b, c.a, half, p1, p2, float(kind)});
  }
}

void PlotRenderer::render(const PlotScene& s, Framebuffer& fb) {
  fb.resize(int(s.w), int(s.h));
  verts_.clear();
  const float k = s.scale;
  const Palette& p = s.pal;
  const int L = s.rows();
  auto with_alpha = [](Rgba c, float a) { c.a = a; return c; };

  // Grid and axes.
  for (float g : s.grid) line(s.left, s.y_of(g), s.w - s.right, s.y_of(g), 1.0f * k, p.grid);
  line(s.left, s.h - s.bottom, s.w - s.right, s.h - s.bottom, 1.2f * k, p.muted);
  line(s.left, s.top, s.left, s.h - s.bottom, 1.2f * k, p.muted);
  if (L > 0) {

  // Hover band and the past region's tint.
  if (s.hover >= 0 && s.hover < L) {
    const float cw = s.plot_w() / float(L);
    line(s.x_of(float(s.hover)), s.top, s.x_of(float(s.hover)), s.h - s.bottom, cw, with_alpha(p.grid, 0.6f));
  }

  // The ghost: the curve before the last collapse, faint and thin, no markers.
  for (int i = 0; i + 1 < int(s.ghost.size()) && i + 1 < L; ++i)
    if (std::isfinite(s.ghost[i]) && std::isfinite(s.ghost[i + 1]))
      line(s.x_of(float(i)), s.y_of(s.ghost[i]), s.x_of(float(i + 1)), s.y_of(s.ghost[i + 1]), kGhostWidth * k,
           with_alpha(p.muted, kGhostAlpha));

  // The curve: muted over the past (known, flat), ink through the future.
  for (int i = 0; i + 1 < L; ++i) {
    const bool past = i + 1 < s.n_past;
    line(s.x_of(float(i)), s.y_of(s.entropy[i]), s.x_of(float(i + 1)), s.y_of(s.entropy[i + 1]),
         (past ? kCurvePastWidth : kCurveFutureWidth) * k, past ? p.muted : p.ink);
  }

  // The boundary between past and future: the accent, full height.
  if (s.n_past > 0 && s.n_past < L) line(s.boundary_x(), s.top - 6 * k, s.boundary_x(), s.h - s.bottom, kBoundaryWidth * k, p.accent);

  // Markers by status, from the one table (viz/marks.h). Outlined marks sit on a paper disc so the
  // curve does not show through them.
  for (int i = 0; i < L; ++i) {
    const float x = s.x_of(float(i)), y = s.y_of(s.entropy[i]);
    const Mark& m = mark_of(RowStatus(s.status[i]));
    const float r = m.radius * k * (i == s.hover ? 1.5f : 1.0f), stroke = m.stroke * k;
    const Rgba& c = m.muted ? p.muted : p.ink;
    switch (m.shape) {
      case MarkShape::Dot:
      case MarkShape::Disc: shape(x, y, r, 1, c); break;
      case MarkShape::Ring:
        shape(x, y, r, 1, p.paper);
        shape(x, y, r, 2, c, stroke);
        break;
      case MarkShape::FillRing:
        shape(x, y, r, 1, p.paper);
        shape(x, y, r, 3, c, stroke, i < int(s.alpha.size()) ? s.alpha[i] : 0.5f);
        break;
      case MarkShape::Square:
        shape(x, y, r, 1, p.paper);
        shape(x, y, r, 4, c, stroke, kPinnedDot);
        break;
    }
  }
  // The last collapse: the one accent mark in the curve.
  if (s.accent >= 0 && s.accent < L) {
    const float x = s.x_of(float(s.accent)), y = s.y_of(s.entropy[s.accent]);
    shape(x, y, kAccentRingRadius * k, 2, p.accent, kAccentRingStroke * k);  // a ring: the row's own marker stays visible
  }
  }

  fb.bind();
  glDisable(GL_DEPTH_TEST);
  glDisable(GL_SCISSOR_TEST);
  glClearColor(p.paper.r, p.paper.g, p.paper.b, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  glEnable(GL_BLEND);
  glBlendFuncSeparate(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA, GL_ONE, GL_ONE_MINUS_SRC_ALPHA);
  glUseProgram(prog_.get());
  glUniform2f(u_size_, s.w, s.h);
  glBindVertexArray(vao_.get());
  glBindBuffer(GL_ARRAY_BUFFER, vbo_.get());
  glBufferData(GL_ARRAY_BUFFER, GLsizeiptr(verts_.size() * sizeof(float)), verts_.data(), GL_STREAM_DRAW);
  glDrawArrays(GL_TRIANGLES, 0, GLsizei(verts_.size() / 12));
  glBindVertexArray(0);
  glUseProgram(0);
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
}

}  // namespace wfc::viz
