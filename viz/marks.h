// The drawing vocabulary, written once: how each row status is marked (shape, radius, stroke,
// colour), the accent marks, and the spacetime's event ticks. The GL renderer, the SVG writer, the
// frame legends and the lab's help all read this table, so a ring in the lab is the same ring in a
// PNG and in an SVG. Pure data: no GL, no ImGui.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "model/trace.h"
#include "viz/lab_data.h"

namespace wfc::viz {

enum class MarkShape : uint8_t {
  Dot,       // filled disc, muted (the past)
  Ring,      // outline on paper (a free row)
  Disc,      // filled disc (collapsed)
  FillRing,  // ring filled from the bottom by alpha (partial)
  Square,    // square outline with a centre dot (pinned)
};

struct Mark {
  RowStatus status;
  MarkShape shape;
  float radius;   // pixels at scale 1 (half side for the square)
  float stroke;   // outline width at scale 1 (0: filled, no outline)
  bool muted;     // muted colour, else ink
  const char* name;  // legend label
};

// One entry per RowStatus, in legend order: free, collapsed, partial, pinned, past.
const std::vector<Mark>& marks();
const Mark& mark_of(RowStatus s);
// The square's centre dot, as a share of its half side.
constexpr float kPinnedDot = 0.35f;
// The last collapse: an accent ring around the row's own mark.
constexpr float kAccentRingRadius = 9.0f, kAccentRingStroke = 2.0f;
// The past/future boundary: an accent line.
constexpr float kBoundaryWidth = 2.0f;
// The ghost (the curve before the last collapse): muted at this opacity and width.
constexpr float kGhostAlpha = 0.45f, kGhostWidth = 1.6f;
// The curve: past and future widths.
constexpr float kCurvePastWidth = 1.8f, kCurveFutureWidth = 2.6f;

// One line per mark for the lab's help and tooltip ("ring: free, ...").
std::string marks_help();

// The spacetime's event marks in view pixels (y down), the same for the lab, PNG and SVG:
// a collapse is an accent triangle pointing at its row, a mint an ink tick, a reset an ink line
// across the whole width.
struct SpaceMark {
  enum Kind : uint8_t { Collapse, Mint, Reset, Edit } kind;
  float x0, y0, x1, y1;  // Collapse, Edit: triangle base (x0..x1 at y0) and tip (centre, y1); else a line
  bool triangle() const { return kind == Collapse || kind == Edit; }
};
// rows: the iterations shown (the last `n` of the timeline); first_pos, last_pos: the positions
// across [first, last); w, h: the view's pixels; scale: tick sizes (frames at 4K use > 1).
std::vector<SpaceMark> spacetime_marks(const std::vector<std::shared_ptr<const TimelineRow>>& rows, int n,
                                       int64_t first_pos, int64_t last_pos, float w, float h, float scale = 1);

}  // namespace wfc::viz
