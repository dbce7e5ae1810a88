// The entropy plot's geometry: a click lands on the row whose marker is drawn there, in the lab's
// scene and in a zoomed (focus) scene; outside the plot area nothing is hit.
#include <gtest/gtest.h>

#include "viz/plot_scene.h"
#include "viz_snapshot.h"

using namespace wfc::viz;

TEST(PlotScene, EveryMarkerIsHitAtItsOwnCentre) {
  const auto s = wfc::test::small_snapshot();
  const PlotScene sc = make_plot_scene(s, 800, 400, Units::Nats, false, 24, dark_palette());
  ASSERT_EQ(sc.rows(), 16);
  for (int i = 0; i < sc.rows(); ++i) EXPECT_EQ(sc.hit(sc.x_of(float(i)), sc.y_of(sc.entropy[i])), i);
  // Column edges: just inside each side of the boundary between rows 7 and 8.
  const float edge = sc.left + 8 * sc.plot_w() / 16;
  EXPECT_EQ(sc.hit(edge - 0.5f, 200), 7);
  EXPECT_EQ(sc.hit(edge + 0.5f, 200), 8);
  EXPECT_FLOAT_EQ(sc.boundary_x(), edge);
}

TEST(PlotScene, OutsideThePlotAreaNothingIsHit) {
  const auto s = wfc::test::small_snapshot();
  const PlotScene sc = make_plot_scene(s, 800, 400, Units::Nats, false, 24, dark_palette());
  EXPECT_EQ(sc.hit(sc.left - 1, 200), -1);
  EXPECT_EQ(sc.hit(sc.w - sc.right + 1, 200), -1);
  EXPECT_EQ(sc.hit(400, sc.top - 11), -1);
  EXPECT_EQ(sc.hit(400, sc.h - sc.bottom + 11), -1);
  EXPECT_EQ(sc.hit(400, sc.top - 9), 7);  // a margin of 10 pixels above the plot still counts
  PlotScene empty;
  EXPECT_EQ(empty.hit(400, 200), -1);
}

TEST(PlotScene, FocusDropsOldPastRowsAndKeepsPositionsAbsolute) {
  auto s = wfc::test::small_snapshot(40);
  s.offset = 100;           // 100 tokens slid out before this window
  s.last_collapse = 100 + 41;  // absolute
  const PlotScene sc = make_plot_scene(s, 800, 400, Units::Nats, true, 4, dark_palette());
  EXPECT_EQ(sc.row0, 36);   // the last 4 past rows and the 8 future ones
  EXPECT_EQ(sc.rows(), 12);
  EXPECT_EQ(sc.n_past, 4);
  EXPECT_EQ(sc.first_pos, 136);
  EXPECT_EQ(sc.accent, 5);  // window row 41 is scene row 5
  EXPECT_EQ(sc.hit(sc.x_of(5), sc.y_of(sc.entropy[5])) + sc.row0, 41);
  // A short past is never zoomed.
  EXPECT_EQ(make_plot_scene(wfc::test::small_snapshot(8), 800, 400, Units::Nats, true, 4, dark_palette()).row0, 0);
}

TEST(PlotScene, ScaleGrowsMarginsAndUnitsChangeTheGrid) {
  const auto s = wfc::test::small_snapshot();
  const PlotScene a = make_plot_scene(s, 800, 400, Units::Nats, false, 24, dark_palette(), 1.0f);
  const PlotScene b = make_plot_scene(s, 1600, 800, Units::Bits, false, 24, dark_palette(), 2.0f);
  EXPECT_FLOAT_EQ(b.left, 2 * a.left);
  EXPECT_FLOAT_EQ(b.x_of(3) , 2 * a.x_of(3));
  // log(16) = 2.77 nats: grid 0, 1, 2 nats; in bits 0..4.
  EXPECT_EQ(a.grid_labels, (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(b.grid_labels, (std::vector<std::string>{"0", "1", "2", "3", "4"}));
  EXPECT_EQ(a.accent, 9);
}
