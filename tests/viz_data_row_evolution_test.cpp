// Row evolution (viz/row_evolution.h) from a synthetic timeline: points only where the row is a
// future row, tokens ordered by the last point's rank plus earlier leaders, gaps where a token left
// the top-k, collapse marks, and a reset that starts positions over.
#include <gtest/gtest.h>

#include <cmath>

#include "viz/row_evolution.h"

namespace wfc::viz {
namespace {

// A window of 4 rows at `offset` with n_past past rows; the future rows' top-2 given as
// {id, p, id, p} per future row.
std::shared_ptr<const TimelineRow> row(int64_t it, int64_t offset, int n_past, std::vector<std::vector<float>> top,
                                       TimelineRow::Event ev = TimelineRow::None, int64_t ev_pos = -1) {
  TimelineRow r;
  r.iteration = it;
  r.offset = offset;
  r.n_past = n_past;
  r.entropy.assign(4, 1.0f);
  r.event = ev;
  r.event_pos = ev_pos;
  r.k = 2;
  for (const auto& t : top) {
    r.topk_ids.push_back(int32_t(t[0]));
    r.topk_probs.push_back(t[1]);
    r.topk_ids.push_back(int32_t(t[2]));
    r.topk_probs.push_back(t[3]);
  }
  return std::make_shared<const TimelineRow>(r);
}

TEST(RowEvolution, FollowsOneRowWhileItIsInTheFuture) {
  std::vector<std::shared_ptr<const TimelineRow>> tl;
  // Position 3 is window row 3 (future row 1 of 2) at offset 0, then row 2 after a slide.
  tl.push_back(row(1, 0, 2, {{5, .3f, 6, .2f}, {7, .4f, 8, .3f}}, TimelineRow::Reset, 0));
  tl.push_back(row(2, 0, 2, {{5, .5f, 6, .2f}, {8, .5f, 7, .3f}}));                        // 8 takes the lead
  tl.push_back(row(3, 0, 2, {{5, .6f, 6, .2f}, {8, .5f, 9, .2f}}, TimelineRow::Collapse, 2));  // 7 leaves the top-2
  tl.push_back(row(4, 1, 2, {{9, .6f, 8, .3f}, {1, .5f, 2, .2f}}, TimelineRow::Collapse, 3));  // slid: pos 3 is row 2
  tl.push_back(row(5, 2, 2, {{1, .5f, 2, .2f}, {3, .5f, 4, .2f}}, TimelineRow::Mint, 3));      // pos 3 is past now
  const RowEvolution ev = row_evolution(tl, 3);
  ASSERT_EQ(ev.iterations, (std::vector<int64_t>{1, 2, 3, 4}));
  // The last point's top-2 (9, 8), then the earlier leader 7.
  ASSERT_EQ(ev.series.size(), 3u);
  EXPECT_EQ(ev.series[0].token, 9);
  EXPECT_EQ(ev.series[1].token, 8);
  EXPECT_EQ(ev.series[2].token, 7);
  EXPECT_TRUE(std::isnan(ev.series[0].p[0]));  // 9 was outside the top-2 at first
  EXPECT_FLOAT_EQ(ev.series[0].p[2], .2f);
  EXPECT_FLOAT_EQ(ev.series[1].p[1], .5f);
  EXPECT_FLOAT_EQ(ev.series[2].p[1], .3f);
  EXPECT_TRUE(std::isnan(ev.series[2].p[2]));  // 7 left the top-2
  EXPECT_EQ(ev.collapses, std::vector<int>{2});  // a collapse elsewhere (position 2) before point 2
  EXPECT_EQ(ev.own_collapse, 3);                 // its own collapse before point 3

  // A past position, or one beyond the window, has no points.
  EXPECT_TRUE(row_evolution(tl, 1).iterations.empty());
  EXPECT_TRUE(row_evolution(tl, 40).iterations.empty());
  // After a reset the positions start over: earlier rows are not this session's.
  tl.push_back(row(6, 0, 3, {{11, .9f, 12, .1f}}, TimelineRow::Reset, 0));
  const RowEvolution fresh = row_evolution(tl, 3);
  ASSERT_EQ(fresh.iterations, std::vector<int64_t>{6});
  EXPECT_EQ(fresh.series[0].token, 11);
}

}  // namespace
}  // namespace wfc::viz
