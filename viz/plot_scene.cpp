#include "viz/plot_scene.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace wfc::viz {

double to_units(double nats, Units u) {
  switch (u) {
    case Units::Nats: return nats;
    case Units::Bits: return nats / std::log(2.0);
    case Units::Options: return std::exp(nats);
  }
  return nats;
}

const char* units_name(Units u) {
  switch (u) {
    case Units::Nats: return "nats";
    case Units::Bits: return "bits";
    case Units::Options: return "options exp(H)";
  }
  return "";
}

void plot_ticks(double ymax_nats, Units u, std::vector<float>& at, std::vector<std::string>& label) {
  char b[32];
  if (u == Units::Options) {
    for (double m = 1; std::log(m) <= ymax_nats + 1e-9; m *= 10)
      for (double k : {1.0, 3.0}) {
        const double val = m * k;
        if (std::log(val) > ymax_nats + 1e-9) break;
        at.push_back(float(std::log(val)));
        std::snprintf(b, sizeof b, "%.0f", val);
        label.push_back(b);
      }
    return;
  }
  const double unit = u == Units::Bits ? std::log(2.0) : 1.0;
  const double top = ymax_nats / unit;
  const double step = top > 9 ? 2 : 1;
  for (double t = 0; t <= top + 1e-9; t += step) {
    at.push_back(float(t * unit));
    std::snprintf(b, sizeof b, "%.0f", t);
    label.push_back(b);
  }
}

PlotScene make_plot_scene(const LabSnapshot& s, float w, float h, Units u, bool focus, int focus_past,
                          const Palette& pal, float scale) {
  PlotScene sc;
  sc.w = std::floor(w);
  sc.h = std::floor(h);
  sc.scale = scale;
  sc.left *= scale;
  sc.right *= scale;
  sc.top *= scale;
  sc.bottom *= scale;
  sc.pal = pal;
  sc.y_max = float(s.log_vocab > 0 ? s.log_vocab : 8.0);
  const auto& c = s.cur;
  const int r0 = focus && c.n_past > focus_past + 8 ? c.n_past - focus_past : 0;
  sc.row0 = r0;
  if (c.length > 0) {
    sc.entropy.assign(c.entropy.begin() + r0, c.entropy.end());
    sc.status.assign(c.status.begin() + r0, c.status.end());
    sc.alpha.assign(c.alpha.begin() + r0, c.alpha.end());
  }
  sc.n_past = c.n_past - r0;
  sc.ghost.assign(sc.rows(), NAN);
  for (size_t j = 0; j < s.ghost.size(); ++j) {
    const int64_t i = s.ghost_offset + int64_t(j) - s.offset - r0;
    if (i >= 0 && i < sc.rows()) sc.ghost[i] = s.ghost[j];
  }
  sc.accent = s.last_collapse >= 0 ? int(s.last_collapse - s.offset - r0) : -1;
  if (sc.accent < 0 || sc.accent >= sc.rows()) sc.accent = -1;
  sc.first_pos = s.offset + r0;
  sc.units = u;
  plot_ticks(sc.y_max, u, sc.grid, sc.grid_labels);
  return sc;
}

float mono_text_width(const std::string& t, float px) {
  size_t cps = 0;
  for (unsigned char c : t) cps += (c & 0xC0) != 0x80;
  return 0.6f * kEmPerPx * px * float(cps);
}

std::vector<PlotText> plot_texts(const PlotScene& sc, float small_px, float label_px) {
  std::vector<PlotText> out;
  const float k = sc.scale;
  for (size_t i = 0; i < sc.grid.size(); ++i)
    out.push_back({sc.left - 8 * k - mono_text_width(sc.grid_labels[i], small_px), sc.y_of(sc.grid[i]) - small_px / 2,
                   sc.grid_labels[i], false, false});
  const int every = sc.rows() > 96 ? 16 : sc.rows() > 48 ? 8 : 4;
  for (int i = 0; i < sc.rows(); ++i) {
    const int64_t a = sc.first_pos + i;
    if (a % every) continue;
    const std::string t = std::to_string(a);
    out.push_back({sc.x_of(float(i)) - mono_text_width(t, small_px) / 2, sc.h - sc.bottom + 6 * k, t, false, false});
  }
  out.push_back({sc.left + 6 * k, sc.top - small_px - 2 * k, std::string("entropy, ") + units_name(sc.units), false, false});
  const std::string xt = "position (tokens since the start)";
  out.push_back({sc.w - sc.right - mono_text_width(xt, small_px), sc.h - small_px - 2 * k, xt, false, false});
  if (sc.n_past > 0 && sc.n_past < sc.rows()) {
    const float y = sc.top - label_px - 8 * k;
    out.push_back({sc.boundary_x() - mono_text_width("past", label_px) - 8 * k, y, "past", true, true});
    out.push_back({sc.boundary_x() + 8 * k, y, "future", true, true});
  }
  return out;
}

std::string token_piece(const LabSnapshot& s, int id) {
  return s.vocab && id >= 0 && id < int(s.vocab->size()) ? (*s.vocab)[id] : "?";
}

float bar_share(float conf) { return std::sqrt(std::clamp(conf, 0.0f, 1.0f)); }

std::string guess_text(const LabSnapshot& s, int row) {
  const auto& c = s.cur;
  if (row < 0 || row >= c.length) return "";
  if (row >= c.n_past && c.k > 0 && s.log_vocab > 0 && c.topk_probs[size_t(row) * c.k] < 2.0 / std::exp(s.log_vocab))
    return "\xC2\xB7";
  std::string t = token_piece(s, c.argmax[row]);
  for (char& ch : t)
    if (ch == '\n') ch = ' ';
  return t.empty() ? " " : t;
}

}  // namespace wfc::viz
