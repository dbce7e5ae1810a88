// Row evolution: one future row's top tokens across the iterations the timeline kept, so a user
// sees a guess form, waver and settle. Plain data from the timeline (TimelineRow::topk_*).
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

#include "viz/lab_data.h"

namespace wfc::viz {

struct RowEvolution {
  int64_t pos = -1;                    // absolute position followed
  std::vector<int64_t> iterations;     // engine iteration of each point (the row was a future row)
  struct Series {
    int32_t token = -1;
    std::vector<float> p;              // per point; NaN where the token was outside that iteration's top-k
  };
  std::vector<Series> series;          // the last point's top tokens by rank, then tokens that led earlier
  std::vector<int> collapses;          // points that follow a collapse (or an edit of the past) elsewhere in the window
  int own_collapse = -1;               // the point that follows this row's own collapse (-1: none)
};

// Points come from rows after the session's last reset where `pos` is a future row with a top-k.
// At most max_tokens tokens of the last point, plus up to 2 earlier leaders.
RowEvolution row_evolution(const std::vector<std::shared_ptr<const TimelineRow>>& tl, int64_t pos, int max_tokens = 5);

}  // namespace wfc::viz
