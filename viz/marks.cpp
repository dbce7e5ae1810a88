#include "viz/marks.h"

#include <algorithm>
#include <string>

namespace wfc::viz {

const std::vector<Mark>& marks() {
  static const std::vector<Mark> table = {
      {RowStatus::Free, MarkShape::Ring, 4.6f, 1.6f, false, "free"},
      {RowStatus::Collapsed, MarkShape::Disc, 4.8f, 0.0f, false, "collapsed"},
      {RowStatus::Partial, MarkShape::FillRing, 5.2f, 1.6f, false, "partial"},
      {RowStatus::Pinned, MarkShape::Square, 4.6f, 1.6f, false, "pinned"},
      {RowStatus::Past, MarkShape::Dot, 2.2f, 0.0f, true, "past"},
  };
  return table;
}

const Mark& mark_of(RowStatus s) {
  for (const auto& m : marks())
    if (m.status == s) return m;
  return marks().front();  // an unknown status byte draws as free
}

std::string marks_help() {
  static const char* shape_name[] = {"dot", "ring", "disc", "ring filled by alpha", "square"};
  std::string out;
  for (const auto& m : marks()) {
    if (!out.empty()) out += "   ";
    out += std::string(shape_name[int(m.shape)]) + ": " + m.name;
  }
  return out;
}

std::vector<SpaceMark> spacetime_marks(const std::vector<std::shared_ptr<const TimelineRow>>& rows, int n,
                                       int64_t first_pos, int64_t last_pos, float w, float h, float scale) {
  std::vector<SpaceMark> out;
  n = std::min<int>(n, int(rows.size()));
  if (n <= 0) return out;
  const float cw = w / float(std::max<int64_t>(1, last_pos - first_pos)), rh = h / float(n);
  const float half = std::max(2.5f * scale, cw * 0.5f), tick = 5 * scale;
  const size_t first = rows.size() - size_t(n);
  for (int r = 0; r < n; ++r) {
    const auto& row = *rows[first + size_t(r)];
    const float y = r * rh;
    if (row.event == TimelineRow::Reset) {
      out.push_back({SpaceMark::Reset, 0, y, w, y});
    } else if (row.event == TimelineRow::Collapse || row.event == TimelineRow::Mint || row.event == TimelineRow::Edit) {
      if (row.event_pos < first_pos || row.event_pos >= last_pos) continue;
      const float x = (float(row.event_pos - first_pos) + 0.5f) * cw;
      if (row.event == TimelineRow::Collapse) out.push_back({SpaceMark::Collapse, x - half, y - tick, x + half, y});
      else if (row.event == TimelineRow::Edit) out.push_back({SpaceMark::Edit, x - half, y - tick, x + half, y});
      else out.push_back({SpaceMark::Mint, x - half, y, x + half, y});
    }
  }
  return out;
}

}  // namespace wfc::viz
