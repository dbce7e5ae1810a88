#include "viz/compare_view.h"

namespace wfc::viz {

bool is_ar(const LabSnapshot& s) {
  for (const auto& [label, value] : s.info)
    if (label == "objective") return value == "ar";
  return false;
}

CompareRow compare_row(const LabSnapshot& s, int64_t pos) {
  CompareRow r;
  if (!s.compare || !s.compare->loaded) return r;
  const LabSnapshot& c = *s.compare;
  const auto& cur = c.cur;
  const int64_t i = pos - c.offset;
  if (i < cur.n_past || i >= cur.length) return r;  // past there, or outside its window
  r.next_token = is_ar(c);
  if (r.next_token && i != cur.n_past) return r;    // an AR model predicts the next token only
  r.present = true;
  r.entropy = cur.entropy.at(size_t(i));
  for (int j = 0; j < cur.k; ++j) {
    const float p = cur.topk_probs.at(size_t(i) * size_t(cur.k) + size_t(j));
    if (topk_filler(p)) break;  // sorted: no guesses after it
    r.top.emplace_back(cur.topk_ids.at(size_t(i) * size_t(cur.k) + size_t(j)), p);
  }
  return r;
}

}  // namespace wfc::viz
