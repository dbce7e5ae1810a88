// The entropy plot: the centre of the lab. The curve is drawn by PlotRenderer into a texture; axes
// and labels go on top with ImGui; hit-testing uses the scene's own mapping.
#include <imgui.h>

#include <cmath>
#include <algorithm>
#include <cstdio>
#include <functional>

#include "viz/marks.h"
#include "model/policies.h"
#include "viz/compare_view.h"
#include "viz/windows.h"

namespace wfc::viz {

std::string row_text(const ViewState& v, int row) { return guess_text(*v.snap, row); }

// The comparison's colour (the second series colour, sky blue): apart from the ink curve and the accent.
static const ImVec4 kCompareColour(series_colour(1).r, series_colour(1).g, series_colour(1).b, 1);

void row_tooltip(ViewState& v, int row) {
  const auto& s = *v.snap;
  const auto& c = s.cur;
  if (row < 0 || row >= c.length) return;
  ImGui::BeginTooltip();
  const auto st = RowStatus(c.status[row]);
  ImGui::Text("position %lld  (%s)", (long long)(s.offset + row), status_name(st));
  ImGui::Text("token     '%s'", row_text(v, row).c_str());
  ImGui::Text("entropy   %.3f %s", to_units(std::max(0.0f, c.entropy[row]), v.units), v.units == Units::Options ? "options" : units_name(v.units));
  if (row < int(c.update.size())) ImGui::Text("update    %.2e  (|dx|/|x|, last iteration)", c.update[row]);
  if (st == RowStatus::Partial) ImGui::Text("alpha     %.2f", c.alpha[row]);
  if (st != RowStatus::Past) {
    ImGui::Separator();
    for (int j = 0; j < c.k; ++j) {
      const int id = c.topk_ids[size_t(row) * c.k + j];
      const float p = c.topk_probs[size_t(row) * c.k + j];
      if (topk_filler(p)) break;  // sorted: no guesses after it
      const ImVec2 at = ImGui::GetCursorScreenPos();
      ImGui::GetWindowDrawList()->AddRectFilled(at, ImVec2(at.x + 140 * p, at.y + ImGui::GetTextLineHeight()),
                                                ImGui::GetColorU32(ImGuiCol_FrameBgActive));
      ImGui::Text("%5.1f%%  '%s'", 100 * p, token_piece(s, id).c_str());
    }
    ImGui::TextDisabled("click: collapse, pin or release");
  }
  if (const CompareRow cr = compare_row(s, s.offset + row); cr.present) {  // the comparison, same position
    ImGui::Separator();
    ImGui::TextColored(kCompareColour, "%s: entropy %.3f %s", cr.next_token ? "baseline's next token" : "comparison",
                       to_units(std::max(0.0f, cr.entropy), v.units), v.units == Units::Options ? "options" : units_name(v.units));
    for (size_t j = 0; j < cr.top.size() && j < 5; ++j)
      ImGui::TextColored(kCompareColour, "%5.1f%%  '%s'", 100 * cr.top[j].second, token_piece(s, cr.top[j].first).c_str());
  }
  ImGui::EndTooltip();
}

float error_banner_height(const std::string& msg, float outer_w) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float inner = std::max(1.0f, outer_w - 2 * st.WindowPadding.x);
  const float text_h = ImGui::CalcTextSize(msg.c_str(), nullptr, false, inner).y;
  const float h = text_h + st.ItemSpacing.y + ImGui::GetTextLineHeight() + 2 * st.WindowPadding.y;
  return std::min(h, 8 * ImGui::GetTextLineHeightWithSpacing() + 2 * st.WindowPadding.y);
}

void draw_plot(ViewState& v) {
  place_window(v, 0.2f, 0.0f, 0.55f, 0.70f);
  ImGui::Begin("Entropy", nullptr, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  const auto& s = *v.snap;

  // Header: units and a legend.
  int u = int(v.units);
  ImGui::TextDisabled("units");
  ImGui::SameLine();
  ImGui::RadioButton("nats", &u, 0);
  ImGui::SameLine();
  ImGui::RadioButton("bits", &u, 1);
  ImGui::SameLine();
  ImGui::RadioButton("exp(H)", &u, 2);
  v.units = Units(u);
  ImGui::SameLine(0, 24);
  ImGui::Checkbox("focus", &v.focus);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("show the future and the last %d past rows (off: the whole window)", v.focus_past);
  ImGui::SameLine(0, 24);
  ImGui::Checkbox("next", &v.preview);
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("ring the rows the %s policy would collapse next (Collapse next, N)", s.settings.policy.c_str());
  v.remember("preview_toggle");
  ImGui::SameLine(0, 24);
  ImGui::TextDisabled("marks (?)");
  if (ImGui::IsItemHovered())
    ImGui::SetTooltip("%s\nfaint curve: before the last collapse\n"
                      "red: the past/future boundary and the last collapse", marks_help().c_str());
  if (!s.error.empty() && s.error_seq > v.error_seen) {
    // Errors in ink on a framed band: the accent stays reserved for the boundary and the collapse.
    // As tall as the wrapped message needs (every line shows), up to a cap past which it scrolls.
    const std::string msg = "error: " + s.error;
    ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg));
    ImGui::BeginChild("error", ImVec2(-1, error_banner_height(msg, ImGui::GetContentRegionAvail().x)), true);
    ImGui::TextWrapped("%s", msg.c_str());
    if (ImGui::SmallButton("dismiss")) v.error_seen = s.error_seq;
    ImGui::EndChild();
    ImGui::PopStyleColor();
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float W = std::max(avail.x, 64.0f), H = std::max(avail.y, 64.0f);
  const auto& c = s.cur;
  PlotScene sc = make_plot_scene(s, W, H, v.units, v.focus, v.focus_past, v.pal);
  const int r0 = sc.row0;

  // Hover and click, in the scene's coordinates.
  const ImVec2 m = ImGui::GetMousePos();
  const bool inside = ImGui::IsWindowHovered() && m.x >= origin.x && m.y >= origin.y && m.x < origin.x + W && m.y < origin.y + H;
  const int hit_scene = inside ? sc.hit(m.x - origin.x, m.y - origin.y) : -1;
  const int hit = hit_scene >= 0 ? r0 + hit_scene : -1;  // window row
  if (!ImGui::IsPopupOpen("collapse") && !ImGui::IsPopupOpen("edit past")) v.hover = hit;
  sc.hover = v.hover >= r0 ? v.hover - r0 : -1;

  // Redraw the texture only when what it shows changed.
  const uint64_t key = std::hash<std::string>()(std::to_string(s.version) + ":" + std::to_string(sc.w) + "x" +
                                                std::to_string(sc.h) + ":" + std::to_string(sc.hover) + ":" +
                                                std::to_string(u) + ":" + std::to_string(r0));
  if (key != v.plot_key || v.plot_fb.tex() == 0) {
    v.plot->render(sc, v.plot_fb);
    v.plot_key = key;
  }
  v.scene = sc;
  v.plot_rect = Rect{origin.x, origin.y, sc.w, sc.h};
  ImGui::Image((ImTextureID)(intptr_t)v.plot_fb.tex(), ImVec2(sc.w, sc.h), ImVec2(0, 1), ImVec2(1, 0));

  // Axes text on top of the texture.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 accent = ImGui::ColorConvertFloat4ToU32(ImVec4(v.pal.accent.r, v.pal.accent.g, v.pal.accent.b, 1));
  const float px = ImGui::GetFontSize();
  for (const auto& t : plot_texts(sc, px, px))
    dl->AddText(ImVec2(origin.x + t.x, origin.y + t.y), t.accent ? accent : muted, t.text.c_str());

  // The comparison over the same positions: its curve (an AR baseline: one marker, its next token).
  if (s.compare && s.compare->loaded) {
    const ImU32 cc = ImGui::ColorConvertFloat4ToU32(kCompareColour);
    std::vector<ImVec2> pts;
    int shown = 0;
    for (int k = 0; k < sc.rows(); ++k) {
      const CompareRow cr = compare_row(s, s.offset + r0 + k);
      if (!cr.present) {
        if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), cc, 0, 1.6f);
        pts.clear();
        continue;
      }
      const float e = float(to_units(std::max(0.0f, cr.entropy), v.units));
      const ImVec2 at(origin.x + sc.x_of(float(k)), origin.y + sc.y_of(e));
      pts.push_back(at);
      const float r = cr.next_token ? 6.0f : 3.0f;  // an AR baseline's one point must not hide under the marker
      dl->AddRectFilled(ImVec2(at.x - r, at.y - r), ImVec2(at.x + r, at.y + r), cc);
      ++shown;
    }
    if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), cc, 0, 1.6f);
    // The file and its directory: a run's checkpoint is always ckpt.safetensors.
    const std::string& path = s.compare->checkpoint;
    const size_t cut = path.find_last_of('/'), dir = cut == std::string::npos || cut == 0 ? std::string::npos : path.find_last_of('/', cut - 1);
    const std::string name = dir == std::string::npos ? path : path.substr(dir + 1);
    const std::string legend = "blue: " + name + (is_ar(*s.compare) ? " (AR baseline: its next-token entropy)" : "") +
                               (s.compare->error.empty() ? "" : "  - " + s.compare->error);
    dl->AddText(ImVec2(origin.x + sc.w - ImGui::CalcTextSize(legend.c_str()).x - 8, origin.y + 4), cc, legend.c_str());
    v.compare_points = shown;
  } else {
    v.compare_points = 0;
  }

  // What the active policy would collapse next: the policy itself (plain data in) on the rows shown.
  v.preview_rows.clear();
  if (v.preview && s.loaded && c.length > 0) {
    try {
      for (const auto& ch : make_policy(s.settings.policy, s.settings.params)->choose(c.entropy, c.status, c.n_past))
        v.preview_rows.push_back({s.offset + ch.pos, ch.partial});
    } catch (const std::exception&) {  // manual, or parameters the session refused: nothing to ring
    }
    for (const auto& [pos, partial] : v.preview_rows) {
      const int k = int(pos - s.offset) - r0;
      if (k < 0 || k >= sc.rows()) continue;
      const ImVec2 at(origin.x + sc.x_of(float(k)), origin.y + sc.y_of(sc.entropy[size_t(k)]));
      dl->AddCircle(at, px * 0.75f, accent, 20, partial ? 1.2f : 2.2f);
      dl->AddText(ImVec2(at.x - px * 0.3f, at.y - px * 2.0f), accent, "N");
    }
  }

  if (hit >= 0 && !ImGui::IsPopupOpen("collapse") && !ImGui::IsPopupOpen("edit past")) {
    row_tooltip(v, hit);
    if (ImGui::IsMouseClicked(0)) hit >= c.n_past ? open_collapse_popup(v, hit) : open_edit_popup(v, hit);
  }
  draw_collapse_popup(v);
  draw_edit_popup(v);
  ImGui::End();
}

}  // namespace wfc::viz
