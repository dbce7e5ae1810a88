// Spacetime: entropy over iteration (down) x position (across) for the whole session, with the
// past/future boundary as the accent staircase, collapses as accent ticks and mints as ink ticks.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/marks.h"
#include "viz/windows.h"

namespace wfc::viz {

// The colour scale: entropy 0 (grid tone) to log V (ink), in the lab's units, as the view maps it.
static void draw_heat_scale(ViewState& v, ImVec2 at, float w, float th) {
  const auto& s = *v.snap;
  const float maxH = float(s.log_vocab > 0 ? s.log_vocab : 8.0);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  char lo[32], hi[48];
  std::snprintf(lo, sizeof lo, "%.4g", to_units(0.0, v.units));
  std::snprintf(hi, sizeof hi, "%.4g %s (uniform)", to_units(maxH, v.units), v.units == Units::Options ? "options" : units_name(v.units));
  const float lw = ImGui::CalcTextSize(lo).x + 6, hw = ImGui::CalcTextSize(hi).x + 6;
  const float bx = at.x + lw, bwid = std::max(20.0f, w - lw - hw);
  dl->AddText(ImVec2(at.x, at.y), muted, lo);
  const int n = 32;
  for (int i = 0; i < n; ++i) {
    const Rgba c = heat_colour(v.pal, (float(i) + 0.5f) / float(n));
    dl->AddRectFilled(ImVec2(bx + bwid * float(i) / n, at.y + 2), ImVec2(bx + bwid * float(i + 1) / n + 0.5f, at.y + th - 2),
                      ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, 1)));
  }
  dl->AddText(ImVec2(bx + bwid + 6, at.y), muted, hi);
}

void draw_spacetime(ViewState& v) {
  place_window(v, 0.75f, 0.0f, 0.25f, 0.55f);
  ImGui::Begin("Spacetime", nullptr, ImGuiWindowFlags_NoScrollbar);
  const auto& s = *v.snap;
  const auto& tl = s.timeline;
  ImGui::TextDisabled("entropy: iteration (down) x position");
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float th = ImGui::GetTextLineHeight();
  const float lm = 0, bm = th + 4, scale_h = th + 10;  // position labels; the colour scale under them
  const ImVec2 o = ImGui::GetCursorScreenPos();
  // The whole panel: a short session's iterations are tall bands, a long one's thin lines.
  const int W = std::max(16, int(avail.x - lm)), H = std::max(16, int(avail.y - bm - scale_h));
  draw_heat_scale(v, ImVec2(o.x, o.y + H + bm + 4), float(W), th);
  const bool stale = s.version != v.heat_version || v.heat_fb.w() != W || v.heat_fb.h() != H;
  if (stale || v.heat_fb.tex() == 0) {
    v.heat_extent = v.heat->render(tl, float(s.log_vocab > 0 ? s.log_vocab : 8.0), v.pal, W, H, v.heat_fb);
    v.heat_version = s.version;
  }
  const HeatmapExtent& e = v.heat_extent;
  ImGui::Image((ImTextureID)(intptr_t)v.heat_fb.tex(), ImVec2(float(W), float(H)), ImVec2(0, 1), ImVec2(1, 0));
  v.remember("spacetime_image");
  v.heat_rect = Rect{o.x, o.y, float(W), float(H)};
  if (e.rows > 0 && int(tl.size()) >= e.rows) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float cw = float(W) / float(std::max<int64_t>(1, e.last_pos - e.first_pos)), rh = float(H) / float(e.rows);
    const ImU32 accent = ImGui::ColorConvertFloat4ToU32(ImVec4(v.pal.accent.r, v.pal.accent.g, v.pal.accent.b, 1));
    const ImU32 ink = ImGui::ColorConvertFloat4ToU32(ImVec4(v.pal.ink.r, v.pal.ink.g, v.pal.ink.b, 0.9f));
    const int first = int(tl.size()) - e.rows;
    for (const auto& mk : spacetime_marks(tl, e.rows, e.first_pos, e.last_pos, float(W), float(H))) {
      const ImVec2 a(o.x + mk.x0, o.y + mk.y0), b(o.x + mk.x1, o.y + mk.y1);
      if (mk.triangle()) dl->AddTriangleFilled(a, ImVec2(b.x, a.y), ImVec2((a.x + b.x) / 2, b.y), mk.kind == SpaceMark::Edit ? ink : accent);
      else dl->AddLine(a, b, ink, mk.kind == SpaceMark::Mint ? 2.0f : 1.0f);
    }
    const std::string l0 = std::to_string(e.first_pos), l1 = std::to_string(e.last_pos - 1);
    const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
    dl->AddText(ImVec2(o.x, o.y + H + 2), muted, l0.c_str());
    dl->AddText(ImVec2(o.x + W - ImGui::CalcTextSize(l1.c_str()).x, o.y + H + 2), muted, l1.c_str());
    const std::string mid = std::to_string(e.rows) + " iterations";
    dl->AddText(ImVec2(o.x + W / 2 - ImGui::CalcTextSize(mid.c_str()).x / 2, o.y + H + 2), muted, mid.c_str());
    const ImVec2 m = ImGui::GetMousePos();
    if (ImGui::IsItemHovered()) {
      const int r = std::clamp(int((m.y - o.y) / rh), 0, e.rows - 1);
      const int64_t pos = e.first_pos + int64_t((m.x - o.x) / cw);
      const auto& row = *tl[first + r];
      const int64_t i = pos - row.offset;
      ImGui::BeginTooltip();
      ImGui::Text("iteration %lld, position %lld", (long long)row.iteration, (long long)pos);
      if (i >= 0 && i < int64_t(row.entropy.size())) {
        ImGui::Text("entropy %.3f %s (%s)", to_units(row.entropy[i], v.units), v.units == Units::Options ? "options" : units_name(v.units),
                    i < row.n_past ? "past" : "future");
        // The row's top-k at that iteration (future rows keep theirs in the timeline).
        const int64_t f = i - row.n_past;
        for (int c = 0; f >= 0 && c < std::min(row.k, 5) && size_t((f + 1) * row.k) <= row.topk_ids.size(); ++c) {
          const int32_t id = row.topk_ids[size_t(f * row.k + c)];
          if (topk_filler(row.topk_probs[size_t(f * row.k + c)])) break;
          ImGui::Text("  %5.3f  '%s'", row.topk_probs[size_t(f * row.k + c)], token_piece(s, id).c_str());
        }
        if (f >= 0) ImGui::TextDisabled("click: follow this row across iterations");
      } else {
        ImGui::TextDisabled("outside the window then");
      }
      ImGui::EndTooltip();
      if (ImGui::IsMouseClicked(ImGuiMouseButton_Left) && i >= row.n_past && i < int64_t(row.entropy.size())) {
        v.evo_pos = pos;
        v.show_evolution = true;
      }
    }
  } else {
    ImGui::GetWindowDrawList()->AddText(ImVec2(o.x + 8, o.y + 8), ImGui::GetColorU32(ImGuiCol_TextDisabled), "no iterations yet");
  }
  ImGui::End();
}

}  // namespace wfc::viz
