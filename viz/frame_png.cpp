// The PNG path of a presentation frame: the plot and the spacetime by their own shaders into
// textures, then text, tokens and the legend through a private ImGui context into one framebuffer.
#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "viz/frame_composer.h"
#include "viz/heatmap_renderer.h"
#include "viz/marks.h"
#include "viz/plot_renderer.h"
#include "viz/training_figure.h"

namespace wfc::viz {

namespace {

// Makes `c` current for a scope and puts the caller's context back on every exit, throws included.
struct UseContext {
  ImGuiContext* prev;
  explicit UseContext(ImGuiContext* c) : prev(ImGui::GetCurrentContext()) { ImGui::SetCurrentContext(c); }
  ~UseContext() { ImGui::SetCurrentContext(prev); }
  UseContext(const UseContext&) = delete;
  UseContext& operator=(const UseContext&) = delete;
};

ImU32 col(const Rgba& c, float a = 1) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, c.a * a)); }

// A status mark from the table, as ImGui draws it; the same geometry as the SDF shader: an outline
// of width s lies inside the radius.
void draw_mark(ImDrawList* dl, const Mark& m, float x, float y, float k, float alpha, const Palette& pal) {
  const float r = m.radius * k, s = m.stroke * k;
  const ImU32 c = col(m.muted ? pal.muted : pal.ink);
  const ImVec2 at(x, y);
  switch (m.shape) {
    case MarkShape::Dot:
    case MarkShape::Disc: dl->AddCircleFilled(at, r, c, 24); break;
    case MarkShape::Ring:
      dl->AddCircleFilled(at, r, col(pal.paper), 24);
      dl->AddCircle(at, r - s / 2, c, 24, s);
      break;
    case MarkShape::FillRing:
      dl->AddCircleFilled(at, r, col(pal.paper), 24);
      dl->PushClipRect(ImVec2(x - r, y + r - 2 * r * alpha), ImVec2(x + r, y + r), true);
      dl->AddCircleFilled(at, r, c, 24);
      dl->PopClipRect();
      dl->AddCircle(at, r - s / 2, c, 24, s);
      break;
    case MarkShape::Square:
      dl->AddRectFilled(ImVec2(x - r, y - r), ImVec2(x + r, y + r), col(pal.paper));
      dl->AddRect(ImVec2(x - r + s / 2, y - r + s / 2), ImVec2(x + r - s / 2, y + r - s / 2), c, 0, 0, s);
      dl->AddCircleFilled(at, kPinnedDot * r, c, 12);
      break;
  }
}

}  // namespace

FrameComposer::FrameComposer() {
  plot_ = std::make_unique<PlotRenderer>();
  heat_ = std::make_unique<HeatmapRenderer>();
}

FrameComposer::~FrameComposer() { destroy_context(); }

// The OpenGL backend's state lives in the current context's IO: shutting it down with the lab's
// context current would tear down the lab's renderer (the crash on a second export at another size).
void FrameComposer::destroy_context() {
  if (!ctx_) return;
  {
    UseContext use(ctx_);
    ImGui_ImplOpenGL3_Shutdown();
  }
  ImGuiContext* prev = ImGui::GetCurrentContext();
  ImGui::DestroyContext(ctx_);
  ImGui::SetCurrentContext(prev == ctx_ ? nullptr : prev);
  ctx_ = nullptr;
}

void FrameComposer::ensure_fonts(float k) {
  if (ctx_ && k == font_k_) return;
  destroy_context();
  ImGuiContext* prev = ImGui::GetCurrentContext();
  ctx_ = ImGui::CreateContext();
  UseContext use(ctx_);
  use.prev = prev;  // CreateContext may have made ctx_ current when none was
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  const std::string path = std::string(WFC_FONT_DIR) + "/JetBrainsMono-Regular.ttf";
  const bool have_font = std::ifstream(path).good();
  auto add = [&](float px) {
    if (have_font) return io.Fonts->AddFontFromFileTTF(path.c_str(), px);
    ImFontConfig cfg;
    cfg.SizePixels = px;
    return io.Fonts->AddFontDefault(&cfg);
  };
  const FrameLayout L = layout_frame(FrameStyle{1280, int(std::lround(720 * k))});
  title_ = add(L.title_px);
  label_ = add(L.label_px);
  small_ = add(L.small_px);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  font_k_ = k;
}

// A new frame of ctx_ (current) at w x h: its background draw list takes everything.
ImDrawList* FrameComposer::start(int w, int h) {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(w), float(h));
  io.DeltaTime = 1.0f / 60.0f;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  return ImGui::GetBackgroundDrawList();
}

// The frame's ImGui draw lists onto paper in the output framebuffer, read back (ctx_ current).
std::vector<uint8_t> FrameComposer::finish(int w, int h, const Rgba& paper) {
  ImGui::Render();
  out_fb_.resize(w, h);
  out_fb_.bind();
  glClearColor(paper.r, paper.g, paper.b, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  auto px = out_fb_.read_rgba();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  return px;
}

std::vector<uint8_t> FrameComposer::render(const LabSnapshot& s, const FrameStyle& st) {
  const FrameLayout L = layout_frame(st);
  ensure_fonts(L.k);
  UseContext use(ctx_);
  const Palette pal = st.light ? light_palette() : dark_palette();

  // The plot and the spacetime, by their own shaders, into textures.
  PlotScene sc = make_plot_scene(s, L.pw, L.ph, st.units, st.focus, 24, pal, L.k);
  plot_->render(sc, plot_fb_);
  HeatmapExtent he;
  if (st.spacetime)
    he = heat_->render(s.timeline, float(s.log_vocab > 0 ? s.log_vocab : 8), pal, int(L.sw), int(L.heat_h), heat_fb_);

  ImDrawList* dl = start(st.w, st.h);
  const ImU32 ink = col(pal.ink), muted = col(pal.muted), accent = col(pal.accent);
  auto text = [&](ImFont* f, float px, float x, float y, ImU32 c, const std::string& t) {
    dl->AddText(f, px, ImVec2(x, y), c, t.c_str());
  };

  // Title.
  text(title_, L.title_px, L.tx, L.ty, ink, st.title);
  text(small_, L.small_px, L.tx, L.ty + L.title_px + 6 * L.k, muted, st.subtitle);

  // Plot and its axes.
  dl->AddImage((ImTextureID)(intptr_t)plot_fb_.tex(), ImVec2(L.px, L.py), ImVec2(L.px + sc.w, L.py + sc.h), ImVec2(0, 1), ImVec2(1, 0));
  for (const auto& t : plot_texts(sc, L.small_px, L.label_px))
    text(t.large ? label_ : small_, t.large ? L.label_px : L.small_px, L.px + t.x, L.py + t.y, t.accent ? accent : muted, t.text);

  // Spacetime, with the lab's event ticks.
  if (st.spacetime) {
    text(small_, L.small_px, L.sx, L.sy - L.small_px - 4 * L.k, muted, "spacetime: iteration (down) x position");
    dl->AddImage((ImTextureID)(intptr_t)heat_fb_.tex(), ImVec2(L.sx, L.sy), ImVec2(L.sx + L.sw, L.sy + L.heat_h), ImVec2(0, 1), ImVec2(1, 0));
    if (he.rows > 0) {
      for (const auto& m : spacetime_marks(s.timeline, he.rows, he.first_pos, he.last_pos, L.sw, L.heat_h, L.k)) {
        const ImVec2 a(L.sx + m.x0, L.sy + m.y0), b(L.sx + m.x1, L.sy + m.y1);
        if (m.triangle()) dl->AddTriangleFilled(a, ImVec2(b.x, a.y), ImVec2((a.x + b.x) / 2, b.y), m.kind == SpaceMark::Edit ? ink : accent);
        else dl->AddLine(a, b, col(pal.ink, 0.9f), (m.kind == SpaceMark::Mint ? 2.0f : 1.0f) * L.k);
      }
      const std::string a = std::to_string(he.first_pos), b = std::to_string(he.last_pos - 1),
                        mid = std::to_string(he.rows) + " iterations";
      const float y = L.sy + L.heat_h + 4 * L.k;
      text(small_, L.small_px, L.sx, y, muted, a);
      text(small_, L.small_px, L.sx + L.sw - mono_text_width(b, L.small_px), y, muted, b);
      text(small_, L.small_px, L.sx + L.sw / 2 - mono_text_width(mid, L.small_px) / 2, y, muted, mid);
    }
  }

  // Token strip.
  if (st.tokens) {
    float bx = -1, by = 0;
    for (const auto& t : place_tokens(s, L, &bx, &by)) {
      const float k2 = token_strength(t);
      text(label_, L.label_px, t.x, t.y, col(t.past ? pal.ink : mix(pal.muted, pal.ink, k2)), t.text);
      if (!t.past) {
        const float tw = mono_text_width(t.text, L.label_px), bar = t.collapsed ? tw : std::max(2 * L.k, tw * bar_share(t.conf));
        dl->AddRectFilled(ImVec2(t.x, t.y + L.label_px * 1.15f), ImVec2(t.x + bar, t.y + L.label_px * 1.15f + 2 * L.k),
                          t.last ? accent : col(mix(pal.muted, pal.ink, k2)));
      }
    }
    if (bx >= 0) dl->AddLine(ImVec2(bx, by - 2 * L.k), ImVec2(bx, by + L.label_px * 1.3f), accent, kBoundaryWidth * L.k);
  }

  // Legend: the marks as drawn in the plot, from the one table.
  for (const auto& it : legend_items(L)) {
    const float x = it.cx, y = it.cy, r = mark_of(RowStatus::Free).radius * L.k;
    switch (it.kind) {
      case LegendItem::Status: draw_mark(dl, mark_of(it.status), x, y, L.k, kLegendPartialAlpha, pal); break;
      case LegendItem::Boundary: dl->AddLine(ImVec2(x, y - r * 1.4f), ImVec2(x, y + r * 1.4f), accent, kBoundaryWidth * L.k); break;
      case LegendItem::LastCollapse:
        draw_mark(dl, mark_of(RowStatus::Collapsed), x, y, L.k, 0, pal);
        dl->AddCircle(ImVec2(x, y), (kAccentRingRadius - kAccentRingStroke / 2) * L.k, accent, 32, kAccentRingStroke * L.k);
        break;
      case LegendItem::Ghost: dl->AddLine(ImVec2(x - r * 1.6f, y), ImVec2(x + r * 1.6f, y), col(pal.muted, kGhostAlpha), kGhostWidth * L.k); break;
    }
    text(small_, L.small_px, it.tx, it.ty, muted, it.label);
  }

  return finish(st.w, st.h, pal.paper);
}

std::vector<uint8_t> FrameComposer::render(const Figure& f) {
  ensure_fonts(float(f.h) / 720.0f);  // layout_frame's scale: the fonts the figure was laid out with
  UseContext use(ctx_);
  ImDrawList* dl = start(f.w, f.h);
  for (const auto& l : f.lines) {
    std::vector<ImVec2> pts;
    for (size_t i = 0; i + 1 < l.xy.size(); i += 2) pts.emplace_back(l.xy[i], l.xy[i + 1]);
    dl->AddPolyline(pts.data(), int(pts.size()), col(l.col), 0, l.width);
  }
  for (const auto& d : f.dots) dl->AddCircleFilled(ImVec2(d.x, d.y), d.r, col(d.col), 16);
  for (const auto& t : f.texts) {
    ImFont* font = t.px >= f.title_px ? title_ : t.px >= f.label_px ? label_ : small_;
    dl->AddText(font, t.px, ImVec2(t.x, t.y), col(t.col), t.text.c_str());
  }
  return finish(f.w, f.h, f.paper);
}

static void append_bytes(void* ctx, void* data, int size) {
  auto* v = static_cast<std::vector<unsigned char>*>(ctx);
  v->insert(v->end(), static_cast<unsigned char*>(data), static_cast<unsigned char*>(data) + size);
}

bool write_png(const std::string& path, const std::vector<uint8_t>& rgba, int w, int h, std::string* err) {
  std::vector<unsigned char> png;
  if (!stbi_write_png_to_func(append_bytes, &png, w, h, 4, rgba.data(), w * 4)) {
    if (err) *err = path + ": PNG encoding failed";
    return false;
  }
  const std::string e = write_atomic(path, png.data(), png.size());
  if (!e.empty() && err) *err = e;
  return e.empty();
}

}  // namespace wfc::viz
