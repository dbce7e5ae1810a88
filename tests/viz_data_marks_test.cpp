// The drawing vocabulary: one mark per status, read by the legend and the SVG; spacetime ticks
// placed on their row and position; the frame legend laid out without overlaps.
#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "viz/frame_composer.h"
#include "viz/frame_layout.h"
#include "viz/marks.h"
#include "viz_snapshot.h"

using namespace wfc;
using namespace wfc::viz;

TEST(Marks, OneMarkPerStatusEachShapeDistinct) {
  std::set<int> statuses, shapes;
  for (const auto& m : marks()) {
    statuses.insert(int(m.status));
    shapes.insert(int(m.shape));
    EXPECT_GT(m.radius, 0);
  }
  EXPECT_EQ(statuses.size(), 5u);
  EXPECT_EQ(shapes.size(), 5u);
  EXPECT_EQ(mark_of(RowStatus::Free).shape, MarkShape::Ring);
  EXPECT_EQ(mark_of(RowStatus::Collapsed).shape, MarkShape::Disc);
  EXPECT_EQ(mark_of(RowStatus::Partial).shape, MarkShape::FillRing);
  EXPECT_EQ(mark_of(RowStatus::Pinned).shape, MarkShape::Square);
  EXPECT_EQ(mark_of(RowStatus::Past).shape, MarkShape::Dot);
  EXPECT_EQ(marks_help(), "ring: free   disc: collapsed   ring filled by alpha: partial   square: pinned   dot: past");
}

TEST(Marks, LegendHasEveryMarkInOrderWithoutOverlap) {
  FrameStyle st;
  st.w = 1920, st.h = 1080;
  const FrameLayout L = layout_frame(st);
  const auto items = legend_items(L);
  ASSERT_EQ(items.size(), marks().size() + 3);
  for (size_t i = 0; i < marks().size(); ++i) {
    EXPECT_EQ(items[i].kind, LegendItem::Status);
    EXPECT_EQ(items[i].status, marks()[i].status);
    EXPECT_EQ(items[i].label, marks()[i].name);
  }
  for (size_t i = 1; i < items.size(); ++i) {
    const float prev_end = items[i - 1].tx + mono_text_width(items[i - 1].label, L.small_px);
    EXPECT_GT(items[i].cx - kAccentRingRadius * L.k, prev_end) << items[i].label;
  }
  EXPECT_LT(items.back().tx + mono_text_width(items.back().label, L.small_px), float(st.w));
}

// The SVG draws each status with the table's radius, scaled like the PNG: the ring radii of the
// SVG and the GL renderer used to differ (3.8 vs 4.6), and the SVG's pinned square had no dot.
TEST(Marks, SvgMarksUseTheTableRadii) {
  const auto s = test::small_snapshot();
  FrameStyle st;
  st.w = 1280, st.h = 720;  // k = 1
  const std::string svg = frame_svg(s, st);
  const Mark& ring = mark_of(RowStatus::Free);
  char want[64];
  std::snprintf(want, sizeof want, "r=\"%.2f\" fill=\"none\"", ring.radius - ring.stroke / 2);
  EXPECT_NE(svg.find(want), std::string::npos) << want;
  std::snprintf(want, sizeof want, "r=\"%.2f\"", kPinnedDot * mark_of(RowStatus::Pinned).radius);
  EXPECT_NE(svg.find(want), std::string::npos) << "the pinned square's dot";
  std::snprintf(want, sizeof want, "r=\"%.2f\"", mark_of(RowStatus::Past).radius);
  EXPECT_NE(svg.find(want), std::string::npos);
  // The spacetime's collapse tick is in the SVG as it is in the lab.
  st.spacetime = true;
  EXPECT_NE(frame_svg(s, st).find("<polygon"), std::string::npos);
}

TEST(SpacetimeMarks, TicksSitOnTheirIterationAndPosition) {
  auto s = test::small_snapshot();
  auto mint = std::make_shared<TimelineRow>(*s.timeline.back());
  mint->event = TimelineRow::Mint, mint->event_pos = 8;
  auto reset = std::make_shared<TimelineRow>(*s.timeline.back());
  reset->event = TimelineRow::Reset;
  s.timeline.push_back(mint);
  s.timeline.push_back(reset);
  // 8 rows over 160 px (20 each), positions [0, 16) over 320 px (20 each).
  const auto m = spacetime_marks(s.timeline, 8, 0, 16, 320, 160);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].kind, SpaceMark::Collapse);
  EXPECT_FLOAT_EQ((m[0].x0 + m[0].x1) / 2, 9.5f * 20);  // centre of position 9's column
  EXPECT_FLOAT_EQ(m[0].y1, 3 * 20);                   // the tip on iteration row 3
  EXPECT_EQ(m[1].kind, SpaceMark::Mint);
  EXPECT_FLOAT_EQ(m[1].y0, 6 * 20);
  EXPECT_EQ(m[2].kind, SpaceMark::Reset);
  EXPECT_FLOAT_EQ(m[2].x1, 320);
  // Only the last n rows are shown; an event outside the positions shown is left out.
  EXPECT_EQ(spacetime_marks(s.timeline, 2, 0, 16, 320, 160).size(), 2u);
  EXPECT_EQ(spacetime_marks(s.timeline, 8, 10, 16, 320, 160).size(), 1u);
}
