// Convergence: the update norm and KL per iteration on a log scale, and how many iterations each
// re-convergence took.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "viz/windows.h"

namespace wfc::viz {

void draw_convergence(ViewState& v) {
  place_window(v, 0.75f, 0.55f, 0.25f, 0.45f);
  ImGui::Begin("Convergence", nullptr, ImGuiWindowFlags_NoScrollbar);
  const auto& s = *v.snap;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImU32 ink = ImGui::GetColorU32(ImGuiCol_Text), muted = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float th = ImGui::GetTextLineHeight();

  // Top: log10 of max |dx|/|x| (ink) and max KL (muted) over the last iterations, tolerance dashed.
  muted_wrapped("per iteration: update |dx|/|x| (ink), KL (grey), tolerance (dashed)");
  ImVec2 o = ImGui::GetCursorScreenPos();
  const float lm = ImGui::CalcTextSize("1e-7 ").x, W = avail.x - lm, H = std::max(40.0f, avail.y * 0.45f - 2 * th);
  const float lo = -7, hi = 1;  // decades
  auto ymap = [&](float val) { return o.y + H * (1 - (std::log10(std::max(val, 1e-7f)) - lo) / (hi - lo)); };
  for (int d = int(lo); d <= int(hi); d += 2) {
    const float y = ymap(std::pow(10.0f, float(d)));
    dl->AddLine(ImVec2(o.x + lm, y), ImVec2(o.x + lm + W, y), grid);
    char b[16];
    std::snprintf(b, sizeof b, "1e%d", d);
    dl->AddText(ImVec2(o.x, y - th / 2), muted, b);
  }
  const auto& tl = s.timeline;
  const int n = std::min<int>(int(tl.size()), std::max(8, int(W / 2)));
  if (n > 1) {
    const int first = int(tl.size()) - n;
    std::vector<ImVec2> up, kl;
    for (int i = 0; i < n; ++i) {
      const float x = o.x + lm + W * float(i) / float(n - 1);
      up.emplace_back(x, ymap(tl[first + i]->max_update));
      kl.emplace_back(x, ymap(tl[first + i]->max_kl));
    }
    dl->AddPolyline(kl.data(), int(kl.size()), muted, 0, 1.2f);
    dl->AddPolyline(up.data(), int(up.size()), ink, 0, 1.8f);
  }
  const float ty = ymap(s.settings.engine.tol);
  for (float x = o.x + lm; x < o.x + lm + W; x += 8) dl->AddLine(ImVec2(x, ty), ImVec2(std::min(x + 4, o.x + lm + W), ty), muted);
  // x axis: the iterations shown, oldest to newest.
  dl->AddLine(ImVec2(o.x + lm, o.y + H), ImVec2(o.x + lm + W, o.y + H), grid);
  {
    char a[48];
    std::snprintf(a, sizeof a, "last %d iterations, newest right", std::max(n, 0));
    dl->AddText(ImVec2(o.x + lm, o.y + H + 2), muted, a);
  }
  ImGui::Dummy(ImVec2(avail.x, H + th + 6));

  // Bottom: iterations per re-convergence, newest right.
  const auto& ci = s.converge_iters;
  std::vector<int> sorted(ci.begin(), ci.end());
  std::sort(sorted.begin(), sorted.end());
  const double med = sorted.empty() ? 0 : sorted[sorted.size() / 2];
  muted_wrapped("iterations per re-convergence: %zu runs, median %.0f (max iters %d dashed)", ci.size(), med,
                s.settings.engine.max_iters);
  o = ImGui::GetCursorScreenPos();
  const float H2 = std::max(30.0f, ImGui::GetContentRegionAvail().y - th - 8);
  const int maxit = std::max(1, std::max(s.settings.engine.max_iters, sorted.empty() ? 1 : sorted.back()));
  const int nb = std::min<int>(int(ci.size()), std::max(4, int(W / 7)));
  const float bw = std::min(12.0f, W / float(std::max(nb, 1)));
  for (int i = 0; i < nb; ++i) {
    const int it = ci[ci.size() - nb + i];
    const float x = o.x + lm + i * bw, hgt = H2 * float(it) / float(maxit);
    dl->AddRectFilled(ImVec2(x + 1, o.y + H2 - hgt), ImVec2(x + bw - 1, o.y + H2), it >= s.settings.engine.max_iters ? muted : ink);
  }
  // Axes: iterations up (0, the median, the cap), re-convergences across, newest right.
  dl->AddLine(ImVec2(o.x + lm - 2, o.y), ImVec2(o.x + lm - 2, o.y + H2), grid);
  dl->AddLine(ImVec2(o.x + lm - 2, o.y + H2), ImVec2(o.x + lm + W, o.y + H2), grid);
  const float cap_y = o.y + H2 - H2 * float(s.settings.engine.max_iters) / float(maxit);
  for (float x = o.x + lm; x < o.x + lm + W; x += 8) dl->AddLine(ImVec2(x, cap_y), ImVec2(std::min(x + 4, o.x + lm + W), cap_y), muted);
  char b[16];
  std::snprintf(b, sizeof b, "%d", maxit);
  dl->AddText(ImVec2(o.x, o.y), muted, b);
  if (med > 0 && H2 * med / maxit > 2 * th && H2 * (maxit - med) / maxit > 2 * th) {
    std::snprintf(b, sizeof b, "%.0f", med);
    dl->AddText(ImVec2(o.x, o.y + H2 - H2 * float(med) / float(maxit) - th / 2), muted, b);
  }
  dl->AddText(ImVec2(o.x, o.y + H2 - th), muted, "0");
  {
    char a[64];
    std::snprintf(a, sizeof a, "last %d re-convergences, newest right", nb);
    dl->AddText(ImVec2(o.x + lm, o.y + H2 + 2), muted, a);
  }
  ImGui::Dummy(ImVec2(avail.x, H2 + th + 4));
  ImGui::End();
}

}  // namespace wfc::viz
