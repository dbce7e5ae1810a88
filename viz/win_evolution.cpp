// Row evolution: the probabilities of one future row's top tokens across iterations (a guess
// forming, wavering, settling), with the collapses that happened meanwhile. Opened by clicking a
// future cell in Spacetime (or F4 for the first future row).
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <climits>
#include <cstdint>
#include <cstdio>

#include "viz/row_evolution.h"
#include "viz/windows.h"

namespace wfc::viz {

void draw_evolution(ViewState& v) {
  if (!v.show_evolution) return;
  begin_tool_window(v, "Row evolution", v.show_evolution, v.raise_evolution, v.front_evolution, 600, 400, 300, 120);
  v.remember("evolution_window");
  const auto& s = *v.snap;
  // -1 follows the third future row, whichever it is now (the first reads out from the past
  // alone under the held and block masks, so it never moves); a typed or clicked position stays.
  const int64_t followed = v.evo_pos < 0 ? s.offset + s.cur.n_past + std::min(2, std::max(0, s.cur.length - s.cur.n_past - 1))
                                         : v.evo_pos;
  int pos = int(std::min<int64_t>(followed, INT32_MAX));
  ImGui::SetNextItemWidth(140);
  if (ImGui::InputInt("position", &pos)) v.evo_pos = std::max(0, pos);
  v.remember("evolution_pos");
  ImGui::SameLine();
  ImGui::TextDisabled("(or click a future cell in Spacetime)");
  const RowEvolution ev = row_evolution(s.timeline, followed);
  v.evo_points = int(ev.iterations.size());
  v.evo_tokens = int(ev.series.size());
  if (ev.iterations.empty()) {
    ImGui::TextWrapped("Position %lld has not been a future row in the iterations kept (a past row, or beyond the window).",
                       (long long)followed);
    ImGui::End();
    return;
  }
  muted_wrapped("%zu iterations (%lld .. %lld): its top 5 now and earlier leaders, while in its top %d; grey lines: collapses elsewhere",
                      ev.iterations.size(), (long long)ev.iterations.front(), (long long)ev.iterations.back(), s.cur.k);

  auto colour = [](size_t k) { const Rgba c = series_colour(k); return ImVec4(c.r, c.g, c.b, c.a); };
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled), grid = ImGui::GetColorU32(ImGuiCol_Border);
  const ImU32 accent = ImGui::ColorConvertFloat4ToU32(ImVec4(v.pal.accent.r, v.pal.accent.g, v.pal.accent.b, 1));
  const float th = ImGui::GetTextLineHeight();
  const float legend_w = 170;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float lm = 44, W = std::max(80.0f, avail.x - lm - legend_w - 8), H = std::max(60.0f, avail.y - th - 8);
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const int n = int(ev.iterations.size());
  auto x_of = [&](int j) { return o.x + lm + (n > 1 ? W * float(j) / float(n - 1) : W / 2); };
  // The y axis ends at the first of 2 %, 5 %, 10 %, 20 %, 50 %, 100 % above the data: a far row's
  // guesses at 2-6 % stay readable instead of lying flat on a 0-1 axis.
  float top = 0;
  for (const auto& se : ev.series)
    for (float p : se.p)
      if (!std::isnan(p)) top = std::max(top, p);
  for (float t : {0.02f, 0.05f, 0.1f, 0.2f, 0.5f, 1.0f})
    if (top <= t) {
      top = t;
      break;
    }
  top = std::min(std::max(top, 0.02f), 1.0f);
  auto y_of = [&](float p) { return o.y + H * (1 - std::clamp(p / top, 0.0f, 1.0f)); };
  for (float f : {0.0f, 0.25f, 0.5f, 0.75f, 1.0f}) {
    const float p = f * top;
    dl->AddLine(ImVec2(o.x + lm, y_of(p)), ImVec2(o.x + lm + W, y_of(p)), grid);
    char b[16];
    std::snprintf(b, sizeof b, top < 0.1f ? "%.3f" : "%.2f", p);
    dl->AddText(ImVec2(o.x, y_of(p) - th / 2), muted, b);
  }
  for (int j : ev.collapses) dl->AddLine(ImVec2(x_of(j), o.y), ImVec2(x_of(j), o.y + H), muted, 1.0f);
  if (ev.own_collapse >= 0) {
    dl->AddLine(ImVec2(x_of(ev.own_collapse), o.y), ImVec2(x_of(ev.own_collapse), o.y + H), accent, 2.0f);
    dl->AddText(ImVec2(x_of(ev.own_collapse) + 3, o.y), accent, "collapsed");
  }
  for (size_t k = 0; k < ev.series.size(); ++k) {
    const ImU32 col = ImGui::ColorConvertFloat4ToU32(colour(k));
    const auto& p = ev.series[k].p;
    std::vector<ImVec2> run;  // a gap where the token left the top-k
    auto flush = [&] {
      if (run.size() > 1) dl->AddPolyline(run.data(), int(run.size()), col, 0, k == 0 ? 2.5f : 1.6f);
      else if (run.size() == 1) dl->AddCircleFilled(run[0], 2.5f, col);
      run.clear();
    };
    for (int j = 0; j < n; ++j) {
      if (std::isnan(p[size_t(j)])) flush();
      else run.emplace_back(x_of(j), y_of(p[size_t(j)]));
    }
    flush();
  }
  char b[32];
  std::snprintf(b, sizeof b, "it %lld", (long long)ev.iterations.front());
  dl->AddText(ImVec2(o.x + lm, o.y + H + 2), muted, b);
  std::snprintf(b, sizeof b, "it %lld", (long long)ev.iterations.back());
  dl->AddText(ImVec2(o.x + lm + W - ImGui::CalcTextSize(b).x, o.y + H + 2), muted, b);
  ImGui::InvisibleButton("##evolution_plot", ImVec2(lm + W, H + th + 4));
  v.remember("evolution_plot");
  if (ImGui::IsItemHovered() && n > 0) {
    const int j = std::clamp(int(std::lround((ImGui::GetIO().MousePos.x - o.x - lm) / std::max(1.0f, W) * float(n - 1))), 0, n - 1);
    ImGui::BeginTooltip();
    ImGui::Text("iteration %lld", (long long)ev.iterations[size_t(j)]);
    for (const auto& se : ev.series)
      if (!std::isnan(se.p[size_t(j)])) {
        ImGui::Text("  %5.3f  '%s'", se.p[size_t(j)], token_piece(s, se.token).c_str());
      }
    ImGui::EndTooltip();
  }
  // Legend: token text in its series colour, the probability at the last point.
  ImGui::SameLine();
  ImGui::BeginGroup();
  for (size_t k = 0; k < ev.series.size(); ++k) {
    const auto& se = ev.series[k];
    const std::string t = token_piece(s, se.token);
    const float last = se.p.back();
    if (std::isnan(last)) ImGui::TextColored(colour(k), "'%s'  (left top-k)", t.c_str());
    else ImGui::TextColored(colour(k), "'%s'  %.3f", t.c_str(), last);
  }
  ImGui::EndGroup();
  ImGui::End();
}

}  // namespace wfc::viz
