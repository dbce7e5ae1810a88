// The Training window's plots as a figure (viz/training_figure.h): the same four plots the window
// draws, points placed by the data's own range, every run in its series colour and named, and the
// SVG carrying exactly the figure's shapes.
#include <gtest/gtest.h>

#include <string>

#include "viz/training_figure.h"

namespace wfc::viz {
namespace {

RunMetrics run(const std::string& dir, double nll0, int n) {
  RunMetrics r;
  r.dir = dir;
  for (int i = 0; i < n; ++i) {
    RunMetrics::Train t;
    t.step = 10 * (i + 1);
    t.future_nll = nll0 - 0.1 * i;
    t.tokens_per_s = 3000 + i;
    r.train.push_back(t);
  }
  RunMetrics::Eval e;
  e.step = 10 * n;
  e.first_future_nll = nll0 - 1;
  e.entropy_by_distance = {3.5, 5.0, 5.8};
  r.eval.push_back(e);
  return r;
}

TEST(TrainingFigure, PlotsTheRunsByTheirOwnRangeInTheFramesLook) {
  const std::vector<RunMetrics> runs = {run("runs/wfc", 7.0, 5), run("runs/ar", 5.0, 3)};
  const auto plots = training_plots(runs);
  ASSERT_EQ(plots.size(), 4u);
  EXPECT_EQ(plots[0].title, "train NLL: future rows, last iteration (AR: next token)");
  ASSERT_EQ(plots[0].x.size(), 2u);
  EXPECT_EQ(plots[0].x[0].size(), 5u);
  EXPECT_EQ(plots[0].y[1].size(), 3u);
  EXPECT_EQ(plots[1].y[0], (std::vector<double>{3.5, 5.0, 5.8}));  // entropy by distance, d = 1..3
  EXPECT_EQ(plots[1].x[0], (std::vector<double>{1, 2, 3}));
  const PlotRange r = plot_range(plots[0]);
  ASSERT_TRUE(r.any);
  EXPECT_DOUBLE_EQ(r.lo, 4.8);  // the AR run's last point
  EXPECT_DOUBLE_EQ(r.hi, 7.0);  // the WFC run's first
  EXPECT_DOUBLE_EQ(r.x0, 10);
  EXPECT_DOUBLE_EQ(r.x1, 50);
  EXPECT_LT(r.y0, r.lo);        // padded for drawing
  EXPECT_GT(r.y1, r.hi);

  FrameStyle st;
  st.w = 1280, st.h = 720;
  const Figure f = training_figure(runs, st);
  EXPECT_EQ(f.w, 1280);
  EXPECT_EQ(f.h, 720);
  EXPECT_FLOAT_EQ(f.paper.r, light_palette().paper.r);
  // Four plots x two runs of polylines, four boxes, two legend swatches.
  int series = 0, legend = 0;
  for (const auto& l : f.lines) {
    if (l.col.r == series_colour(0).r && l.col.g == series_colour(0).g) series += l.xy.size() > 4;
    if (l.xy.size() == 4) ++legend;
  }
  EXPECT_EQ(series, 3);  // run 0 has several points in three plots (eval NLL is one point: a dot)
  EXPECT_EQ(legend, 2);
  bool named0 = false, named1 = false;
  for (const auto& t : f.texts) named0 |= t.text == "runs/wfc", named1 |= t.text == "runs/ar";
  EXPECT_TRUE(named0 && named1);
  // Every point inside the figure; a plot's highest point above its lowest.
  for (const auto& l : f.lines)
    for (size_t i = 0; i + 1 < l.xy.size(); i += 2) {
      EXPECT_GE(l.xy[i], 0);
      EXPECT_LE(l.xy[i], float(f.w));
      EXPECT_GE(l.xy[i + 1], 0);
      EXPECT_LE(l.xy[i + 1], float(f.h));
    }
  // The SVG draws exactly the figure's shapes.
  const std::string svg = figure_svg(f);
  auto count = [&](const std::string& what) {
    long n = 0;
    for (size_t p = svg.find(what); p != std::string::npos; p = svg.find(what, p + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<polyline "), long(f.lines.size()));
  EXPECT_EQ(count("<circle "), long(f.dots.size()));
  EXPECT_EQ(count("<text "), long(f.texts.size()));
  EXPECT_NE(svg.find("width=\"1280\" height=\"720\""), std::string::npos);

  // A long run is drawn thinned (every plot_stride-th point and the last), inside ImGui's 16-bit
  // indices; a small crowded figure keeps positive plot boxes.
  std::vector<size_t> drawn;
  for_plotted(20000, [&](size_t i) { drawn.push_back(i); });
  EXPECT_LE(drawn.size(), 2001u);
  EXPECT_EQ(drawn.back(), 19999u);
  EXPECT_EQ(drawn.front(), 0u);
  drawn.clear();
  for_plotted(5, [&](size_t i) { drawn.push_back(i); });
  EXPECT_EQ(drawn, (std::vector<size_t>{0, 1, 2, 3, 4}));
  std::vector<RunMetrics> many;
  for (int i = 0; i < 30; ++i) many.push_back(run("runs/r" + std::to_string(i), 6.0, 3));
  FrameStyle small;
  small.w = 320, small.h = 200;
  const Figure crowded = training_figure(many, small);
  bool more = false;
  for (const auto& t : crowded.texts) {
    EXPECT_LE(t.y + t.px, float(small.h) + 0.5f) << t.text;  // every text inside the figure
    more |= t.text.find("more runs") != std::string::npos;
  }
  EXPECT_TRUE(more) << "30 runs do not fit a 200 px legend: the rest are counted";
  for (const auto& l : crowded.lines)
    if (l.xy.size() == 10) {  // a plot box: its bottom below its top, its right beyond its left
      EXPECT_GT(l.xy[5], l.xy[1]);
      EXPECT_GT(l.xy[2], l.xy[0]);
    }

  // No runs: the plots say so; nothing is drawn out of range.
  const Figure empty = training_figure({}, st);
  int none = 0;
  for (const auto& t : empty.texts) none += t.text == "no points yet";
  EXPECT_EQ(none, 4);
}

}  // namespace
}  // namespace wfc::viz
