// Training, live: one or more runs' metrics.jsonl plotted while they grow (wfc view --run DIR, or
// File > Open run): the future rows' NLL by step, eval first-future NLL, entropy by distance at
// the latest eval, tokens/s. Each run can open its newest checkpoint in the lab.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "viz/run_metrics.h"
#include "viz/training_figure.h"
#include "viz/windows.h"

namespace wfc::viz {

namespace {

// A line plot from the shared plot list (viz/training_figure.h): its title, the data's own y range
// labelled, the x range under it, each run in its series colour.
void line_plot(const TrainingPlot& p, ImVec2 size) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled), grid = ImGui::GetColorU32(ImGuiCol_Border);
  const float th = ImGui::GetTextLineHeight();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  dl->AddText(o, muted, p.title.c_str());
  const PlotRange r = plot_range(p);
  const float lm = 52, top = o.y + th + 2, W = std::max(40.0f, size.x - lm - 6), H = std::max(30.0f, size.y - 2 * th - 8);
  dl->AddRect(ImVec2(o.x + lm, top), ImVec2(o.x + lm + W, top + H), grid);
  if (r.any) {
    auto P = [&](double x, double y) {
      return ImVec2(o.x + lm + float((x - r.x0) / (r.x1 - r.x0)) * W, top + H - float((y - r.y0) / (r.y1 - r.y0)) * H);
    };
    for (size_t s = 0; s < p.x.size(); ++s) {
      const Rgba c = series_colour(s);
      const ImU32 col = ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, c.a));
      std::vector<ImVec2> pts;
      const size_t n = std::min(p.x[s].size(), p.y[s].size());
      for_plotted(n, [&](size_t i) {
        if (std::isfinite(p.y[s][i])) pts.push_back(P(p.x[s][i], p.y[s][i]));
      });
      if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), col, 0, 1.8f);
      for (const auto& q : pts)
        if (n < kDotsBelow) dl->AddCircleFilled(q, 2.5f, col);
    }
    char b[64];
    std::snprintf(b, sizeof b, "%.4g", r.hi);
    dl->AddText(ImVec2(o.x, P(r.x0, r.hi).y - th / 2), muted, b);
    std::snprintf(b, sizeof b, "%.4g", r.lo);
    dl->AddText(ImVec2(o.x, P(r.x0, r.lo).y - th / 2), muted, b);
    std::snprintf(b, sizeof b, "%.0f", r.x0);
    dl->AddText(ImVec2(o.x + lm, top + H + 2), muted, b);
    std::snprintf(b, sizeof b, "%.0f %s", r.x1, p.xlabel.c_str());
    dl->AddText(ImVec2(o.x + lm + W - ImGui::CalcTextSize(b).x, top + H + 2), muted, b);
  } else {
    dl->AddText(ImVec2(o.x + lm + 8, top + 8), muted, "no points yet");
  }
  ImGui::Dummy(size);
}

}  // namespace

void add_run(ViewState& v, const std::string& dir) {
  for (const auto& r : v.runs)
    if (r.dir == dir) return;
  RunMetrics r;
  r.dir = dir;
  poll_run(r);
  v.runs.push_back(std::move(r));
  v.show_training = true;
}

void draw_training(ViewState& v) {
  if (!v.show_training) return;
  // Runs are re-read once a second: a poll reads only what was appended.
  const double now = ImGui::GetTime();
  if (now - v.runs_polled_at > 1.0) {
    for (auto& r : v.runs) poll_run(r);
    v.runs_polled_at = now;
  }
  begin_tool_window(v, "Training", v.show_training, v.raise_training, v.front_training, 860, 560, 80, 60);
  v.remember("training_window");
  char buf[1024];
  std::snprintf(buf, sizeof buf, "%s", v.run_input.c_str());
  ImGui::SetNextItemWidth(360);
  if (ImGui::InputTextWithHint("##run", "run directory (holds metrics.jsonl)", buf, sizeof buf)) v.run_input = buf;
  v.remember("run_input");
  ImGui::SameLine();
  if (ImGui::Button("Add run") && !v.run_input.empty()) {
    add_run(v, v.run_input);
    v.run_input.clear();  // listed below now; the box is ready for the next run
  }
  v.remember("add_run");

  auto colour = [](size_t k) { const Rgba c = series_colour(k); return ImVec4(c.r, c.g, c.b, c.a); };
  int remove = -1;
  for (size_t i = 0; i < v.runs.size(); ++i) {
    const auto& r = v.runs[i];
    ImGui::PushID(int(i));
    ImGui::TextColored(colour(i), "%s", r.dir.c_str());
    ImGui::SameLine();
    if (!r.error.empty()) ImGui::TextDisabled("(%s)", r.error.c_str());
    else
      ImGui::TextDisabled("%zu train, %zu eval points%s", r.train.size(), r.eval.size(),
                          r.bad_lines ? (", " + std::to_string(r.bad_lines) + " bad lines skipped").c_str() : "");
    ImGui::SameLine();
    if (ImGui::SmallButton("Open newest checkpoint")) {
      LabCommand c;
      c.kind = CmdKind::Load;
      c.text = (std::filesystem::path(r.dir) / "ckpt.safetensors").string();
      v.send(c, false);
    }
    v.remember("open_run_ckpt_" + std::to_string(i));
    ImGui::SameLine();
    if (ImGui::SmallButton("remove")) remove = int(i);
    ImGui::PopID();
  }
  if (remove >= 0) v.runs.erase(v.runs.begin() + remove);
  // The plots as a figure in the entropy frames' look, at the Export window's size and paper.
  if (ImGui::Button("Export PNG")) v.export_training = 1;
  v.remember("training_png");
  ImGui::SameLine();
  if (ImGui::Button("Export SVG")) v.export_training = 2;
  v.remember("training_svg");
  ImGui::SameLine();
  ImGui::TextDisabled("%s", v.training_msg.empty() ? ("to " + v.export_dir + "/, " + std::to_string(v.export_w) + "x" +
                                                      std::to_string(v.export_h) + " (File > Export sets both)").c_str()
                                                   : v.training_msg.c_str());

  const auto plots = training_plots(v.runs);  // 2 x 2, by rows
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 cell(std::max(160.0f, avail.x / 2 - 6), std::max(100.0f, avail.y / 2 - 6));
  for (size_t i = 0; i < plots.size(); ++i) {
    if (i % 2) ImGui::SameLine();
    line_plot(plots[i], cell);
  }
  v.remember("training_plots");
  ImGui::End();
}

}  // namespace wfc::viz
