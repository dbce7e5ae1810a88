// Training, live: one or more runs' metrics.jsonl plotted while they grow (wfc view --run DIR, or
// File > Open run): the future rows' NLL by step, eval first-future NLL, entropy by distance at
// the latest eval, tokens/s. Each run can open its newest checkpoint in the lab.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "viz/run_metrics.h"
#include "viz/windows.h"

namespace wfc::viz {

namespace {

struct Series {
  std::vector<double> x, y;
  ImU32 col;
};

// A line plot with its y range from the data, min/max labels and the x range under it.
void line_plot(const char* title, const std::vector<Series>& ss, ImVec2 size, const char* xlabel) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 muted = ImGui::GetColorU32(ImGuiCol_TextDisabled), grid = ImGui::GetColorU32(ImGuiCol_Border);
  const float th = ImGui::GetTextLineHeight();
  const ImVec2 o = ImGui::GetCursorScreenPos();
  dl->AddText(o, muted, title);
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  for (const auto& s : ss)
    for (size_t i = 0; i < s.x.size(); ++i)
      if (std::isfinite(s.y[i])) {
        x0 = std::min(x0, s.x[i]), x1 = std::max(x1, s.x[i]);
        y0 = std::min(y0, s.y[i]), y1 = std::max(y1, s.y[i]);
      }
  const float lm = 52, top = o.y + th + 2, W = std::max(40.0f, size.x - lm - 6), H = std::max(30.0f, size.y - 2 * th - 8);
  dl->AddRect(ImVec2(o.x + lm, top), ImVec2(o.x + lm + W, top + H), grid);
  if (x0 <= x1) {
    const double lo = y0, hi = y1;  // labelled: the data's own range, not the padded one
    if (y1 - y0 < 1e-9) y0 -= 0.5, y1 += 0.5;
    if (x1 - x0 < 1e-9) x0 -= 0.5, x1 += 0.5;
    const double pad = 0.05 * (y1 - y0);
    y0 -= pad, y1 += pad;
    auto P = [&](double x, double y) {
      return ImVec2(o.x + lm + float((x - x0) / (x1 - x0)) * W, top + H - float((y - y0) / (y1 - y0)) * H);
    };
    for (const auto& s : ss) {
      std::vector<ImVec2> pts;
      for (size_t i = 0; i < s.x.size(); ++i)
        if (std::isfinite(s.y[i])) pts.push_back(P(s.x[i], s.y[i]));
      if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), s.col, 0, 1.8f);
      for (const auto& p : pts)
        if (pts.size() < 40) dl->AddCircleFilled(p, 2.5f, s.col);
    }
    char b[64];
    std::snprintf(b, sizeof b, "%.4g", hi);
    dl->AddText(ImVec2(o.x, P(x0, hi).y - th / 2), muted, b);
    std::snprintf(b, sizeof b, "%.4g", lo);
    dl->AddText(ImVec2(o.x, P(x0, lo).y - th / 2), muted, b);
    std::snprintf(b, sizeof b, "%.0f", x0);
    dl->AddText(ImVec2(o.x + lm, top + H + 2), muted, b);
    std::snprintf(b, sizeof b, "%.0f %s", x1, xlabel);
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
  if (ImGui::Button("Add run") && !v.run_input.empty()) add_run(v, v.run_input);
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

  std::vector<Series> loss, ff, ent, tps;
  for (size_t i = 0; i < v.runs.size(); ++i) {
    const auto& r = v.runs[i];
    const ImU32 col = ImGui::ColorConvertFloat4ToU32(colour(i));
    Series a{{}, {}, col}, b{{}, {}, col}, c{{}, {}, col}, d{{}, {}, col};
    for (const auto& t : r.train) {
      a.x.push_back(double(t.step)), a.y.push_back(t.future_nll);
      d.x.push_back(double(t.step)), d.y.push_back(t.tokens_per_s);
    }
    for (const auto& e : r.eval) b.x.push_back(double(e.step)), b.y.push_back(e.first_future_nll);
    if (!r.eval.empty())
      for (size_t k = 0; k < r.eval.back().entropy_by_distance.size(); ++k)
        c.x.push_back(double(k + 1)), c.y.push_back(r.eval.back().entropy_by_distance[k]);
    loss.push_back(a), ff.push_back(b), ent.push_back(c), tps.push_back(d);
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 cell(std::max(160.0f, avail.x / 2 - 6), std::max(100.0f, avail.y / 2 - 6));
  ImGui::BeginGroup();
  line_plot("future NLL, last iteration (train)", loss, cell, "step");
  line_plot("first-future NLL (eval)", ff, cell, "step");
  ImGui::EndGroup();
  ImGui::SameLine();
  ImGui::BeginGroup();
  line_plot("entropy by distance (latest WFC eval, nats)", ent, cell, "d");
  line_plot("tokens/s", tps, cell, "step");
  ImGui::EndGroup();
  v.remember("training_plots");
  ImGui::End();
}

}  // namespace wfc::viz
