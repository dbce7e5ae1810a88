// The token strip: the past as text, then the current best guess of every future row, each with
// its confidence (the top probability) as ink strength and a bar beneath. Bars are drawn on a
// track the token's width, on a square-root scale: a far row's guess is 2-6 % likely, which is
// 14-24 % of the track (a linear bar would be a pixel or two). A tick under the text marks a
// sub-word join (a token that continues the word before it).
#include <imgui.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "viz/plot_scene.h"
#include "viz/windows.h"

namespace wfc::viz {

static ImU32 mix(const Rgba& a, const Rgba& b, float t, float alpha = 1) {
  return ImGui::ColorConvertFloat4ToU32(ImVec4(a.r + (b.r - a.r) * t, a.g + (b.g - a.g) * t, a.b + (b.b - a.b) * t, alpha));
}

void draw_tokens(ViewState& v) {
  place_window(v, 0.2f, 0.70f, 0.55f, 0.30f);
  ImGui::Begin("Tokens");
  const auto& s = *v.snap;
  const auto& c = s.cur;
  muted_wrapped("%d past tokens, %d future rows; ink and bar: the best guess's probability (bar: square root)",
                      c.n_past, c.length - c.n_past);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float W = ImGui::GetContentRegionAvail().x, lh = ImGui::GetTextLineHeight() + 12;
  const ImU32 accent = mix(v.pal.accent, v.pal.accent, 0);
  float x = 0, y = 0;
  int hovered = -1;
  std::string prev;  // the token before, for sub-word joins
  const ImVec2 m = ImGui::GetMousePos();
  for (int i = 0; i < c.length; ++i) {
    const std::string t = guess_text(s, i);
    const ImVec2 ts = ImGui::CalcTextSize(t.c_str());
    const float gap = i == c.n_past ? 14 : 0;  // room for the boundary mark
    if (x + gap + ts.x > W && x > 0) {
      x = 0;
      y += lh;
    }
    const bool line_start = x == 0;
    x += gap;
    const ImVec2 a(o.x + x, o.y + y), b(a.x + ts.x, a.y + ts.y);
    // A join: this token continues a word (a letter or digit on both sides of the boundary) on the same line.
    const auto alnum = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
    if (!line_start && gap == 0 && !t.empty() && alnum(t[0]) && !prev.empty() && alnum(prev.back()))
      dl->AddLine(ImVec2(a.x, b.y + 5), ImVec2(a.x, b.y + 9), mix(v.pal.muted, v.pal.muted, 0), 1.0f);
    const auto st = RowStatus(c.status[i]);
    const float conf = c.k > 0 ? c.topk_probs[size_t(i) * c.k] : 1;
    if (m.x >= a.x && m.x < b.x && m.y >= a.y && m.y < b.y + 8 && ImGui::IsWindowHovered()) hovered = i;
    if (i == v.hover || i == hovered) dl->AddRectFilled(ImVec2(a.x - 1, a.y - 2), ImVec2(b.x + 1, b.y + 6), mix(v.pal.grid, v.pal.grid, 0));
    if (i == c.n_past && gap > 0)
      dl->AddLine(ImVec2(a.x - 7, a.y - 2), ImVec2(a.x - 7, b.y + 6), accent, 2.0f);
    if (st == RowStatus::Past) {
      dl->AddText(a, mix(v.pal.ink, v.pal.ink, 0), t.c_str());
    } else {
      // Probabilities of a best guess are mostly under 0.3: a square root spreads them over the ink.
      const float k = st == RowStatus::Collapsed ? 1.0f : std::sqrt(std::min(conf, 1.0f));
      dl->AddText(a, mix(v.pal.muted, v.pal.ink, k, 0.55f + 0.45f * k), t.c_str());
      // Confidence bar on its track (full width: certain); collapsed rows get a solid rule.
      const float bar = st == RowStatus::Collapsed ? ts.x : std::max(2.0f, ts.x * bar_share(conf));
      dl->AddRectFilled(ImVec2(a.x + 1, b.y + 2), ImVec2(b.x - 1, b.y + 5), mix(v.pal.grid, v.pal.grid, 0));
      dl->AddRectFilled(ImVec2(a.x + 1, b.y + 2), ImVec2(a.x + 1 + std::max(1.0f, bar - 2), b.y + 5), mix(v.pal.muted, v.pal.ink, k));
      if (s.last_collapse == s.offset + i) dl->AddRectFilled(ImVec2(a.x + 1, b.y + 2), ImVec2(b.x - 1, b.y + 5), accent);
      // Held rows get a box inside their own cell, so neighbouring boxes never overlap.
      if (st == RowStatus::Partial || st == RowStatus::Pinned)
        dl->AddRect(ImVec2(a.x, a.y - 2), ImVec2(b.x - 1, b.y + 6), mix(v.pal.muted, v.pal.muted, 0), 2.0f);
    }
    x += ts.x;
    prev = t;
  }
  ImGui::Dummy(ImVec2(W, y + lh));
  if (hovered >= 0 && !ImGui::IsPopupOpen("collapse") && !ImGui::IsPopupOpen("edit past")) {
    v.hover = hovered;
    row_tooltip(v, hovered);
    if (ImGui::IsMouseClicked(0)) hovered >= c.n_past ? open_collapse_popup(v, hovered) : open_edit_popup(v, hovered);
  }
  draw_collapse_popup(v);
  draw_edit_popup(v);
  ImGui::End();
}

}  // namespace wfc::viz
