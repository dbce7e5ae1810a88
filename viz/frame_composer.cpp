#include "viz/frame_composer.h"

#include <imgui.h>
#include <imgui_impl_opengl3.h>
#include <stb/stb_image_write.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "viz/heatmap_renderer.h"
#include "viz/plot_renderer.h"

namespace wfc::viz {

static float text_w(const std::string& t, float px) { return mono_text_width(t, px); }

FrameLayout layout_frame(const FrameStyle& st) {
  FrameLayout L;
  const float w = float(st.w), h = float(st.h), k = h / 720.0f;
  L.k = k;
  L.title_px = std::round(26 * k);
  L.label_px = std::round(14 * k);
  L.small_px = std::round(12.5f * k);
  const float m = 36 * k;
  L.tx = m;
  L.ty = m;
  const float top = m + L.title_px + L.small_px + 26 * k;
  L.lx = m;
  L.ly = h - m - L.small_px;
  const float bottom = L.ly - 14 * k;
  L.kh = st.tokens ? std::round(3.2f * L.label_px * 1.5f) : 0;
  L.kx = m;
  L.kw = w - 2 * m;
  L.ky = bottom - L.kh;
  L.px = m;
  L.py = top;
  L.pw = st.spacetime ? std::floor((w - 2 * m) * 0.66f) : w - 2 * m;
  L.ph = std::floor((st.tokens ? L.ky - 16 * k : bottom) - top);
  if (st.spacetime) {
    L.sx = L.px + L.pw + 28 * k;
    L.sy = top;
    L.sw = std::floor(w - m - L.sx);
    L.sh = L.ph;
  }
  return L;
}

// ---- tokens: one layout for both outputs -----------------------------------------------------

struct PlacedToken {
  float x, y;            // top-left
  std::string text;
  int row;
  bool past;
  float conf;            // probability of the best guess (future rows)
  bool collapsed, last;  // fully collapsed; the last collapse
};

static std::vector<PlacedToken> place_tokens(const LabSnapshot& s, const FrameLayout& L, float* boundary_x,
                                             float* boundary_y) {
  std::vector<PlacedToken> out;
  const auto& c = s.cur;
  const float lh = L.label_px * 1.5f;
  const int lines = std::max(1, int(L.kh / lh));
  // Lay out from the end: the future and as much past as fits in the strip's lines.
  std::vector<std::string> texts(c.length);
  for (int i = 0; i < c.length; ++i) texts[i] = guess_text(s, i);
  int first = c.length;
  {
    float x = 0;
    int line = 0;
    for (int i = c.length - 1; i >= 0; --i) {
      const float tw = text_w(texts[i], L.label_px) + (i == c.n_past ? L.label_px : 0);
      if (x + tw > L.kw) {
        if (++line >= lines) break;
        x = 0;
      }
      x += tw;
      first = i;
    }
  }
  float x = 0, y = 0;
  *boundary_x = -1;
  for (int i = first; i < c.length; ++i) {
    const float gap = i == c.n_past ? L.label_px : 0;
    const float tw = text_w(texts[i], L.label_px);
    if (x + gap + tw > L.kw && x > 0) {
      x = 0;
      y += lh;
    }
    if (i == c.n_past) {
      *boundary_x = L.kx + x + gap * 0.5f;
      *boundary_y = L.ky + y;
    }
    x += gap;
    PlacedToken p{L.kx + x, L.ky + y, texts[i], i, i < c.n_past, c.k > 0 ? c.topk_probs[size_t(i) * c.k] : 1.0f,
                  RowStatus(c.status[i]) == RowStatus::Collapsed, s.last_collapse == s.offset + i};
    out.push_back(p);
    x += tw;
  }
  return out;
}

static Rgba mix(const Rgba& a, const Rgba& b, float t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, 1};
}

// ---- PNG ---------------------------------------------------------------------------------------

FrameComposer::FrameComposer() {
  plot_ = std::make_unique<PlotRenderer>();
  heat_ = std::make_unique<HeatmapRenderer>();
}

FrameComposer::~FrameComposer() {
  if (ctx_) {
    ImGuiContext* prev = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(ctx_);
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext(ctx_);
    ImGui::SetCurrentContext(prev == ctx_ ? nullptr : prev);
  }
}

void FrameComposer::ensure_fonts(float k) {
  if (ctx_ && k == font_k_) return;
  if (ctx_) {
    ImGui_ImplOpenGL3_Shutdown();
    ImGui::DestroyContext(ctx_);
  }
  ctx_ = ImGui::CreateContext();
  ImGui::SetCurrentContext(ctx_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  const std::string path = std::string(WFC_FONT_DIR) + "/JetBrainsMono-Regular.ttf";
  auto add = [&](float px) {
    if (std::ifstream(path).good()) return io.Fonts->AddFontFromFileTTF(path.c_str(), px);
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

std::vector<uint8_t> FrameComposer::render(const LabSnapshot& s, const FrameStyle& st) {
  ImGuiContext* prev = ImGui::GetCurrentContext();
  const FrameLayout L = layout_frame(st);
  ensure_fonts(L.k);
  ImGui::SetCurrentContext(ctx_);
  const Palette pal = st.light ? light_palette() : dark_palette();
  auto col = [](const Rgba& c, float a = 1) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, c.a * a)); };

  // The plot and the spacetime, by their own shaders, into textures.
  PlotScene sc = make_plot_scene(s, L.pw, L.ph, st.units, st.focus, 24, pal, L.k);
  plot_->render(sc, plot_fb_);
  HeatmapExtent he;
  const float heat_h = L.sh - L.small_px - 8 * L.k;
  if (st.spacetime) he = heat_->render(s.timeline, float(s.log_vocab > 0 ? s.log_vocab : 8), pal, int(L.sw), int(heat_h), heat_fb_);

  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(float(st.w), float(st.h));
  io.DeltaTime = 1.0f / 60.0f;
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  ImDrawList* dl = ImGui::GetBackgroundDrawList();
  const ImU32 ink = col(pal.ink), muted = col(pal.muted), accent = col(pal.accent);
  auto text = [&](ImFont* f, float px, float x, float y, ImU32 c, const std::string& t) {
    dl->AddText(f, px, ImVec2(x, y), c, t.c_str());
  };

  // Title.
  text(title_, L.title_px, L.tx, L.ty, ink, st.title);
  text(small_, L.small_px, L.tx, L.ty + L.title_px + 6 * L.k, muted, st.subtitle);

  // Plot and its axes.
  dl->AddImage((ImTextureID)(intptr_t)plot_fb_.tex, ImVec2(L.px, L.py), ImVec2(L.px + sc.w, L.py + sc.h), ImVec2(0, 1), ImVec2(1, 0));
  for (const auto& t : plot_texts(sc, L.small_px, L.label_px))
    text(t.large ? label_ : small_, t.large ? L.label_px : L.small_px, L.px + t.x, L.py + t.y, t.accent ? accent : muted, t.text);

  // Spacetime.
  if (st.spacetime) {
    text(small_, L.small_px, L.sx, L.sy - L.small_px - 4 * L.k, muted, "spacetime: iteration (down) x position");
    dl->AddImage((ImTextureID)(intptr_t)heat_fb_.tex, ImVec2(L.sx, L.sy), ImVec2(L.sx + L.sw, L.sy + heat_h), ImVec2(0, 1), ImVec2(1, 0));
    if (he.rows > 0) {
      const std::string a = std::to_string(he.first_pos), b = std::to_string(he.last_pos - 1),
                        mid = std::to_string(he.rows) + " iterations";
      const float y = L.sy + heat_h + 4 * L.k;
      text(small_, L.small_px, L.sx, y, muted, a);
      text(small_, L.small_px, L.sx + L.sw - text_w(b, L.small_px), y, muted, b);
      text(small_, L.small_px, L.sx + L.sw / 2 - text_w(mid, L.small_px) / 2, y, muted, mid);
    }
  }

  // Token strip.
  if (st.tokens) {
    float bx = -1, by = 0;
    for (const auto& t : place_tokens(s, L, &bx, &by)) {
      const float k2 = t.past || t.collapsed ? 1.0f : std::sqrt(std::min(t.conf, 1.0f));
      text(label_, L.label_px, t.x, t.y, col(t.past ? pal.ink : mix(pal.muted, pal.ink, k2)), t.text);
      if (!t.past) {
        const float tw = text_w(t.text, L.label_px), bar = t.collapsed ? tw : std::max(2 * L.k, tw * t.conf);
        dl->AddRectFilled(ImVec2(t.x, t.y + L.label_px * 1.15f), ImVec2(t.x + bar, t.y + L.label_px * 1.15f + 2 * L.k),
                          t.last ? accent : col(mix(pal.muted, pal.ink, k2)));
      }
    }
    if (bx >= 0) dl->AddLine(ImVec2(bx, by - 2 * L.k), ImVec2(bx, by + L.label_px * 1.3f), accent, 2 * L.k);
  }

  // Legend: the marks as drawn in the plot.
  {
    float x = L.lx;
    const float y = L.ly + L.small_px / 2, r = 4.5f * L.k;
    auto item = [&](const std::string& t) {
      text(small_, L.small_px, x + 3.2f * r, L.ly, muted, t);
      x += 3.2f * r + text_w(t, L.small_px) + 18 * L.k;
    };
    dl->AddCircle(ImVec2(x + r, y), r, ink, 0, 1.6f * L.k);
    item("free");
    dl->AddCircleFilled(ImVec2(x + r, y), r, ink);
    item("collapsed");
    dl->AddCircle(ImVec2(x + r, y), r, ink, 0, 1.6f * L.k);
    dl->PathArcTo(ImVec2(x + r, y), r, 0.0f, 3.14159f);
    dl->PathFillConvex(ink);
    item("partial");
    dl->AddRect(ImVec2(x, y - r), ImVec2(x + 2 * r, y + r), ink, 0, 0, 1.6f * L.k);
    item("pinned");
    dl->AddCircleFilled(ImVec2(x + r, y), 2.2f * L.k, muted);
    item("past");
    dl->AddLine(ImVec2(x + r, y - r * 1.4f), ImVec2(x + r, y + r * 1.4f), accent, 2 * L.k);
    item("past | future");
    dl->AddCircle(ImVec2(x + r, y), r * 1.5f, accent, 0, 2 * L.k);
    item("last collapse");
    dl->AddLine(ImVec2(x, y), ImVec2(x + 2 * r, y), col(pal.muted, 0.45f), 1.6f * L.k);
    item("before it");
  }

  ImGui::Render();
  out_fb_.resize(st.w, st.h);
  out_fb_.bind();
  glClearColor(pal.paper.r, pal.paper.g, pal.paper.b, 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  auto px = out_fb_.read_rgba();
  glBindFramebuffer(GL_FRAMEBUFFER, 0);
  ImGui::SetCurrentContext(prev);
  return px;
}

// ---- SVG ---------------------------------------------------------------------------------------

static std::string esc(const std::string& t) {
  std::string o;
  for (char c : t) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

static std::string hex(const Rgba& c) {
  char b[8];
  std::snprintf(b, sizeof b, "#%02x%02x%02x", int(std::lround(c.r * 255)), int(std::lround(c.g * 255)), int(std::lround(c.b * 255)));
  return b;
}

static std::string f2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string frame_svg(const LabSnapshot& s, const FrameStyle& st) {
  const FrameLayout L = layout_frame(st);
  const Palette pal = st.light ? light_palette() : dark_palette();
  const PlotScene sc = make_plot_scene(s, L.pw, L.ph, st.units, st.focus, 24, pal, L.k);
  const std::string ink = hex(pal.ink), muted = hex(pal.muted), accent = hex(pal.accent), grid = hex(pal.grid),
                    paper = hex(pal.paper);
  std::ostringstream o;
  auto text = [&](float px, float x, float y_top, const std::string& fill, const std::string& t, const char* extra = "") {
    // SVG places text by its baseline (the ascent below the top the PNG uses) and sizes it in em.
    o << "<text x=\"" << f2(x) << "\" y=\"" << f2(y_top + kAscentPerPx * px) << "\" font-size=\"" << f2(px * kEmPerPx) << "\" fill=\"" << fill
      << "\"" << extra << ">" << esc(t) << "</text>\n";
  };
  auto line = [&](float x0, float y0, float x1, float y1, const std::string& c, float w, const char* extra = "") {
    o << "<line x1=\"" << f2(x0) << "\" y1=\"" << f2(y0) << "\" x2=\"" << f2(x1) << "\" y2=\"" << f2(y1) << "\" stroke=\"" << c
      << "\" stroke-width=\"" << f2(w) << "\"" << extra << "/>\n";
  };
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << st.w << "\" height=\"" << st.h << "\" viewBox=\"0 0 " << st.w
    << " " << st.h << "\" font-family=\"JetBrains Mono, monospace\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"" << paper << "\"/>\n";
  text(L.title_px, L.tx, L.ty, ink, st.title);
  text(L.small_px, L.tx, L.ty + L.title_px + 6 * L.k, muted, st.subtitle);

  // The plot: a group translated to the plot's corner; data-* attributes give the mapping, so a
  // reader can turn coordinates back into entropies.
  o << "<g id=\"plot\" transform=\"translate(" << f2(L.px) << "," << f2(L.py) << ")\" data-top=\"" << f2(sc.top)
    << "\" data-plot-h=\"" << f2(sc.plot_h()) << "\" data-ymax=\"" << sc.y_max << "\" data-row0=\"" << sc.row0 << "\">\n";
  for (float g : sc.grid) line(sc.left, sc.y_of(g), sc.w - sc.right, sc.y_of(g), grid, 1.0f * L.k);
  line(sc.left, sc.h - sc.bottom, sc.w - sc.right, sc.h - sc.bottom, muted, 1.2f * L.k);
  line(sc.left, sc.top, sc.left, sc.h - sc.bottom, muted, 1.2f * L.k);
  for (const auto& t : plot_texts(sc, L.small_px, L.label_px))
    text(t.large ? L.label_px : L.small_px, t.x, t.y, t.accent ? accent : muted, t.text);
  // Ghost.
  {
    std::string pts;
    for (int i = 0; i < sc.rows(); ++i)
      if (i < int(sc.ghost.size()) && std::isfinite(sc.ghost[i])) pts += f2(sc.x_of(float(i))) + "," + f2(sc.y_of(sc.ghost[i])) + " ";
    if (!pts.empty())
      o << "<polyline id=\"ghost\" points=\"" << pts << "\" fill=\"none\" stroke=\"" << muted << "\" stroke-opacity=\"0.45\" stroke-width=\""
        << f2(1.6f * L.k) << "\"/>\n";
  }
  // The curve: every row, past muted and future ink, as one polyline with the values.
  if (sc.rows() > 0) {
    std::string pts;
    for (int i = 0; i < sc.rows(); ++i) pts += f2(sc.x_of(float(i))) + "," + f2(sc.y_of(sc.entropy[i])) + " ";
    o << "<polyline id=\"entropy\" points=\"" << pts << "\" fill=\"none\" stroke=\"" << ink << "\" stroke-width=\""
      << f2(2.6f * L.k) << "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n";
  }
  if (sc.n_past > 0 && sc.n_past < sc.rows()) {
    line(sc.boundary_x(), sc.top - 6 * L.k, sc.boundary_x(), sc.h - sc.bottom, accent, 2 * L.k, " id=\"boundary\"");
  }
  for (int i = 0; i < sc.rows(); ++i) {
    const float x = sc.x_of(float(i)), y = sc.y_of(sc.entropy[i]), k = L.k;
    const std::string xy = "cx=\"" + f2(x) + "\" cy=\"" + f2(y) + "\"";
    switch (RowStatus(sc.status[i])) {
      case RowStatus::Past: o << "<circle " << xy << " r=\"" << f2(2.2f * k) << "\" fill=\"" << muted << "\"/>\n"; break;
      case RowStatus::Free:
        o << "<circle " << xy << " r=\"" << f2(3.8f * k) << "\" fill=\"" << paper << "\" stroke=\"" << ink << "\" stroke-width=\"" << f2(1.6f * k) << "\"/>\n";
        break;
      case RowStatus::Collapsed: o << "<circle " << xy << " r=\"" << f2(4.8f * k) << "\" fill=\"" << ink << "\"/>\n"; break;
      case RowStatus::Partial: {
        const float r = 5.2f * k, a = i < int(sc.alpha.size()) ? sc.alpha[i] : 0.5f;
        o << "<circle " << xy << " r=\"" << f2(r - 0.8f * k) << "\" fill=\"" << paper << "\" stroke=\"" << ink << "\" stroke-width=\"" << f2(1.6f * k) << "\"/>\n";
        o << "<clipPath id=\"fill" << i << "\"><rect x=\"" << f2(x - r) << "\" y=\"" << f2(y + r - 2 * r * a) << "\" width=\""
          << f2(2 * r) << "\" height=\"" << f2(2 * r * a) << "\"/></clipPath><circle " << xy << " r=\"" << f2(r) << "\" fill=\"" << ink
          << "\" clip-path=\"url(#fill" << i << ")\"/>\n";
        break;
      }
      case RowStatus::Pinned:
        o << "<rect x=\"" << f2(x - 3.8f * k) << "\" y=\"" << f2(y - 3.8f * k) << "\" width=\"" << f2(7.6f * k) << "\" height=\""
          << f2(7.6f * k) << "\" fill=\"" << paper << "\" stroke=\"" << ink << "\" stroke-width=\"" << f2(1.6f * k) << "\"/>\n";
        break;
    }
  }
  if (sc.accent >= 0) {
    const float x = sc.x_of(float(sc.accent)), y = sc.y_of(sc.entropy[sc.accent]);
    o << "<circle id=\"last-collapse\" cx=\"" << f2(x) << "\" cy=\"" << f2(y) << "\" r=\"" << f2(9 * L.k) << "\" fill=\"none\" stroke=\""
      << accent << "\" stroke-width=\"" << f2(2 * L.k) << "\"/>\n";
  }
  o << "</g>\n";

  // Spacetime: one rect per run of equal shade in a row (16 shades), the boundary as accent ticks.
  if (st.spacetime && !s.timeline.empty()) {
    const auto& tl = s.timeline;
    const int n = int(std::min<size_t>(tl.size(), 600));  // the last 600 iterations keep the file small
    int64_t first = INT64_MAX, last = 0;
    for (size_t i = tl.size() - n; i < tl.size(); ++i) {
      first = std::min(first, tl[i]->offset);
      last = std::max<int64_t>(last, tl[i]->offset + int64_t(tl[i]->entropy.size()));
    }
    const float heat_h = L.sh - L.small_px - 8 * L.k, cw = L.sw / float(std::max<int64_t>(1, last - first)), rh = heat_h / float(n);
    text(L.small_px, L.sx, L.sy - L.small_px - 4 * L.k, muted, "spacetime: iteration (down) x position");
    o << "<g id=\"spacetime\" shape-rendering=\"crispEdges\">\n";
    const float vmax = float(s.log_vocab > 0 ? s.log_vocab : 8);
    for (int r = 0; r < n; ++r) {
      const auto& row = *tl[tl.size() - n + r];
      int run_start = 0, run_level = -1;
      auto flush = [&](int end) {
        if (run_level < 0) return;
        const Rgba c = mix(pal.grid, pal.ink, std::pow(float(run_level) / 15.0f, 0.75f));
        o << "<rect x=\"" << f2(L.sx + (row.offset + run_start - first) * cw) << "\" y=\"" << f2(L.sy + r * rh) << "\" width=\""
          << f2((end - run_start) * cw) << "\" height=\"" << f2(rh + 0.01f) << "\" fill=\"" << hex(c) << "\"/>\n";
      };
      for (int i = 0; i <= int(row.entropy.size()); ++i) {
        const int lvl = i < int(row.entropy.size()) ? int(std::lround(15 * std::clamp(row.entropy[i] / vmax, 0.0f, 1.0f))) : -2;
        if (lvl != run_level) {
          flush(i);
          run_start = i;
          run_level = lvl;
        }
      }
      if (row.n_past < int(row.entropy.size()))
        o << "<rect x=\"" << f2(L.sx + (row.offset + row.n_past - first) * cw) << "\" y=\"" << f2(L.sy + r * rh) << "\" width=\""
          << f2(std::min(2 * L.k, cw)) << "\" height=\"" << f2(rh + 0.01f) << "\" fill=\"" << accent << "\"/>\n";
    }
    o << "</g>\n";
  }

  // Token strip.
  if (st.tokens) {
    float bx = -1, by = 0;
    o << "<g id=\"tokens\" xml:space=\"preserve\">\n";
    for (const auto& t : place_tokens(s, L, &bx, &by)) {
      const float k2 = t.past || t.collapsed ? 1.0f : std::sqrt(std::min(t.conf, 1.0f));
      text(L.label_px, t.x, t.y, hex(t.past ? pal.ink : mix(pal.muted, pal.ink, k2)), t.text);
      if (!t.past) {
        const float tw = text_w(t.text, L.label_px), bar = t.collapsed ? tw : std::max(2 * L.k, tw * t.conf);
        o << "<rect x=\"" << f2(t.x) << "\" y=\"" << f2(t.y + L.label_px * 1.15f) << "\" width=\"" << f2(bar) << "\" height=\""
          << f2(2 * L.k) << "\" fill=\"" << (t.last ? accent : hex(mix(pal.muted, pal.ink, k2))) << "\"/>\n";
      }
    }
    if (bx >= 0) line(bx, by - 2 * L.k, bx, by + L.label_px * 1.3f, accent, 2 * L.k);
    o << "</g>\n";
  }

  // Legend.
  {
    float x = L.lx;
    const float y = L.ly + L.small_px / 2, r = 4.5f * L.k;
    auto item = [&](const std::string& t) {
      text(L.small_px, x + 3.2f * r, L.ly, muted, t);
      x += 3.2f * r + text_w(t, L.small_px) + 18 * L.k;
    };
    auto circ = [&](float rr, const std::string& fill, const std::string& stroke) {
      o << "<circle cx=\"" << f2(x + r) << "\" cy=\"" << f2(y) << "\" r=\"" << f2(rr) << "\" fill=\"" << fill << "\" stroke=\"" << stroke
        << "\" stroke-width=\"" << f2(1.6f * L.k) << "\"/>\n";
    };
    circ(r, "none", ink);
    item("free");
    circ(r, ink, "none");
    item("collapsed");
    circ(r, "none", ink);
    o << "<path d=\"M " << f2(x) << " " << f2(y) << " A " << f2(r) << " " << f2(r) << " 0 0 0 " << f2(x + 2 * r) << " " << f2(y)
      << " Z\" fill=\"" << ink << "\"/>\n";
    item("partial");
    o << "<rect x=\"" << f2(x) << "\" y=\"" << f2(y - r) << "\" width=\"" << f2(2 * r) << "\" height=\"" << f2(2 * r)
      << "\" fill=\"none\" stroke=\"" << ink << "\" stroke-width=\"" << f2(1.6f * L.k) << "\"/>\n";
    item("pinned");
    circ(2.2f * L.k, muted, "none");
    item("past");
    line(x + r, y - r * 1.4f, x + r, y + r * 1.4f, accent, 2 * L.k);
    item("past | future");
    circ(r * 1.5f, "none", accent);
    item("last collapse");
    line(x, y, x + 2 * r, y, muted, 1.6f * L.k, " stroke-opacity=\"0.45\"");
    item("before it");
  }
  o << "</svg>\n";
  return o.str();
}

// ---- files -------------------------------------------------------------------------------------

static void append_bytes(void* ctx, void* data, int size) {
  auto* v = static_cast<std::vector<unsigned char>*>(ctx);
  v->insert(v->end(), static_cast<unsigned char*>(data), static_cast<unsigned char*>(data) + size);
}

static bool write_atomic(const std::string& path, const void* data, size_t n, std::string* err) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f.write(static_cast<const char*>(data), std::streamsize(n));
    f.flush();
    if (!f) {
      if (err) *err = path + ": cannot write";
      return false;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    if (err) *err = path + ": " + ec.message();
    return false;
  }
  return true;
}

bool write_png(const std::string& path, const std::vector<uint8_t>& rgba, int w, int h, std::string* err) {
  std::vector<unsigned char> png;
  if (!stbi_write_png_to_func(append_bytes, &png, w, h, 4, rgba.data(), w * 4)) {
    if (err) *err = path + ": PNG encoding failed";
    return false;
  }
  return write_atomic(path, png.data(), png.size(), err);
}

bool write_text_file(const std::string& path, const std::string& text, std::string* err) {
  return write_atomic(path, text.data(), text.size(), err);
}

}  // namespace wfc::viz
