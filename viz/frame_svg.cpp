// The SVG path of a presentation frame: the same layout as the PNG (viz/frame_layout.h) and the same
// marks (viz/marks.h), written as vectors: curves as polylines, marks as circles and rects, text as
// text, and data-* attributes that map coordinates back to entropies.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "viz/frame_composer.h"
#include "viz/marks.h"
#include "viz/svg_text.h"

namespace wfc::viz {

static std::string f2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

std::string frame_svg(const LabSnapshot& s, const FrameStyle& st) {
  const FrameLayout L = layout_frame(st);
  const Palette pal = st.light ? light_palette() : dark_palette();
  const PlotScene sc = make_plot_scene(s, L.pw, L.ph, st.units, st.focus, 24, pal, L.k);
  const std::string ink = svg_colour(pal.ink), muted = svg_colour(pal.muted), accent = svg_colour(pal.accent), grid = svg_colour(pal.grid),
                    paper = svg_colour(pal.paper);
  std::ostringstream o;
  auto text = [&](float px, float x, float y_top, const std::string& fill, const std::string& t, const char* extra = "") {
    // SVG places text by its baseline (the ascent below the top the PNG uses) and sizes it in em.
    o << "<text x=\"" << f2(x) << "\" y=\"" << f2(y_top + kAscentPerPx * px) << "\" font-size=\"" << f2(px * kEmPerPx) << "\" fill=\"" << fill
      << "\"" << extra << ">" << svg_escape(t) << "</text>\n";
  };
  auto line = [&](float x0, float y0, float x1, float y1, const std::string& c, float w, const char* extra = "") {
    o << "<line x1=\"" << f2(x0) << "\" y1=\"" << f2(y0) << "\" x2=\"" << f2(x1) << "\" y2=\"" << f2(y1) << "\" stroke=\"" << c
      << "\" stroke-width=\"" << f2(w) << "\"" << extra << "/>\n";
  };
  // A status mark from the table; the same geometry as the SDF shader (an outline lies inside the radius).
  auto mark = [&](const Mark& m, float x, float y, float alpha, const std::string& id) {
    const float r = m.radius * L.k, s = m.stroke * L.k;
    const std::string c = m.muted ? muted : ink, xy = "cx=\"" + f2(x) + "\" cy=\"" + f2(y) + "\"";
    auto ring = [&] {
      o << "<circle " << xy << " r=\"" << f2(r - s / 2) << "\" fill=\"none\" stroke=\"" << c << "\" stroke-width=\"" << f2(s) << "\"/>\n";
    };
    switch (m.shape) {
      case MarkShape::Dot:
      case MarkShape::Disc: o << "<circle " << xy << " r=\"" << f2(r) << "\" fill=\"" << c << "\"/>\n"; break;
      case MarkShape::Ring:
        o << "<circle " << xy << " r=\"" << f2(r) << "\" fill=\"" << paper << "\"/>\n";
        ring();
        break;
      case MarkShape::FillRing:
        o << "<circle " << xy << " r=\"" << f2(r) << "\" fill=\"" << paper << "\"/>\n";
        o << "<clipPath id=\"fill-" << id << "\"><rect x=\"" << f2(x - r) << "\" y=\"" << f2(y + r - 2 * r * alpha) << "\" width=\""
          << f2(2 * r) << "\" height=\"" << f2(2 * r * alpha) << "\"/></clipPath><circle " << xy << " r=\"" << f2(r) << "\" fill=\"" << c
          << "\" clip-path=\"url(#fill-" << id << ")\"/>\n";
        ring();
        break;
      case MarkShape::Square:
        o << "<rect x=\"" << f2(x - r + s / 2) << "\" y=\"" << f2(y - r + s / 2) << "\" width=\"" << f2(2 * r - s) << "\" height=\""
          << f2(2 * r - s) << "\" fill=\"" << paper << "\" stroke=\"" << c << "\" stroke-width=\"" << f2(s) << "\"/>\n";
        o << "<circle " << xy << " r=\"" << f2(kPinnedDot * r) << "\" fill=\"" << c << "\"/>\n";
        break;
    }
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
      o << "<polyline id=\"ghost\" points=\"" << pts << "\" fill=\"none\" stroke=\"" << muted << "\" stroke-opacity=\"" << f2(kGhostAlpha)
        << "\" stroke-width=\"" << f2(kGhostWidth * L.k) << "\"/>\n";
  }
  // The curve: every row, past muted and future ink, as one polyline with the values.
  if (sc.rows() > 0) {
    std::string pts;
    for (int i = 0; i < sc.rows(); ++i) pts += f2(sc.x_of(float(i))) + "," + f2(sc.y_of(sc.entropy[i])) + " ";
    o << "<polyline id=\"entropy\" points=\"" << pts << "\" fill=\"none\" stroke=\"" << ink << "\" stroke-width=\""
      << f2(kCurveFutureWidth * L.k) << "\" stroke-linejoin=\"round\" stroke-linecap=\"round\"/>\n";
  }
  if (sc.n_past > 0 && sc.n_past < sc.rows()) {
    line(sc.boundary_x(), sc.top - 6 * L.k, sc.boundary_x(), sc.h - sc.bottom, accent, kBoundaryWidth * L.k, " id=\"boundary\"");
  }
  for (int i = 0; i < sc.rows(); ++i)
    mark(mark_of(RowStatus(sc.status[i])), sc.x_of(float(i)), sc.y_of(sc.entropy[i]), i < int(sc.alpha.size()) ? sc.alpha[i] : 0.5f,
         "m" + std::to_string(i));
  if (sc.accent >= 0) {
    const float x = sc.x_of(float(sc.accent)), y = sc.y_of(sc.entropy[sc.accent]);
    o << "<circle id=\"last-collapse\" cx=\"" << f2(x) << "\" cy=\"" << f2(y) << "\" r=\"" << f2((kAccentRingRadius - kAccentRingStroke / 2) * L.k)
      << "\" fill=\"none\" stroke=\"" << accent << "\" stroke-width=\"" << f2(kAccentRingStroke * L.k) << "\"/>\n";
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
    const float heat_h = L.heat_h, cw = L.sw / float(std::max<int64_t>(1, last - first)), rh = heat_h / float(n);
    text(L.small_px, L.sx, L.sy - L.small_px - 4 * L.k, muted, "spacetime: iteration (down) x position");
    o << "<g id=\"spacetime\" shape-rendering=\"crispEdges\">\n";
    const float vmax = float(s.log_vocab > 0 ? s.log_vocab : 8);
    for (int r = 0; r < n; ++r) {
      const auto& row = *tl[tl.size() - n + r];
      int run_start = 0, run_level = -1;
      auto flush = [&](int end) {
        if (run_level < 0) return;
        const Rgba c = heat_colour(pal, float(run_level) / 15.0f);
        o << "<rect x=\"" << f2(L.sx + (row.offset + run_start - first) * cw) << "\" y=\"" << f2(L.sy + r * rh) << "\" width=\""
          << f2((end - run_start) * cw) << "\" height=\"" << f2(rh + 0.01f) << "\" fill=\"" << svg_colour(c) << "\"/>\n";
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
    // The lab's event ticks (viz/marks.h): collapses, mints, resets.
    for (const auto& m : spacetime_marks(tl, n, first, last, L.sw, heat_h, L.k)) {
      const float x0 = L.sx + m.x0, y0 = L.sy + m.y0, x1 = L.sx + m.x1, y1 = L.sy + m.y1;
      if (m.triangle())
        o << "<polygon points=\"" << f2(x0) << "," << f2(y0) << " " << f2(x1) << "," << f2(y0) << " " << f2((x0 + x1) / 2) << ","
          << f2(y1) << "\" fill=\"" << (m.kind == SpaceMark::Edit ? ink : accent) << "\"/>\n";
      else
        line(x0, y0, x1, y1, ink, (m.kind == SpaceMark::Mint ? 2.0f : 1.0f) * L.k, " stroke-opacity=\"0.90\"");
    }
    o << "</g>\n";
    const std::string a = std::to_string(first), b = std::to_string(last - 1), mid = std::to_string(n) + " iterations";
    const float y = L.sy + heat_h + 4 * L.k;
    text(L.small_px, L.sx, y, muted, a);
    text(L.small_px, L.sx + L.sw - mono_text_width(b, L.small_px), y, muted, b);
    text(L.small_px, L.sx + L.sw / 2 - mono_text_width(mid, L.small_px) / 2, y, muted, mid);
  }

  // Token strip.
  if (st.tokens) {
    float bx = -1, by = 0;
    o << "<g id=\"tokens\" xml:space=\"preserve\">\n";
    for (const auto& t : place_tokens(s, L, &bx, &by)) {
      const float k2 = token_strength(t);
      text(L.label_px, t.x, t.y, svg_colour(t.past ? pal.ink : mix(pal.muted, pal.ink, k2)), t.text);
      if (!t.past) {
        const float tw = mono_text_width(t.text, L.label_px), bar = t.collapsed ? tw : std::max(2 * L.k, tw * bar_share(t.conf));
        o << "<rect x=\"" << f2(t.x) << "\" y=\"" << f2(t.y + L.label_px * 1.15f) << "\" width=\"" << f2(bar) << "\" height=\""
          << f2(2 * L.k) << "\" fill=\"" << (t.last ? accent : svg_colour(mix(pal.muted, pal.ink, k2))) << "\"/>\n";
      }
    }
    if (bx >= 0) line(bx, by - 2 * L.k, bx, by + L.label_px * 1.3f, accent, 2 * L.k);
    o << "</g>\n";
  }

  // Legend: the marks as drawn in the plot, from the one table.
  for (const auto& it : legend_items(L)) {
    const float x = it.cx, y = it.cy, r = mark_of(RowStatus::Free).radius * L.k;
    switch (it.kind) {
      case LegendItem::Status: mark(mark_of(it.status), x, y, kLegendPartialAlpha, std::string("legend-") + it.label); break;
      case LegendItem::Boundary: line(x, y - r * 1.4f, x, y + r * 1.4f, accent, kBoundaryWidth * L.k); break;
      case LegendItem::LastCollapse:
        mark(mark_of(RowStatus::Collapsed), x, y, 0, "legend-last");
        o << "<circle cx=\"" << f2(x) << "\" cy=\"" << f2(y) << "\" r=\"" << f2((kAccentRingRadius - kAccentRingStroke / 2) * L.k)
          << "\" fill=\"none\" stroke=\"" << accent << "\" stroke-width=\"" << f2(kAccentRingStroke * L.k) << "\"/>\n";
        break;
      case LegendItem::Ghost: {
        char op[32];
        std::snprintf(op, sizeof op, " stroke-opacity=\"%.2f\"", kGhostAlpha);
        line(x - r * 1.6f, y, x + r * 1.6f, y, muted, kGhostWidth * L.k, op);
        break;
      }
    }
    text(L.small_px, it.tx, it.ty, muted, it.label);
  }
  o << "</svg>\n";
  return o.str();
}

}  // namespace wfc::viz
