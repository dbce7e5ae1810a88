// A small hand-made lab snapshot for the viz tests (no model, no torch).
#pragma once
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "viz/lab_data.h"

namespace wfc::test {

// n_past past rows, 8 future rows with one of every status; vocabulary of 16 pieces.
inline viz::LabSnapshot small_snapshot(int n_past = 8) {
  viz::LabSnapshot s;
  s.loaded = true;
  s.log_vocab = std::log(16.0);
  auto vocab = std::make_shared<std::vector<std::string>>();
  for (int i = 0; i < 16; ++i) vocab->push_back(" w" + std::to_string(i));
  s.vocab = vocab;
  auto& c = s.cur;
  c.n_past = n_past;
  c.length = n_past + 8;
  c.k = 2;
  for (int i = 0; i < c.length; ++i) {
    const bool past = i < c.n_past;
    c.entropy.push_back(past ? 0.0f : 0.3f * float(i - c.n_past + 1));
    c.argmax.push_back(i % 16);
    c.topk_ids.insert(c.topk_ids.end(), {i % 16, (i + 1) % 16});
    c.topk_probs.insert(c.topk_probs.end(), {past ? 1.0f : 0.6f, past ? 0.0f : 0.2f});
    c.status.push_back(uint8_t(past ? RowStatus::Past : RowStatus::Free));
    c.alpha.push_back(0);
    c.update.push_back(0);
    c.kl.push_back(0);
  }
  c.status[n_past + 1] = uint8_t(RowStatus::Collapsed);
  c.status[n_past + 2] = uint8_t(RowStatus::Partial);
  c.alpha[n_past + 2] = 0.5f;
  c.status[n_past + 3] = uint8_t(RowStatus::Pinned);
  s.last_collapse = n_past + 1;
  for (int it = 0; it < 6; ++it) {
    auto r = std::make_shared<viz::TimelineRow>();
    r->iteration = it + 1;
    r->n_past = n_past;
    r->entropy = c.entropy;
    if (it == 3) r->event = viz::TimelineRow::Collapse, r->event_pos = n_past + 1;
    s.timeline.push_back(r);
  }
  return s;
}

}  // namespace wfc::test
