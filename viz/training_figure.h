// The Training window's four plots as a presentation figure: the same runs, the same colours, in
// the look of the entropy frames (paper, ink, JetBrains Mono at the frames' sizes, a title). The
// figure is a list of shapes at pixel coordinates, computed once; the SVG writer below and the PNG
// path (FrameComposer::render(Figure)) draw the same list, so both show the same thing.
#pragma once
#include <string>
#include <vector>

#include "viz/frame_layout.h"
#include "viz/run_metrics.h"
#include "viz/theme.h"

namespace wfc::viz {

// One of the four plots, each run a series (in the runs' order, coloured series_colour(i)).
struct TrainingPlot {
  std::string title, xlabel;
  std::vector<std::vector<double>> x, y;  // [run][point]
};
// The plots the Training window and the figure draw, in the order they appear (2 x 2, by rows).
std::vector<TrainingPlot> training_plots(const std::vector<RunMetrics>& runs);

// A plot's ranges: x and y padded for drawing, lo/hi the data's own y range (what is labelled).
struct PlotRange {
  bool any = false;
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1, lo = 0, hi = 0;
};
PlotRange plot_range(const TrainingPlot& p);
// Every how many points a series is drawn: at most ~2000 per line, so a long run stays inside
// ImGui's 16-bit vertex indices and its SVG stays small (the range above still sees every point).
inline size_t plot_stride(size_t points) { return points / 2000 + 1; }
// Calls f(i) for the indexes of n points that are drawn: every plot_stride(n)-th, and the last.
template <class F>
void for_plotted(size_t n, F f) {
  const size_t stride = plot_stride(n);
  for (size_t i = 0; i < n; i += stride) f(i);
  if (n > 0 && (n - 1) % stride != 0) f(n - 1);
}
// A series of fewer points than this gets a dot at each.
constexpr size_t kDotsBelow = 40;

struct Figure {
  int w = 0, h = 0;
  Rgba paper{};
  struct Line {
    std::vector<float> xy;        // x0 y0 x1 y1 ... (a polyline)
    Rgba col;
    float width;
  };
  struct Dot {
    float x, y, r;
    Rgba col;
  };
  struct Text {
    float x, y;                   // top-left
    float px;                     // one of the frame's sizes: title, label or small
    Rgba col;
    std::string text;
  };
  std::vector<Line> lines;
  std::vector<Dot> dots;
  std::vector<Text> texts;
  float title_px = 0, label_px = 0, small_px = 0;
};

// The plots of `runs` (future NLL by step, eval first-future NLL, entropy by distance at the latest
// eval, tokens/s), each run in its series colour and named in a legend. st: size, paper, title.
Figure training_figure(const std::vector<RunMetrics>& runs, const FrameStyle& st);

// SVG 1.1 text of a figure.
std::string figure_svg(const Figure& f);

}  // namespace wfc::viz
