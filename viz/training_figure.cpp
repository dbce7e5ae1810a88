#include "viz/training_figure.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "viz/plot_scene.h"
#include "viz/svg_text.h"

namespace wfc::viz {

std::vector<TrainingPlot> training_plots(const std::vector<RunMetrics>& runs) {
  std::vector<TrainingPlot> p = {{"train NLL: future rows, last iteration (AR: next token)", "step", {}, {}},
                                 {"entropy by distance (latest WFC eval, nats)", "d", {}, {}},
                                 {"first-future NLL (eval)", "step", {}, {}},
                                 {"tokens/s", "step", {}, {}}};
  for (auto& q : p) q.x.resize(runs.size()), q.y.resize(runs.size());
  for (size_t i = 0; i < runs.size(); ++i) {
    const auto& r = runs[i];
    for (const auto& t : r.train) {
      p[0].x[i].push_back(double(t.step)), p[0].y[i].push_back(t.future_nll);
      p[3].x[i].push_back(double(t.step)), p[3].y[i].push_back(t.tokens_per_s);
    }
    for (const auto& e : r.eval) p[2].x[i].push_back(double(e.step)), p[2].y[i].push_back(e.first_future_nll);
    if (!r.eval.empty())
      for (size_t k = 0; k < r.eval.back().entropy_by_distance.size(); ++k)
        p[1].x[i].push_back(double(k + 1)), p[1].y[i].push_back(r.eval.back().entropy_by_distance[k]);
  }
  return p;
}

PlotRange plot_range(const TrainingPlot& p) {
  PlotRange r;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (size_t s = 0; s < p.x.size(); ++s)
    for (size_t i = 0; i < p.x[s].size() && i < p.y[s].size(); ++i)
      if (std::isfinite(p.y[s][i]) && std::isfinite(p.x[s][i])) {
        x0 = std::min(x0, p.x[s][i]), x1 = std::max(x1, p.x[s][i]);
        y0 = std::min(y0, p.y[s][i]), y1 = std::max(y1, p.y[s][i]);
      }
  if (!(x0 <= x1)) return r;
  r.any = true;
  r.lo = y0, r.hi = y1;  // labelled: the data's own range, not the padded one
  if (y1 - y0 < 1e-9) y0 -= 0.5, y1 += 0.5;
  if (x1 - x0 < 1e-9) x0 -= 0.5, x1 += 0.5;
  const double pad = 0.05 * (y1 - y0);
  r.x0 = x0, r.x1 = x1, r.y0 = y0 - pad, r.y1 = y1 + pad;
  return r;
}

static std::string num(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

Figure training_figure(const std::vector<RunMetrics>& runs, const FrameStyle& st) {
  const FrameLayout L = layout_frame(st);
  const Palette pal = st.light ? light_palette() : dark_palette();
  Figure f;
  f.w = st.w, f.h = st.h, f.paper = pal.paper;
  f.title_px = L.title_px, f.label_px = L.label_px, f.small_px = L.small_px;
  const float k = L.k;
  f.texts.push_back({L.tx, L.ty, L.title_px, pal.ink, st.title.empty() ? "Training" : st.title});
  if (!st.subtitle.empty()) f.texts.push_back({L.tx, L.ty + L.title_px + 6 * k, L.small_px, pal.muted, st.subtitle});

  // The legend: one line per run, in its colour, under the plots.
  // Small or crowded figures keep positive plot sizes: the legend takes at most a third.
  const float top = L.py, left = L.tx, right = float(st.w) - L.tx;
  const float legend_h = std::min(float(std::max<size_t>(runs.size(), 1)) * (L.small_px + 6 * k), (float(st.h) - top) / 3);
  const float bottom = float(st.h) - L.tx - legend_h;
  const float gap = 24 * k, cw = std::max(40.0f, (right - left - gap) / 2), ch = std::max(40.0f, (bottom - top - gap) / 2);
  const auto plots = training_plots(runs);
  // One left margin for every plot, as wide as the widest y label, so the boxes line up.
  float lm = mono_text_width("0", L.small_px);
  for (const auto& q : plots) {
    const PlotRange r = plot_range(q);
    if (r.any) lm = std::max({lm, mono_text_width(num("%.4g", r.hi), L.small_px), mono_text_width(num("%.4g", r.lo), L.small_px)});
  }
  lm += 8 * k;
  for (size_t p = 0; p < plots.size(); ++p) {
    const float ox = left + float(p % 2) * (cw + gap), oy = top + float(p / 2) * (ch + gap);
    const PlotRange r = plot_range(plots[p]);
    const std::string hi = num("%.4g", r.hi), lo = num("%.4g", r.lo);
    const float bx = ox + lm, by = oy + L.small_px + 6 * k;
    const float bw = std::max(10.0f, cw - lm), bh = std::max(10.0f, ch - 2 * (L.small_px + 6 * k));
    f.texts.push_back({bx, oy, L.small_px, pal.muted, plots[p].title});
    f.lines.push_back({{bx, by, bx + bw, by, bx + bw, by + bh, bx, by + bh, bx, by}, pal.grid, 1.0f * k});
    if (!r.any) {
      f.texts.push_back({bx + 8 * k, by + 8 * k, L.small_px, pal.muted, "no points yet"});
      continue;
    }
    auto X = [&](double x) { return bx + float((x - r.x0) / (r.x1 - r.x0)) * bw; };
    auto Y = [&](double y) { return by + bh - float((y - r.y0) / (r.y1 - r.y0)) * bh; };
    for (size_t s = 0; s < plots[p].x.size(); ++s) {
      Figure::Line ln{{}, series_colour(s), 2.0f * k};
      const auto &xs = plots[p].x[s], &ys = plots[p].y[s];
      const size_t n = std::min(xs.size(), ys.size());
      for_plotted(n, [&](size_t i) {
        if (std::isfinite(ys[i])) ln.xy.push_back(X(xs[i])), ln.xy.push_back(Y(ys[i]));
      });
      if (n < kDotsBelow)  // few points: each one shown
        for (size_t i = 0; i + 1 < ln.xy.size(); i += 2) f.dots.push_back({ln.xy[i], ln.xy[i + 1], 3.0f * k, ln.col});
      if (ln.xy.size() >= 4) f.lines.push_back(std::move(ln));
    }
    f.texts.push_back({ox, Y(r.hi) - L.small_px / 2, L.small_px, pal.muted, hi});
    if (std::fabs(Y(r.lo) - Y(r.hi)) > L.small_px) f.texts.push_back({ox, Y(r.lo) - L.small_px / 2, L.small_px, pal.muted, lo});
    const std::string x1 = num("%.0f ", r.x1) + plots[p].xlabel;
    f.texts.push_back({bx, by + bh + 3 * k, L.small_px, pal.muted, num("%.0f", r.x0)});
    f.texts.push_back({bx + bw - mono_text_width(x1, L.small_px), by + bh + 3 * k, L.small_px, pal.muted, x1});
  }
  // As many legend lines as fit its third; the rest are counted.
  const float line_h = L.small_px + 6 * k;
  const size_t fit = size_t(std::max(1.0f, (float(st.h) - bottom - 8 * k) / line_h));
  const size_t shown = runs.size() > fit ? fit - 1 : runs.size();
  if (shown < runs.size())
    f.texts.push_back({left, bottom + 8 * k + float(shown) * line_h, L.small_px, pal.muted,
                       "+" + std::to_string(runs.size() - shown) + " more runs"});
  for (size_t i = 0; i < shown; ++i) {
    const float y = bottom + 8 * k + float(i) * line_h;
    f.lines.push_back({{left, y + L.small_px / 2, left + 24 * k, y + L.small_px / 2}, series_colour(i), 3.0f * k});
    f.texts.push_back({left + 32 * k, y, L.small_px, pal.ink, runs[i].dir});
  }
  return f;
}

std::string figure_svg(const Figure& f) {
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << f.w << "\" height=\"" << f.h << "\" viewBox=\"0 0 " << f.w << " "
    << f.h << "\" font-family=\"JetBrains Mono, monospace\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"" << svg_colour(f.paper) << "\"/>\n";
  for (const auto& l : f.lines) {
    o << "<polyline fill=\"none\" stroke=\"" << svg_colour(l.col) << "\" stroke-width=\"" << num("%.2f", l.width)
      << "\" stroke-linejoin=\"round\" points=\"";
    for (size_t i = 0; i + 1 < l.xy.size(); i += 2) o << (i ? " " : "") << num("%.2f", l.xy[i]) << "," << num("%.2f", l.xy[i + 1]);
    o << "\"/>\n";
  }
  for (const auto& d : f.dots)
    o << "<circle cx=\"" << num("%.2f", d.x) << "\" cy=\"" << num("%.2f", d.y) << "\" r=\"" << num("%.2f", d.r) << "\" fill=\""
      << svg_colour(d.col) << "\"/>\n";
  // Text is placed by its baseline in SVG (the ascent below the top the PNG uses), sized in em.
  for (const auto& t : f.texts)
    o << "<text x=\"" << num("%.2f", t.x) << "\" y=\"" << num("%.2f", t.y + kAscentPerPx * t.px) << "\" font-size=\""
      << num("%.2f", t.px * kEmPerPx) << "\" fill=\"" << svg_colour(t.col) << "\">" << svg_escape(t.text) << "</text>\n";
  o << "</svg>\n";
  return o.str();
}

}  // namespace wfc::viz
