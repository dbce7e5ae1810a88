#include "viz/row_evolution.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace wfc::viz {

RowEvolution row_evolution(const std::vector<std::shared_ptr<const TimelineRow>>& tl, int64_t pos, int max_tokens) {
  RowEvolution ev;
  ev.pos = pos;
  size_t start = 0;
  for (size_t t = 0; t < tl.size(); ++t)
    if (tl[t]->event == TimelineRow::Reset) start = t;  // positions restart with a new session
  // The rows at which `pos` is a future row with its top-k: (timeline index, row within the top-k).
  std::vector<std::pair<size_t, int64_t>> at;
  for (size_t t = start; t < tl.size(); ++t) {
    const auto& r = *tl[t];
    const int64_t f = pos - r.offset - r.n_past;
    if (f >= 0 && r.k > 0 && size_t((f + 1) * r.k) <= r.topk_ids.size()) at.emplace_back(t, f);
  }
  if (at.empty()) return ev;
  auto top = [&](size_t j, int c) { const auto& r = *tl[at[j].first]; return r.topk_ids[size_t(at[j].second * r.k + c)]; };
  // Tokens: the last point's best first, then earlier leaders (a guess that wavered).
  std::vector<int32_t> tokens;
  const auto& last = *tl[at.back().first];
  // A one-hot (collapsed) row's top-k is its token and then fillers at probability 0: not guesses.
  auto prob = [&](size_t j, int c) { const auto& r = *tl[at[j].first]; return r.topk_probs[size_t(at[j].second * r.k + c)]; };
  for (int c = 0; c < std::min(last.k, max_tokens); ++c)
    if (prob(at.size() - 1, c) > 0) tokens.push_back(top(at.size() - 1, c));
  int extra = 0;
  for (size_t j = 0; j < at.size() && extra < 2; ++j) {
    const int32_t lead = top(j, 0);
    if (std::find(tokens.begin(), tokens.end(), lead) == tokens.end()) {
      tokens.push_back(lead);
      ++extra;
    }
  }
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (int32_t tok : tokens) ev.series.push_back({tok, std::vector<float>(at.size(), nan)});
  for (size_t j = 0; j < at.size(); ++j) {
    const auto& r = *tl[at[j].first];
    ev.iterations.push_back(r.iteration);
    for (int c = 0; c < r.k; ++c) {
      if (topk_filler(prob(j, c))) continue;
      const int32_t id = top(j, c);
      for (auto& s : ev.series)
        if (s.token == id) s.p[j] = r.topk_probs[size_t(at[j].second * r.k + c)];
    }
    if (r.event == TimelineRow::Collapse || r.event == TimelineRow::Edit) {  // an edit is always elsewhere (the past)
      if (r.event_pos == pos) ev.own_collapse = int(j);
      else ev.collapses.push_back(int(j));
    }
  }
  return ev;
}

}  // namespace wfc::viz
