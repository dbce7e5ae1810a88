#include "viz/frame_layout.h"

#include <algorithm>
#include <cmath>

#include "viz/marks.h"

namespace wfc::viz {

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
    L.heat_h = L.sh - L.small_px - 8 * k;
  }
  return L;
}

std::vector<PlacedToken> place_tokens(const LabSnapshot& s, const FrameLayout& L, float* boundary_x, float* boundary_y) {
  std::vector<PlacedToken> out;
  const auto& c = s.cur;
  const float lh = L.label_px * 1.5f;
  const int lines = std::max(1, int(L.kh / lh));
  std::vector<std::string> texts(c.length);
  for (int i = 0; i < c.length; ++i) texts[i] = guess_text(s, i);
  int first = c.length;
  {
    float x = 0;
    int line = 0;
    for (int i = c.length - 1; i >= 0; --i) {
      const float tw = mono_text_width(texts[i], L.label_px) + (i == c.n_past ? L.label_px : 0);
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
    const float tw = mono_text_width(texts[i], L.label_px);
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

float token_strength(const PlacedToken& t) { return t.past || t.collapsed ? 1.0f : std::sqrt(std::min(t.conf, 1.0f)); }

std::vector<LegendItem> legend_items(const FrameLayout& L) {
  std::vector<LegendItem> out;
  float x = L.lx;
  const float y = L.ly + L.small_px / 2, slot = 2 * kAccentRingRadius * L.k;  // wide enough for any mark
  auto add = [&](LegendItem::Kind kind, RowStatus st, const std::string& label) {
    out.push_back({kind, st, x + slot / 2, y, x + slot + 6 * L.k, L.ly, label});
    x += slot + 6 * L.k + mono_text_width(label, L.small_px) + 18 * L.k;
  };
  for (const auto& m : marks()) add(LegendItem::Status, m.status, m.name);
  add(LegendItem::Boundary, RowStatus::Past, "past | future");
  add(LegendItem::LastCollapse, RowStatus::Collapsed, "last collapse");
  add(LegendItem::Ghost, RowStatus::Past, "before it");
  return out;
}

Rgba mix(const Rgba& a, const Rgba& b, float t) {
  return {a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, 1};
}

}  // namespace wfc::viz
