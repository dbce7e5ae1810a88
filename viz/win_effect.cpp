// What changed: after a collapse has re-converged, how each row of the window responded. Top:
// entropy after - before per position (signed bars); bottom: KL(before || after); the collapsed
// position is marked, the past shaded. Below: the rows whose best guess moved, old -> new.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "viz/windows.h"

namespace wfc::viz {

static std::string tok_text(const LabSnapshot& s, int32_t id) { return "'" + token_piece(s, id) + "'"; }

void draw_effect(ViewState& v) {
  if (!v.show_effect) return;
  begin_tool_window(v, "What changed", v.show_effect, v.raise_effect, v.front_effect, 620, 440, 120, 140);
  v.remember("effect_window");
  const auto& s = *v.snap;
  const auto& e = s.effect;
  if (e.pos < 0 || e.d_entropy.empty() || e.kl.size() != e.d_entropy.size()) {
    ImGui::TextWrapped("Collapse a future row (click it in the plot): once the window has re-converged, this shows "
                       "how every other row responded.");
    ImGui::End();
    return;
  }
  const int n = int(e.d_entropy.size());
  // The scales come from the rows that responded (free after the action); a row the action set
  // (its KL is as large as the token was unlikely) is drawn in the accent, clipped to the panel.
  float max_kl = 0, max_dh = 0;
  auto responded = [&](int i) { return size_t(i) < e.free_rows.size() && e.free_rows[size_t(i)]; };
  for (int i = 0; i < n; ++i)
    if (responded(i)) {
      max_kl = std::max(max_kl, e.kl[size_t(i)]);
      max_dh = std::max(max_dh, std::abs(e.d_entropy[size_t(i)]));
    }
  ImGui::TextWrapped("%s at %lld: re-converged in %d iterations; %zu free rows changed their best guess",
                     e.edit ? "past edited" : "collapse", (long long)e.pos, e.iterations, e.changed.size());
  ImGui::TextDisabled("free rows: largest |dH| %.3f nats, largest KL(before||after) %.3f nats", max_dh, max_kl);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
  // Sharper (entropy fell) in ink, less sure in grey; the accent is kept for the collapse itself.
  auto u32 = [](const Rgba& c, float a) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, a)); };
  const ImU32 up = muted, down = ink, shade = u32(v.pal.grid, 0.45f), accent = u32(v.pal.accent, 1);
  const float th = ImGui::GetTextLineHeight();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float lm = 46, W = std::max(60.0f, avail.x - lm - 4);
  const float H = std::max(50.0f, std::min(avail.y * 0.32f, 150.0f));
  const ImVec2 o = ImGui::GetCursorScreenPos();
  const float bw = W / float(n);
  auto x_of = [&](int i) { return o.x + lm + bw * float(i); };
  // Past shading and the collapsed position, over both panels.
  const float top = o.y, bottom = o.y + 2 * H + th;
  if (e.n_past > 0) dl->AddRectFilled(ImVec2(x_of(0), top), ImVec2(x_of(e.n_past), bottom), shade);
  const int cpos = int(e.pos - e.first);
  // Top panel: signed entropy change around a zero line.
  const float dh_scale = std::max(max_dh, 1e-3f), zero = o.y + H / 2;
  dl->AddLine(ImVec2(o.x + lm, zero), ImVec2(o.x + lm + W, zero), grid);
  char b[32];
  std::snprintf(b, sizeof b, "+%.2f", dh_scale);
  dl->AddText(ImVec2(o.x, o.y), muted, b);
  std::snprintf(b, sizeof b, "-%.2f", dh_scale);
  dl->AddText(ImVec2(o.x, o.y + H - th), muted, b);
  dl->AddText(ImVec2(o.x, zero - th / 2), muted, "dH");
  for (int i = 0; i < n; ++i) {
    const float d = e.d_entropy[size_t(i)], hgt = (H / 2) * std::min(1.0f, std::abs(d) / dh_scale);
    if (hgt < 0.5f) continue;
    const float x0 = x_of(i) + (bw > 3 ? 0.5f : 0), x1 = x_of(i + 1) - (bw > 3 ? 0.5f : 0);
    const ImU32 col = responded(i) ? (d > 0 ? up : down) : accent;
    if (d > 0) dl->AddRectFilled(ImVec2(x0, zero - hgt), ImVec2(x1, zero), col);
    else dl->AddRectFilled(ImVec2(x0, zero), ImVec2(x1, zero + hgt), col);
  }
  // Bottom panel: KL on a linear scale from 0.
  const float k0 = o.y + H + th, kl_scale = std::max(max_kl, 1e-3f);
  dl->AddLine(ImVec2(o.x + lm, k0 + H), ImVec2(o.x + lm + W, k0 + H), grid);
  std::snprintf(b, sizeof b, "%.2f", kl_scale);
  dl->AddText(ImVec2(o.x, k0), muted, b);
  dl->AddText(ImVec2(o.x, k0 + H - th), muted, "KL 0");
  for (int i = 0; i < n; ++i) {
    const float hgt = H * std::min(1.0f, e.kl[size_t(i)] / kl_scale);
    if (hgt < 0.5f) continue;
    dl->AddRectFilled(ImVec2(x_of(i) + (bw > 3 ? 0.5f : 0), k0 + H - hgt), ImVec2(x_of(i + 1) - (bw > 3 ? 0.5f : 0), k0 + H),
                      responded(i) ? ink : accent);
  }
  if (cpos >= 0 && cpos < n) {
    const float cx = x_of(cpos) + bw / 2;
    dl->AddLine(ImVec2(cx, top), ImVec2(cx, bottom), accent, 1.5f);
    dl->AddText(ImVec2(std::min(cx + 3, o.x + lm + W - 60), top), accent, e.edit ? "edited" : "collapsed");
  }
  // Position axis: first, the collapse, last.
  const float ay = k0 + H + 2;
  std::snprintf(b, sizeof b, "%lld", (long long)e.first);
  dl->AddText(ImVec2(x_of(0), ay), muted, b);
  std::snprintf(b, sizeof b, "%lld", (long long)(e.first + n - 1));
  dl->AddText(ImVec2(x_of(n) - ImGui::CalcTextSize(b).x, ay), muted, b);
  ImGui::InvisibleButton("##effect_bars", ImVec2(lm + W, 2 * H + 2 * th + 2));
  v.remember("effect_bars");
  if (ImGui::IsItemHovered()) {
    const int i = int(std::floor((ImGui::GetIO().MousePos.x - o.x - lm) / bw));
    if (i >= 0 && i < n)
      ImGui::SetTooltip("position %lld%s\nentropy %+.4f nats\nKL(before||after) %.4f nats", (long long)(e.first + i),
                        i < e.n_past ? " (past)" : responded(i) ? "" : " (set, not free)", e.d_entropy[size_t(i)],
                        e.kl[size_t(i)]);
  }

  // The rows whose arg-max moved.
  if (e.changed.empty()) {
    ImGui::TextDisabled("no future row changed its best guess");
  } else if (ImGui::BeginTable("##changed", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                               ImVec2(0, std::max(3 * th, ImGui::GetContentRegionAvail().y)))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    // Fixed columns as wide as their headings (the numbers are narrower): nothing under the scrollbar.
    ImGui::TableSetupColumn("position", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("position").x);
    ImGui::TableSetupColumn("best guess before -> after");
    ImGui::TableSetupColumn("p before -> after", ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("p before -> after").x);
    ImGui::TableHeadersRow();
    for (const auto& c : e.changed) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::Text("%lld", (long long)c.pos);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted((tok_text(s, c.before) + "  ->  " + tok_text(s, c.after)).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.3f -> %.3f", c.p_before, c.p_after);
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

}  // namespace wfc::viz
